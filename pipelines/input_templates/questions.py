"""A questions.yaml skeleton (DATA-CONTRACT §2.3) from a survey export's headers.

The export is read with the loaders' own reader (any encoding, separator or xlsx they
accept). Each column is sorted into one of:

- a column that identifies the respondent (name, e-mail, IP address, phone, personnummer,
  by its header or because its answers are such values): left out, with a comment saying
  it is never stored (DATA-CONTRACT §5);
- the id, submission-time, area and sector columns, guessed from short headers (an area
  column also from answers that are the municipality's area names);
- a question: a slug id, a category suggested when the header names one of the taxonomy's
  ids, names or aliases (as words, compared like dbt compares them: `word_key`), and a
  scale from the distinct answers seen, or `free_text: true` for long, varied text.

What cannot be known from an export is left as an ATT GÖRA comment for the coordinator,
in Swedish: which answers mean "a problem" and in which order the scale runs (answers
given as digits count in that order), and a category the header does not name. Such a
skeleton does not validate until it is filled in, on purpose: a guessed scale would
silently count the wrong answers.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Municipality, header_key
from ..ingest.readers import read_table
from ..ingest.redact import redact
from ..ingest.taxonomy import aliases, categories
from ..names import apply

TODO = "ATT GÖRA"
MAX_ROLE_WORDS = 3  # id/time/area/sector/identity columns have short headers; questions do not

IDENTIFYING_WORDS = {
    "namn", "fornamn", "efternamn", "name", "firstname", "lastname", "epost", "epostadress", "email", "mail",
    "mejl", "mejladress", "ip", "ipadress", "telefon", "telefonnummer", "tel", "mobil", "mobilnummer",
    "personnummer", "pnr",
}
IDENTIFYING_PHRASES = ("e post", "e mail", "ip adress", "ip address")
ROLE_WORDS = {
    "id_column": {"id", "svarsid", "respondent", "respondentid", "responseid", "svarsnummer", "lopnummer"},
    "submitted_column": {
        "inskickad", "inskickat", "skickad", "skickat", "submitted", "svarsdatum", "besvarad", "besvarat",
        "datum", "tidpunkt", "timestamp", "completed", "date", "tid",
    },
    "area_column": {"omrade", "bostadsomrade", "stadsdel", "tatort", "kommundel", "ort", "area", "bostadsort"},
    "sector_column": {"sektor", "sector", "malgrupp", "respondentgrupp", "roll", "grupp"},
}
ROLE_HELP = {
    "id_column": "Kontrollera: kolumnen med svarets unika id.",
    "submitted_column": "Kontrollera: kolumnen med tidpunkten då svaret skickades in.",
    "area_column": "Kontrollera: kolumnen med området (ett av områdena i municipality.yaml).",
    "sector_column": "Valfri: kolumnen med den svarandes grupp (boende, företagare …).",
}
FREE_TEXT_WORDS = {"beskriv", "kommentar", "kommentarer", "ovrigt", "ovriga", "fritext", "beratta", "synpunkter"}
IGNORE_ANSWERS = {
    "vet ej", "vet inte", "ingen asikt", "ej aktuellt", "inte aktuellt", "vill ej svara", "vill inte svara",
    "ingen uppfattning", "kan inte svara", "kan ej svara", "ej svar", "inget svar",
}
STOP_WORDS = {
    "upplever", "problem", "med", "du", "dig", "din", "ditt", "dina", "i", "pa", "och", "eller", "att", "det",
    "som", "en", "ett", "ar", "har", "for", "av", "om", "till", "nar", "var", "hur", "vad", "kanner", "garna",
    "beskriv", "den", "de", "man", "sig", "inom", "vid",
}
_DIGITS = re.compile(r"\d{1,2}")
_ONLY_TOKEN = re.compile(r"\[[a-zåäö-]+\]")


def _quote(text: str) -> str:
    """A YAML scalar in double quotes (a JSON string is one)."""
    return json.dumps(text, ensure_ascii=False)


def _in_comment(text: str) -> str:
    """Text that stays on its comment line (a header may hold a line break)."""
    return " ".join(text.split())


def _word_keys(texts: list[str]) -> list[str]:
    """dbt's word_key: accents, case and punctuation gone, words separated by one space."""
    return [key or "" for key in apply("word_key", texts)]


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def _distinct(values: list[str], limit: int = 2000) -> list[str]:
    """Up to `limit` distinct answers, in order of appearance (enough to judge a column)."""
    return list(dict.fromkeys(values))[:limit]


def _looks_identifying(values: list[str]) -> bool:
    """Most distinct answers are whole e-mail addresses, phone numbers, personnummer or IP addresses."""
    sample = _distinct(values)
    if not sample:
        return False
    hits = sum(1 for v in sample if _is_ip(v) or _ONLY_TOKEN.fullmatch(redact(v) or "") is not None)
    return hits * 2 >= len(sample)


@dataclass
class _Column:
    header: str
    key: str  # word_key of the header
    values: list[str]  # its distinct answers, in order of appearance

    @property
    def words(self) -> list[str]:
        return self.key.split()

    def original(self, start: int, count: int) -> str:
        """The header's own words at word_key positions [start, start + count), accents kept."""
        words = [w for w in re.split(r"[\W_]+", self.header) if w]
        if len(words) != len(self.words):
            return " ".join(self.words[start : start + count])
        return " ".join(words[start : start + count])

    @property
    def short(self) -> bool:
        return 0 < len(self.words) <= MAX_ROLE_WORDS


@dataclass
class Skeleton:
    text: str
    questions: int
    left_out: list[str] = field(default_factory=list)
    todos: int = 0


class _CategoryMatcher:
    """Which category a header names: a taxonomy spelling (id, name, alias) found among the
    header's words; its last word may begin a longer word ('stöld' in 'stölder',
    'narkotika' in 'narkotikahandel') when it has at least 4 letters."""

    def __init__(self):
        spellings = [(c.id, c.id) for c in categories()] + [(c.name, c.id) for c in categories()]
        spellings += [(alias, category) for alias, category in aliases()]
        keys = _word_keys([text for text, _ in spellings])
        self.spellings = [(key.split(), category) for key, (_, category) in zip(keys, spellings) if key]

    def match(self, words: list[str]) -> list[tuple[str, tuple[int, int]]]:
        """(category id, (first word, number of words) of the header that named it), best first."""
        best: dict[str, tuple[int, tuple[int, int]]] = {}
        for spelling, category in self.spellings:
            n = len(spelling)
            for i in range(len(words) - n + 1):
                window = words[i : i + n]
                last_ok = window[-1] == spelling[-1] or (len(spelling[-1]) >= 4 and window[-1].startswith(spelling[-1]))
                if window[:-1] == spelling[:-1] and last_ok:
                    score = sum(map(len, spelling))
                    if score > best.get(category, (0, None))[0]:
                        best[category] = (score, (i, n))
        return [(c, at) for c, (score, at) in sorted(best.items(), key=lambda item: -item[1][0])]


def _slug(words: list[str], taken: set[str], category: str | None) -> str:
    if category:
        base = f"q_{category}"
    else:
        kept = [w for w in words if w not in STOP_WORDS] or words
        base = "q_" + "_".join(kept[:4]) if kept else "q_fraga"
        base = base[:40].rstrip("_")
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}_{n}", n + 1
    taken.add(slug)
    return slug


def _is_free_text(column: _Column) -> bool:
    labels = {v for v in column.values if not _DIGITS.fullmatch(v)}
    if any(w in FREE_TEXT_WORDS for w in column.words):
        return True
    if len(labels) > 12:
        return True
    return bool(labels) and sum(map(len, labels)) / len(labels) > 30


def _area_like(column: _Column, area_keys: set[str]) -> bool:
    """Most distinct answers name an area of municipality.yaml (name or alias)."""
    keys = _word_keys(_distinct(column.values))
    if not keys:
        return False
    return sum(key in area_keys for key in keys) * 2 >= len(keys)


def build(export: Path, municipality: Municipality) -> Skeleton:
    table = read_table(export)
    headers = table.columns
    keys = _word_keys(headers)
    columns = [
        _Column(header, key, list(dict.fromkeys(row[i] for row in table.rows if i < len(row) and row[i] is not None)))
        for i, (header, key) in enumerate(zip(headers, keys))
    ]
    area_keys = set(_word_keys([label for area in municipality.areas for label in (area.name, *area.aliases)]))

    left_out: list[str] = []
    roles: dict[str, _Column] = {}
    questions: list[_Column] = []
    unnamed, repeated = 0, []
    seen_headers: set[str] = set()
    for column in columns:
        if not column.header:
            unnamed += 1
            continue
        if header_key(column.header) in seen_headers:
            repeated.append(column.header)
            continue
        seen_headers.add(header_key(column.header))
        words = set(column.words)
        if (column.short and (words & IDENTIFYING_WORDS or any(p in column.key for p in IDENTIFYING_PHRASES))) or (
            _looks_identifying(column.values)
        ):
            left_out.append(column.header)
            continue
        role = next(
            (r for r, names in ROLE_WORDS.items() if r not in roles and column.short and words & names), None
        )
        if role:
            roles[role] = column
            continue
        questions.append(column)
    if "area_column" not in roles:  # no header says "område": an answer column of area names
        found = next((c for c in questions if _area_like(c, area_keys)), None)
        if found:
            roles["area_column"] = found
            questions.remove(found)

    return _render(export, table, municipality, roles, questions, left_out, unnamed, repeated)


def _render(export, table, municipality, roles, questions, left_out, unnamed, repeated) -> Skeleton:
    matcher = _CategoryMatcher()
    category_ids = ", ".join(c.id for c in categories())
    lines = [
        "# Frågekatalog (questions.yaml) – utkast gjort av `make templates` från enkätexporten",
        f"#   {_in_comment(export.name)} ({len(table.columns)} kolumner, {len(table.rows)} svar).",
        f"# Gå igenom allt som är märkt {TODO} och kontrollera förslagen. Spara sedan filen som",
        "# surveys/questions.yaml i datakatalogen och kör `make run`.",
        "# Rubrikerna (header) ska stå som i exporten; stora och små bokstäver och mellanslag",
        "# runt texten spelar ingen roll. En kolumn som inte står här läses aldrig in.",
    ]
    todos = 0
    if left_out:
        lines += [
            "#",
            "# Kolumnerna " + ", ".join(f"”{_in_comment(h)}”" for h in left_out) + " pekar ut den som har svarat.",
            "# De står inte i katalogen och sparas aldrig. Lägg inte till dem.",
        ]
    if unnamed:
        lines.append(f"# {unnamed} kolumn(er) utan rubrik har hoppats över.")
    if repeated:
        lines.append("# Rubriker som finns två gånger i exporten (bara den första är med): "
                     + ", ".join(f"”{_in_comment(h)}”" for h in repeated) + ".")
    lines.append("")
    for role in ("id_column", "submitted_column", "area_column", "sector_column"):
        column = roles.get(role)
        if column is not None:
            lines.append(f"{role}: {_quote(column.header)}  # {ROLE_HELP[role]}")
        elif role == "sector_column":
            lines.append(f"# {role}:   # {ROLE_HELP[role]} Ingen sådan kolumn hittades.")
        else:
            todos += 1
            lines.append(f'{role}: ""  # {TODO}: {ROLE_HELP[role].removeprefix("Kontrollera: ")} '
                         "Ingen kolumn hittades: skriv rubriken.")

    lines += ["", "questions:"]
    scales: dict[tuple, str] = {}
    scale_info: dict[str, tuple[list[str], list[str], int, list[str]]] = {}
    taken: set[str] = set()
    for column in questions:
        lines.append(f"  - header: {_quote(column.header)}")
        if _is_free_text(column):
            lines.append(f"    id: {_slug(column.words, taken, None)}")
            lines.append("    free_text: true  # fritext: sparas först när namn, telefonnummer m.m. tagits bort")
            continue
        found = matcher.match(column.words)
        category = found[0][0] if found else None
        lines.append(f"    id: {_slug(column.words, taken, category)}")
        if found:
            note = f"förslag: rubriken nämner ”{column.original(*found[0][1])}”"
            if len(found) > 1:
                note += "; nämner också " + ", ".join(f"”{column.original(*at)}” ({c})" for c, at in found[1:])
            lines.append(f"    category: {category}  # {note}. Kontrollera.")
        else:
            todos += 1
            lines.append(f"    category:  # {TODO}: välj en kategori: {category_ids}")
        counted, ignored, digits = _answers(column.values)
        key = (tuple(counted), tuple(ignored), digits)
        if key not in scales:
            scales[key] = f"skala_{len(scales) + 1}"
            scale_info[scales[key]] = (counted, ignored, digits, [])
        scale_info[scales[key]][3].append(column.header)
        lines.append(f"    scale: {scales[key]}")

    if scale_info:
        lines += ["", "scales:"]
    for name, (counted, ignored, digits, used_by) in scale_info.items():
        todos += 1
        lines.append(f"  {name}:")
        used = f"{len(used_by)} fråga" if len(used_by) == 1 else f"{len(used_by)} frågor"
        lines.append(f"    # {TODO}: används av {used}. Svaren nedan är de som finns i exporten.")
        lines.append("    # Ordna dem i skalans ordning, med det svar som betyder störst problem först, och")
        lines.append("    # flytta de svar som betyder ”inget problem” till no_problem (i samma ordning).")
        if digits:
            lines.append(f"    # Exporten har också svar som siffror (upp till {digits}): siffran k betyder det k:te")
            lines.append("    # svaret i problem följt av no_problem, så ordningen avgör vad siffrorna betyder.")
            if not counted:
                lines.append("    # Exporten har inga svar i text: skriv in svarsalternativen från enkäten.")
        lines.append(f"    problem: [{', '.join(map(_quote, counted))}]")
        lines.append("    no_problem: []")
        lines.append(f"    ignore: [{', '.join(map(_quote, ignored))}]  # räknas inte (t.ex. ”Vet ej”); kontrollera")
    if not questions:
        todos += 1
        lines += [f"  # {TODO}: inga frågekolumner hittades i exporten."]
    return Skeleton("\n".join(lines) + "\n", len(questions), left_out, todos)


def _answers(values: list[str]) -> tuple[list[str], list[str], int]:
    """(answers that count, alphabetically: columns with the same answers share a scale;
    answers that look like 'don't know'; the highest answer given as a digit, 0 if none)."""
    labels = sorted({v for v in values if not _DIGITS.fullmatch(v)}, key=lambda v: (v.casefold(), v))
    keys = dict(zip(labels, _word_keys(labels)))
    ignored = [label for label in labels if keys[label] in IGNORE_ANSWERS]
    counted = [label for label in labels if label not in ignored]
    digits = max((int(v) for v in values if _DIGITS.fullmatch(v)), default=0)
    return counted, ignored, digits
