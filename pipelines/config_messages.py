"""Swedish messages for a broken configuration file, as the coordinator reads them.

One line per problem: the file (relative to the data directory), the entry counted
from 1 as a person counts ("område 2 (Öregrund)", "löfte 3 "2025-t2-snatteri"",
"åtgärd 1 "x", uppdatering 2"), the line in the file, and what is wrong with which
field, with the value quoted and a suggestion when one is close:

    municipality.yaml, område 2 (Öregrund), rad 17: okänt fält "populaton" – menade du "population"?

pydantic's errors are translated by their type (`error["type"]`), never by their
English text. The models of pipelines/config.py say how their entries are named
(ENTRY_NOUNS) and what a pattern means (PATTERN_HELP); validators that know the valid
choices (areas, categories, indicators, scales, statuses) word their own message and
use `did_you_mean`.
"""

from __future__ import annotations

import difflib
import json
import re
import types
import typing
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import BaseModel

# Filled in by pipelines/config.py: model class -> (noun, field that labels an entry or None).
ENTRY_NOUNS: dict[type, tuple[str, str | None]] = {}
# regex -> what it asks for, as a Swedish predicate ("ska vara …").
PATTERN_HELP: dict[str, str] = {}


# Field names a Swedish writer may reach for: an unknown "datum" suggests "date" where
# "date" is a field (keys folded: no case, no accents).
SWEDISH_FIELDS = {
    "datum": "date", "namn": "name", "titel": "title", "rubrik": "header", "ansvarig": "owner",
    "agare": "owner", "kategori": "category", "omrade": "areas", "omraden": "areas", "lofte": "pledge",
    "mal": "target", "slut": "end", "slutdatum": "end", "startdatum": "start", "kod": "code",
    "kommunkod": "code", "lan": "county", "befolkning": "population", "invanare": "population",
    "alias": "aliases", "period": "period", "tertial": "period", "indikator": "indicator",
    "skala": "scale", "skalor": "scales", "fragor": "questions", "status": "status", "antal": "count",
    "gjort": "done", "utfort": "done", "anteckning": "note", "kommentar": "note", "uppdateringar": "updates",
    "atgard": "measure", "matt": "measure", "fritext": "free_text",
}


# --------------------------------------------------------------------------- small words


def quote(value: Any, limit: int = 60) -> str:
    """A value as the file shows it, in double quotes ("tomt" for nothing)."""
    if value is None:
        return "tomt"
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (str, int, float, date)):
        text = str(value)
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split()) if isinstance(value, str) else text
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f'"{text}"'


def _fold(text: str) -> str:
    # Only for ranking suggestions ("pagar" ~ "pågår"); matching itself uses names.normalise_name.
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def closest(value: Any, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice most like `value` (ignoring case and accents), if any is close enough."""
    folded: dict[str, str] = {}
    for choice in choices:
        folded.setdefault(_fold(choice), choice)
    if value is None or not folded:
        return None
    match = difflib.get_close_matches(_fold(value), list(folded), n=1, cutoff=cutoff)
    return folded[match[0]] if match else None


def did_you_mean(value: Any, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """' – menade du "x"?' when a choice is close, else ''."""
    match = closest(value, choices, cutoff)
    return f' – menade du "{match}"?' if match is not None else ""


def unknown_choice(what: str, value: Any, choices: Iterable[str], where: str, *, limit: int = 12) -> str:
    """'okänd skala "agre4" – menade du "agree4"? (skalor: agree4, trygg4)' and the like.

    `what` is the phrase for the unknown thing ("okänd skala"), `where` names the list of
    valid values ("skalor", "områden i municipality.yaml")."""
    choices = list(choices)
    shown = ", ".join(choices[:limit]) + (f" och {len(choices) - limit} till" if len(choices) > limit else "")
    listing = f" ({where}: {shown})" if choices else f" (det finns inga {where})"
    return f"{what} {quote(value)}{did_you_mean(value, choices)}{listing}"


def slug(text: str) -> str:
    """An id a person probably meant: 'Östra Gimo' -> 'ostra_gimo'."""
    return re.sub(r"[^a-z0-9]+", "_", _fold(text)).strip("_")


# --------------------------------------------------------------------------- where in the file


def _unwrap(tp: Any) -> Any:
    """The type behind Annotated[...] and Optional[...]."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _child(tp: Any, part: Any) -> Any:
    """The type at `part` (a field name, a list position or a dict key) inside `tp`."""
    tp = _unwrap(tp)
    if _is_model(tp):
        field = tp.model_fields.get(part) if isinstance(part, str) else None
        return field.annotation if field is not None else None
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (list, tuple, set, frozenset) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def fields_of(tp: Any) -> list[str]:
    tp = _unwrap(tp)
    return list(tp.model_fields) if _is_model(tp) else []


def _value_at(data: Any, part: Any) -> Any:
    if isinstance(data, dict):
        return data.get(part)
    if isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
        return data[part]
    return None


def _entry_label(noun: str, label_field: str | None, part: Any, item: Any) -> str:
    label = item.get(label_field) if label_field and isinstance(item, dict) else None
    label = " ".join(label.split()) if isinstance(label, str) else label
    if isinstance(part, int):
        text = f"{noun} {part + 1}"
        if label not in (None, ""):
            text += f" ({label})" if label_field == "name" else f" {quote(label)}"
        return text
    return f"{noun} {quote(part)}"  # an entry of a mapping: its key names it


def _walk(root: yaml.Node | None, loc: tuple):
    """The nodes of the composed YAML that `loc` passes through, as far as the file has them."""
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((value for key, value in node.value if str(key.value) == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            node = None
        if node is None:
            return
        yield node


def line_of(root: yaml.Node | None, loc: tuple) -> int | None:
    """The line (from 1) of the deepest node `loc` reaches; for a key the file does not
    have, the line of the entry that lacks it (at the top level: no line)."""
    nodes = list(_walk(root, loc))
    return nodes[-1].start_mark.line + 1 if nodes else None


def _key_line(root: yaml.Node | None, loc: tuple, key: Any) -> int | None:
    """The line of the key `key` in the mapping at `loc` (an unknown field's own line)."""
    nodes = list(_walk(root, loc))
    node = root if not loc else (nodes[-1] if len(nodes) == len(loc) else None)
    if isinstance(node, yaml.MappingNode):
        for k, _ in node.value:
            if str(k.value) == str(key):
                return k.start_mark.line + 1
    return None


def locate(loc: tuple, root_type: Any, data: Any) -> tuple[list[str], list[tuple[str, Any]], Any]:
    """Split a pydantic location into the entries a person names and the path within the
    innermost entry: (["område 2 (Öregrund)"], [("field", "population"), ("key", 2023)], Area).

    Path steps are ("field", name), ("item", list position), ("key", dict key) and
    ("badkey", None) when the dict key itself is wrong."""
    entries: list[str] = []
    path: list[tuple[str, Any]] = []
    tp, value, entry_type = root_type, data, root_type
    for part in loc:
        if part == "[key]":
            path.append(("badkey", None))
            continue
        outer = _unwrap(tp)
        child_type, child_value = _child(tp, part), _value_at(value, part)
        if _is_model(outer):
            path.append(("field", part))
        elif (noun := ENTRY_NOUNS.get(_unwrap(child_type))) is not None:
            entries.append(_entry_label(noun[0], noun[1], part, child_value))
            path, entry_type = [], child_type
        else:
            path.append(("item" if isinstance(part, int) and typing.get_origin(outer) is not dict else "key", part))
        tp, value = child_type, child_value
    return entries, path, entry_type


def field_phrase(path: list[tuple[str, Any]]) -> str:
    """'fältet "population" (2023)', 'fältet "target.count"', 'fältet "areas" (nr 2)', or ''."""
    names = [part for kind, part in path if kind == "field"]
    if not names:
        return ""
    text = f'fältet "{".".join(names)}"'
    for kind, part in path:
        if kind == "item":
            text += f" (nr {part + 1})"
        elif kind == "key":
            text += f" ({part})"
    return text


def _type_at(entry_type: Any, path: list[tuple[str, Any]]) -> Any:
    tp = entry_type
    for kind, part in path:
        if kind != "badkey":
            tp = _child(tp, part)
    return tp


# --------------------------------------------------------------------------- the reasons


def _with_value(predicate: str, value: Any) -> str:
    if value is _NO_VALUE:
        return predicate
    if isinstance(value, list):
        return f"{predicate}, inte en lista"
    if isinstance(value, dict):
        return f"{predicate}, inte en samling fält"
    return f"{predicate}, inte {quote(value)}"


_NO_VALUE = object()
_PREDICATES = ("saknas", "ska ", "får ")


def _join(subject: str, text: str) -> str:
    """'fältet "x" saknas …' but 'fältet "x": okänt område …'."""
    if not subject:
        return text
    return f"{subject} {text}" if text.startswith(_PREDICATES) else f"{subject}: {text}"



def reason(error: dict, entry_type: Any, path: list[tuple[str, Any]], root_type: Any = None) -> str:
    """What is wrong, in Swedish, for one pydantic error (its field named in the text)."""
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if path and path[-1][0] == "badkey":  # a wrong key of a mapping: name it, do not repeat it as the value
        subject = field_phrase(path[:-2])
        subject = f"{subject}: nyckeln {quote(value)}" if subject else f"nyckeln {quote(value)}"
        value = _NO_VALUE
    else:
        subject = field_phrase(path)
    lead = subject or ("posten" if entry_type is not root_type else "filen")

    if kind == "extra_forbidden":
        name = path[-1][1] if path else "?"
        allowed = fields_of(_type_at(entry_type, path[:-1]))
        swedish = SWEDISH_FIELDS.get(_fold(name))
        hint = f' – menade du "{swedish}"?' if swedish in allowed else did_you_mean(name, allowed, cutoff=0.7)
        listing = "" if hint or not allowed else f" (fälten här: {', '.join(allowed)})"
        return f'okänt fält "{name}"{hint}{listing}'
    if kind == "missing":
        return f"{lead} saknas"
    if kind in ("value_error", "assertion_error"):
        return _join(subject, str(ctx.get("error", error.get("msg", ""))).removeprefix("Value error, "))
    if "message" in ctx:  # our own PydanticCustomError (config.field_error)
        return _join(subject, str(ctx["message"]))
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        text = f"{lead} {_with_value(PATTERN_HELP.get(pattern, f'ska följa mönstret {pattern}'), value)}"
        guess = slug(value) if isinstance(value, str) else ""
        if guess and guess != value and pattern and re.fullmatch(pattern, guess):
            text += f" – till exempel {quote(guess)}"
        return text
    if kind in ("string_too_short", "too_short"):
        if ctx.get("min_length", 1) <= 1:
            return f"{lead} får inte vara tomt"
        return f"{lead} behöver minst {ctx['min_length']} poster"
    if kind in ("string_too_long", "too_long"):
        unit = "tecken" if kind == "string_too_long" else "poster"
        return f"{lead} får ha högst {ctx.get('max_length')} {unit}"
    if kind in ("int_parsing", "int_from_float", "int_type", "int_parsing_size"):
        return f"{lead} {_with_value('ska vara ett heltal', value)}"
    if kind in ("float_parsing", "float_type", "finite_number"):
        return f"{lead} {_with_value('ska vara ett tal', value)}"
    if kind in ("bool_parsing", "bool_type"):
        return f"{lead} {_with_value('ska vara true eller false', value)}"
    if kind.startswith("date"):
        return f"{lead} {_with_value('ska vara ett giltigt datum som 2025-05-01 (ÅÅÅÅ-MM-DD)', value)}"
    bounds = {"greater_than_equal": ("minst", "ge"), "greater_than": ("större än", "gt"),
              "less_than_equal": ("högst", "le"), "less_than": ("mindre än", "lt")}
    if kind in bounds:
        word, key = bounds[kind]
        return f"{lead} {_with_value(f'ska vara {word} {ctx.get(key)}', value)}"
    if kind in ("literal_error", "enum"):
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"{lead}: {unknown_choice('värdet', value, choices, 'tillåtna värden')}"
    if kind in ("string_type", "string_unicode"):
        return f"{lead} {_with_value('ska vara en text (sätt den inom citattecken)', value)}"
    if kind in ("list_type", "tuple_type", "set_type"):
        return f"{lead} {_with_value('ska vara en lista: [a, b] eller en rad per post som börjar med -', value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type", "mapping_type"):
        names = fields_of(_type_at(entry_type, path))
        more = " …" if len(names) > 3 else ""
        shape = f"fält som {', '.join(n + ':' for n in names[:3])}{more}" if names else "fält (namn: värde)"
        return f"{lead} {_with_value(f'ska bestå av {shape}', value)}"
    return f"{lead}: ogiltigt värde {quote(value)} ({error.get('msg', kind)})"


def describe(error: dict, root_type: Any, data: Any, root_node: yaml.Node | None) -> tuple[str, str]:
    """(where, what) for one pydantic error: ('område 2 (Öregrund), rad 17', 'okänt fält ...')."""
    loc = tuple(error.get("loc", ()))
    ctx = error.get("ctx") or {}
    loc = loc + tuple(ctx.get("loc", ()))  # a cross-field check names the field it is about
    entries, path, entry_type = locate(loc, root_type, data)
    if error["type"] == "extra_forbidden" and path:
        line = _key_line(root_node, loc[:-1], loc[-1])
    else:
        line = line_of(root_node, tuple(p for p in loc if p != "[key]"))
    where = ", ".join(entries + ([f"rad {line}"] if line else []))
    return where, reason(error, entry_type, path, root_type)


# --------------------------------------------------------------------------- whole-file problems

_YAML_PROBLEMS = (
    ("found '<stream end>'", "filen tar slut mitt i en lista – saknas ett ] eller }?"),
    ("mapping values are not allowed", "ett kolon (:) där det inte får stå ett – sätt texten inom citattecken"),
    ("found character '\\t'", "ett tabbtecken – dra in med mellanslag, inte tabb"),
    ("could not find expected ':'", "ett kolon (:) saknas efter fältets namn"),
    ("expected <block end>", "indraget stämmer inte med raderna ovanför"),
    ("did not find expected key", "indraget stämmer inte med raderna ovanför"),
    ("did not find expected '-' indicator", "indraget stämmer inte med raderna ovanför"),
    ("found unexpected end of stream", "ett citattecken stängs aldrig – saknas ett avslutande ' eller \"?"),
    ("expected ',' or ']'", "en lista inom [ ] stängs inte (saknas ] eller ett kommatecken?)"),
    ("expected ',' or '}'", "fälten inom { } stängs inte (saknas } eller ett kommatecken?)"),
    ("found undefined alias", "ett * som YAML läser som en hänvisning – sätt texten inom citattecken"),
    ("found character '@'", "ett @ i början av en text – sätt texten inom citattecken"),
    ("found character '`'", "ett ` i början av en text – sätt texten inom citattecken"),
)


def yaml_problem(exc: yaml.YAMLError) -> tuple[int | None, str]:
    """(line from 1, Swedish reason) for a YAML syntax error."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = " ".join(str(part) for part in (getattr(exc, "context", None), getattr(exc, "problem", None)) if part)
    for words, text in _YAML_PROBLEMS:
        if words in problem:
            return (mark.line + 1 if mark else None), f"filen är inte giltig YAML: {text}"
    return (mark.line + 1 if mark else None), f"filen är inte giltig YAML ({problem or exc})"


def display_name(path: Path, data_dir: Path | None) -> str:
    """The file as the coordinator knows it: relative to the data directory when inside it."""
    if data_dir is not None:
        try:
            return Path(path).resolve().relative_to(Path(data_dir).resolve()).as_posix()
        except ValueError:
            pass
    return str(path)
