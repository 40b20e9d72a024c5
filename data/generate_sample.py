#!/usr/bin/env python3
"""Write the SYNTHETIC demo inputs for Östhammar (every source except police events).

    .venv/bin/python data/generate_sample.py [--out DIR] [--scale N]

Deterministic: one `random.Random(SEED)` per source, no clock, fixed xlsx document
properties, so two runs give byte-identical files. `--scale N` multiplies volumes
(survey responses, partner incidents, local police counts and rows) for benchmarks.

Everything written here is invented: municipality.yaml (areas, populations) is
read, never changed; the real police events in police/events/ are not touched.
The defects planted on purpose are listed, with file and row, in SYNTHETIC.md.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import math
import random
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import xlsxwriter
import yaml

SEED = 2023196  # lag 2023:196
REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample"
XLSX_CREATED = datetime(2026, 9, 1, 8, 0, 0)
FIRST_MONTH = (2023, 1)
LAST_MONTH = (2026, 8)

CATEGORIES = ["stold", "inbrott", "snatteri", "skadegorelse", "hot_vald", "social_oro", "narkotika", "vapen"]
MONTH_NAMES = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
               "september", "oktober", "november", "december"]


# --------------------------------------------------------------------------- helpers

def months(first=FIRST_MONTH, last=LAST_MONTH):
    y, m = first
    out = []
    while (y, m) <= last:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def month_add(ym, k):
    y, m = ym
    n = y * 12 + (m - 1) + k
    return (n // 12, n % 12 + 1)


def days_in_month(y, m):
    nxt = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
    return (nxt - date(y, m, 1)).days


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam < 30:
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1
    return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))


def binomial(rng: random.Random, n: int, p: float) -> int:
    return sum(1 for _ in range(n) if rng.random() < p)


def weighted(rng: random.Random, items: dict):
    keys = list(items)
    return rng.choices(keys, weights=[items[k] for k in keys], k=1)[0]


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


def logit(p):
    return math.log(p / (1 - p))


@dataclass
class Defect:
    file: str
    data_row: int  # 1-based among data rows (header and title rows not counted)
    line: int  # physical line of a CSV / Excel row number of an xlsx (1-based)
    column: str
    value: str
    defect: str


@dataclass
class Written:
    path: str
    rows: int
    note: str


@dataclass
class Ledger:
    out: Path
    files: list[Written] = field(default_factory=list)
    defects: list[Defect] = field(default_factory=list)

    def rel(self, path: Path) -> str:
        return path.relative_to(self.out).as_posix()


class Bad:
    """A planted defect row: the row plus what is wrong with it."""

    def __init__(self, row, column: str, defect: str):
        self.row, self.column, self.defect = row, column, defect


def split_bad(rows):
    return [r.row if isinstance(r, Bad) else r for r in rows]


def record_defects(ledger: Ledger, path: Path, header, rows, first_line: int):
    """first_line: physical line / Excel row of the first data row."""
    for i, r in enumerate(rows, start=1):
        if isinstance(r, Bad):
            value = r.row[header.index(r.column)]
            ledger.defects.append(Defect(ledger.rel(path), i, first_line + i - 1, r.column,
                                         "" if value is None else str(value), r.defect))


def write_csv(ledger: Ledger, path: Path, header, rows, *, note: str, sep=";", encoding="utf-8", bom=False,
              crlf=False, trailing_cols=0, trailing_blank_rows=0, with_header=True):
    path.parent.mkdir(parents=True, exist_ok=True)
    record_defects(ledger, path, list(header), rows, 2 if with_header else 1)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n" if crlf else "\n", quoting=csv.QUOTE_MINIMAL)
    pad = [""] * trailing_cols
    if with_header:
        w.writerow(list(header) + pad)
    for r in split_bad(rows):
        w.writerow(["" if v is None else str(v) for v in r] + pad)
    for _ in range(trailing_blank_rows):
        w.writerow([""] * (len(header) + trailing_cols))
    data = buf.getvalue().encode(encoding)
    if bom:
        data = codecs.BOM_UTF8 + data
    path.write_bytes(data)
    ledger.files.append(Written(ledger.rel(path), len(rows), note))


def write_xlsx(ledger: Ledger, path: Path, header, rows, *, note: str, title: str, title_rows=(),
               date_format="yyyy-mm-dd", sheet="Blad1", widths=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    first_line = len(title_rows) + 2
    record_defects(ledger, path, list(header), rows, first_line)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({
        "title": title,
        "subject": "Syntetiska data",
        "author": "lagesbild data/generate_sample.py",
        "company": "Syntetiska data",
        "comments": "Syntetiska data för demonstration. Inga verkliga personer eller händelser.",
        "created": XLSX_CREATED,
    })
    ws = wb.add_worksheet(sheet)
    bold = wb.add_format({"bold": True})
    dfmt = wb.add_format({"num_format": date_format})
    dtfmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    r = 0
    for text in title_rows:
        if text:
            ws.write_string(r, 0, text, bold)
        r += 1
    for c, h in enumerate(header):
        ws.write_string(r, c, h, bold)
    for row in split_bad(rows):
        r += 1
        for c, v in enumerate(row):
            if v is None or v == "":
                continue
            if isinstance(v, datetime):
                ws.write_datetime(r, c, v, dtfmt)
            elif isinstance(v, date):
                ws.write_datetime(r, c, datetime(v.year, v.month, v.day), dfmt)
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, str(v))
    for c, wdt in enumerate(widths or [14] * len(header)):
        ws.set_column(c, c, wdt)
    wb.close()
    ledger.files.append(Written(ledger.rel(path), len(rows), note))


# --------------------------------------------------------------------------- fake personal data

FIRST_NAMES = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Anders", "Lena", "Per", "Sara",
               "Mikael", "Emma", "Jonas", "Elin", "Oskar", "Ida", "Nils", "Frida", "Gustav"]
LAST_NAMES = ["Testsson", "Exempelsson", "Provsson", "Påhittad", "Fiktivsson", "Låtsasson", "Demosson",
              "Dummysson"]


def fake_name(rng):
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def ascii_fold(text):
    return (text.lower().replace("å", "a").replace("ä", "a").replace("ö", "o").replace("é", "e")
            .replace(" ", "."))


def fake_email(rng, name=None):
    name = name or fake_name(rng)
    return f"{ascii_fold(name)}{rng.choice(['', '', str(rng.randint(1, 99))])}@{rng.choice(['example.com', 'example.org', 'example.net'])}"


def luhn_digit(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def fake_personnummer(rng):
    born = date(1940, 1, 1) + timedelta(days=rng.randint(0, 65 * 365))
    day = born.day + (60 if rng.random() < 0.1 else 0)  # samordningsnummer now and then
    yymmdd = f"{born.year % 100:02d}{born.month:02d}{day:02d}"
    serial = f"{rng.randint(0, 999):03d}"
    last4 = serial + luhn_digit(yymmdd + serial)
    style = rng.randint(0, 3)
    if style == 0:
        return f"{born.year}{yymmdd[2:]}-{last4}"
    if style == 1:
        return f"{yymmdd}-{last4}"
    if style == 2:
        return f"{born.year}{yymmdd[2:]}{last4}"
    return f"{yymmdd}{last4}"


def fake_phone(rng):
    # 070-174 06 05 … 070-174 06 99 is the range PTS reserves for fiction.
    n = rng.randint(5, 99)
    style = rng.randint(0, 4)
    if style == 0:
        return f"070-174 06 {n:02d}"
    if style == 1:
        return f"+46 70 174 06 {n:02d}"
    if style == 2:
        return f"070174 06{n:02d}".replace(" ", "")
    if style == 3:
        return f"0173-{rng.randint(100, 299)} {rng.randint(10, 99)}"
    return f"+46 (0)70-174 06 {n:02d}"


def fake_ip(rng):
    net = rng.choice(["192.0.2", "198.51.100", "203.0.113"])  # TEST-NET ranges
    return f"{net}.{rng.randint(1, 254)}"


def personal_snippet(rng):
    kind = rng.randint(0, 3)
    name = fake_name(rng)
    if kind == 0:
        return f"Ring mig gärna på {fake_phone(rng)} /{name.split()[0]}"
    if kind == 1:
        return f"Jag heter {name}, personnummer {fake_personnummer(rng)}, och vill bli kontaktad."
    if kind == 2:
        return f"Kontakta mig på {fake_email(rng, name)}"
    return f"{name} {fake_personnummer(rng)}, tel {fake_phone(rng)}, {fake_email(rng, name)}"


# --------------------------------------------------------------------------- the municipality

@dataclass
class Area:
    id: str
    name: str
    aliases: list
    population: int


def load_areas(path: Path) -> list[Area]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for a in doc["areas"]:
        pop = a.get("population") or {}
        out.append(Area(a["id"], a["name"], list(a.get("aliases") or []),
                        int(pop[max(pop)]) if pop else 500))
    return out


TOWNS = ["osthammar", "gimo", "alunda", "osterbybruk", "oregrund"]
COAST = ["oregrund", "graso", "valo_borstil", "hargshamn", "forsmark"]
RURAL = ["dannemora", "forsmark", "morkarla_ekeby", "skafthammar_hokhuvud", "film_harg"]


def spell_area(rng, area: Area, *, alias_p=0.1, case_p=0.08, space_p=0.05):
    text = area.name
    if area.aliases and rng.random() < alias_p:
        text = rng.choice(area.aliases)
    x = rng.random()
    if x < case_p / 2:
        text = text.upper()
    elif x < case_p:
        text = text.lower()
    if rng.random() < space_p:
        text = rng.choice([" ", "  "]) + text + rng.choice(["", " ", "  "])
    return text


# --------------------------------------------------------------------------- surveys

AGREE = ["Stämmer helt", "Stämmer ganska bra", "Stämmer ganska dåligt", "Stämmer inte alls"]
SAFE = ["Mycket otrygg", "Ganska otrygg", "Ganska trygg", "Mycket trygg"]

QUESTIONS = [
    ("Upplever du problem med stölder i ditt område?", "q_stold", "stold"),
    ("Upplever du problem med inbrott i bostäder, förråd eller fritidshus i ditt område?", "q_inbrott", "inbrott"),
    ("Upplever du problem med snatteri i butikerna där du handlar?", "q_snatteri", "snatteri"),
    ("Upplever du problem med skadegörelse och klotter i ditt område?", "q_skadegorelse", "skadegorelse"),
    ("Upplever du problem med hot och våld i ditt område?", "q_hot_vald", "hot_vald"),
    ("Upplever du problem med ungdomar som stör eller bråkar i ditt område?", "q_social_oro", "social_oro"),
    ("Upplever du problem med narkotikahandel eller drogpåverkade personer i ditt område?", "q_narkotika", "narkotika"),
    ("Upplever du problem med vapen, knivar eller skjutningar i ditt område?", "q_vapen", "vapen"),
]
SAFETY_HEADER = "Känner du dig trygg när du går ute ensam på kvällen?"
FREE_HEADER = "Beskriv gärna var och när du känner dig otrygg"
EXTRA_COLUMNS = ["Namn", "E-post", "IP-adress"]
SECTORS = {"Boende": 0.78, "Fritidsboende": 0.08, "Företagare": 0.06, "Arbetar i kommunen": 0.08}
UNKNOWN_PLACES = ["Uppsala", "Stockholm", "Annan ort", "vet inte", "Tierp"]

QUESTIONS_YAML = """\
# Question catalogue for the SYNTHETIC Östhammar surveys (written by data/generate_sample.py).
# Maps a column header of a survey export to a question, its problem category and its scale.
# Columns that are not listed here (Namn, E-post, IP-adress, ...) are reported and never stored.
id_column: Svars-ID
submitted_column: Inskickad
area_column: Område
sector_column: Sektor
questions:
{questions}
  # General feeling of safety. The taxonomy (contract section 3) has no "trygghet"
  # category, so it is counted under social oro / ordningsstörning.
  - header: "{safety}"
    id: q_trygg_kvall
    category: social_oro
    scale: trygg4
  - header: "{free}"
    id: q_otrygg_fritext
    free_text: true
scales:
  agree4:
    problem: ["Stämmer helt", "Stämmer ganska bra"]
    no_problem: ["Stämmer ganska dåligt", "Stämmer inte alls"]
    ignore: ["Vet ej", ""]
  trygg4:
    problem: ["Mycket otrygg", "Ganska otrygg"]
    no_problem: ["Ganska trygg", "Mycket trygg"]
    ignore: ["Vet ej", "Går aldrig ut ensam", ""]
"""

# odds multipliers for "problem" answers, by area and category
SURVEY_BASE = {"stold": .30, "inbrott": .22, "snatteri": .14, "skadegorelse": .33, "hot_vald": .10,
               "social_oro": .24, "narkotika": .20, "vapen": .04, "trygg": .22}
SURVEY_AREA = {
    "osthammar": {"snatteri": 2.2, "social_oro": 1.5, "narkotika": 1.5, "skadegorelse": 1.3, "hot_vald": 1.3, "trygg": 1.3},
    "gimo": {"snatteri": 1.8, "social_oro": 1.7, "narkotika": 1.6, "skadegorelse": 1.5, "hot_vald": 1.4, "vapen": 1.4, "trygg": 1.5},
    "alunda": {"skadegorelse": 1.1},
    "osterbybruk": {"social_oro": 1.2, "skadegorelse": 1.2},
    "oregrund": {"stold": 2.0, "inbrott": 1.3, "social_oro": 1.2},
    "graso": {"stold": 2.2, "inbrott": 1.6, "snatteri": 0.3, "trygg": 0.6},
    "valo_borstil": {"stold": 1.8, "inbrott": 1.5, "snatteri": 0.3, "trygg": 0.6},
    "hargshamn": {"stold": 1.7, "snatteri": 0.4},
}
for _a in RURAL:
    SURVEY_AREA.setdefault(_a, {}).update({"inbrott": 1.3, "snatteri": 0.4, "social_oro": 0.5,
                                           "narkotika": 0.6, "hot_vald": 0.6, "trygg": 0.7})


def survey_trend(area_id, cat, year):
    if cat == "snatteri" and area_id == "osthammar":
        return {2023: 1.0, 2024: 1.05, 2025: 1.6, 2026: 2.0}[year]
    if cat in ("social_oro", "trygg") and area_id == "gimo":
        return {2023: 1.0, 2024: 1.1, 2025: 1.25, 2026: 1.2}[year]
    if cat == "narkotika":
        return {2023: 1.0, 2024: 1.05, 2025: 1.1, 2026: 1.1}[year]
    return 1.0


FREE_TEXT = {
    "osthammar": ["Busstationen i Östhammar på kvällarna, det hänger gäng där.",
                  "Runt torget efter att butikerna stängt.",
                  "Gångvägen mellan skolan och centrum är dåligt upplyst.",
                  "Parkeringen vid ICA, folk som snattar och bråkar med personalen."],
    "gimo": ["Gimo centrum efter 21, mopedgäng.", "Vid Bruksdammen på helgerna.",
             "Tunneln under vägen vid skolan, klotter och krossat glas.",
             "Utanför pizzerian på fredagskvällar."],
    "oregrund": ["Hamnen sommartid, båtmotorer försvinner.", "Torget i Öregrund på midsommar.",
                 "Campingen i juli, mycket fylla."],
    "graso": ["Färjeläget på kvällen, ingen belysning.", "Båtplatserna på Gräsö, stölder varje sommar."],
    "alunda": ["Vid idrottsplatsen på kvällarna.", "Pendlarparkeringen, bilinbrott."],
    "osterbybruk": ["Herrgårdsparken efter mörkrets inbrott.", "Vid skolan på helgerna."],
    "_": ["Överallt när det är mörkt och ingen belysning.", "Jag känner mig för det mesta trygg.",
          "Vid busshållplatsen längs landsvägen.", "Fritidshusen står tomma på vintern, inbrott.",
          "Mer polis behövs på helgerna!", "Det har blivit bättre senaste året."],
}


def survey_wave(rng, *, year, start: datetime, days: int, n: int, id_prefix: int, areas, questions,
                unknown_p=0.02):
    """Responses of one survey wave: dicts with all fields (labels, not digits)."""
    area_w = {a.id: a.population for a in areas}
    by_id = {a.id: a for a in areas}
    out = []
    for i in range(1, n + 1):
        # more answers right after the invitation and after the reminder on day 14
        d = min(days - 1, int(rng.expovariate(1 / 6))) if rng.random() < 0.7 else rng.randint(13, days - 1)
        ts = start + timedelta(days=d, hours=rng.choice([7, 8, 9, 12, 13, 17, 18, 19, 20, 21, 22]),
                               minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
        aid = weighted(rng, area_w)
        area = by_id[aid]
        area_text = rng.choice(UNKNOWN_PLACES) if rng.random() < unknown_p else spell_area(rng, area)
        worry = rng.gauss(0, 0.9)
        answers = {}
        for header, qid, cat in questions:
            key = "trygg" if qid == "q_trygg_kvall" else cat
            p = sigmoid(logit(SURVEY_BASE[key]) + math.log(SURVEY_AREA.get(aid, {}).get(key, 1.0))
                        + math.log(survey_trend(aid, key, year)) + worry)
            x = rng.random()
            vet_ej = {"vapen": .12, "narkotika": .15, "inbrott": .08}.get(cat, .06)
            labels = SAFE if key == "trygg" else AGREE
            if x < 0.02:
                answers[header] = ""
            elif x < 0.02 + vet_ej:
                answers[header] = "Vet ej"
            elif key == "trygg" and x < 0.07 + vet_ej:
                answers[header] = "Går aldrig ut ensam"
            elif rng.random() < p:
                answers[header] = labels[0] if rng.random() < 0.35 else labels[1]
            else:
                answers[header] = labels[2] if rng.random() < 0.5 else labels[3]
        free = ""
        if rng.random() < 0.22:
            free = rng.choice(FREE_TEXT.get(aid, []) + FREE_TEXT["_"])
            if rng.random() < 0.12:
                free = f"{free} {personal_snippet(rng)}"
        named = rng.random() < 0.35
        name = fake_name(rng) if named else ""
        out.append({
            "Svars-ID": f"{id_prefix}{i:06d}",
            "Inskickad": ts,
            "Namn": name,
            "E-post": fake_email(rng, name) if named and rng.random() < 0.8 else "",
            "IP-adress": fake_ip(rng),
            "Område": area_text,
            "Sektor": weighted(rng, SECTORS) if rng.random() > 0.03 else "",
            **answers,
            FREE_HEADER: free,
        })
    out.sort(key=lambda r: r["Inskickad"])
    return out


def survey_table(responses, questions, *, digits=False, ts_text=True, header_override=None):
    cols = ["Svars-ID", "Inskickad", *EXTRA_COLUMNS, "Område", "Sektor", *[q[0] for q in questions], FREE_HEADER]
    rows = []
    for r in responses:
        row = []
        for c in cols:
            v = r[c]
            if c == "Inskickad" and ts_text and isinstance(v, datetime):
                v = v.strftime("%Y-%m-%d %H:%M:%S")
            if digits and isinstance(v, str) and v in AGREE:
                v = str(AGREE.index(v) + 1)
            if digits and isinstance(v, str) and v in SAFE:
                v = str(SAFE.index(v) + 1)
            row.append(v)
        rows.append(row)
    header = [header_override.get(c, c) if header_override else c for c in cols]
    return header, rows


def gen_surveys(ledger: Ledger, areas, scale: int):
    rng = random.Random(f"{SEED}-surveys")
    out = ledger.out / "surveys"
    out.mkdir(parents=True, exist_ok=True)
    qtext = "\n".join(f'  - header: "{h}"\n    id: {qid}\n    category: {cat}\n    scale: agree4'
                      for h, qid, cat in QUESTIONS)
    text = QUESTIONS_YAML.format(questions=qtext, safety=SAFETY_HEADER, free=FREE_HEADER)
    (out / "questions.yaml").write_text(text, encoding="utf-8")
    ledger.files.append(Written("surveys/questions.yaml", len(QUESTIONS) + 2,
                                "question catalogue (8 category questions, 1 safety question, 1 free-text)"))

    full = QUESTIONS[:]  # category questions
    full_q = [*full, (SAFETY_HEADER, "q_trygg_kvall", "social_oro")]
    pulse_q = [(SAFETY_HEADER, "q_trygg_kvall", "social_oro"),
               *[q for q in QUESTIONS if q[2] in ("snatteri", "skadegorelse", "social_oro", "narkotika")]]

    # --- Trygghetsenkät 2023 (autumn): CSV UTF-8 with BOM, semicolons, labels; one invalid timestamp.
    resp = survey_wave(rng, year=2023, start=datetime(2023, 9, 11, 0, 0), days=40, n=620 * scale,
                       id_prefix=231, areas=areas, questions=full_q)
    header, rows = survey_table(resp, full_q)
    bad = list(rows[97])
    bad[0] = f"231{len(rows) + 1:06d}"
    bad[1] = "2023-09-31 19:04:11"
    rows.insert(98, Bad(bad, "Inskickad", "invalid date (30 days in September)"))
    write_csv(ledger, out / "trygghetsenkat_2023_export.csv", header, rows, bom=True, crlf=True,
              note="Trygghetsenkät autumn 2023; UTF-8 with BOM, `;`, CRLF, answer labels; extra columns Namn/E-post/IP-adress")

    # --- Trygghetsenkät 2024 (autumn): xlsx, real datetime cells, labels.
    resp = survey_wave(rng, year=2024, start=datetime(2024, 9, 9, 0, 0), days=42, n=710 * scale,
                       id_prefix=241, areas=areas, questions=full_q)
    header, rows = survey_table(resp, full_q, ts_text=False)
    write_xlsx(ledger, out / "trygghetsenkat_2024_export.xlsx", header, rows, title="Trygghetsenkät 2024 (syntetiska data)",
               note="Trygghetsenkät autumn 2024; xlsx, header on row 1, Inskickad as Excel datetime, answer labels")

    # --- Trygghetsenkät 2025 (autumn): comma-separated, answers as digits 1-4.
    resp = survey_wave(rng, year=2025, start=datetime(2025, 9, 8, 0, 0), days=42, n=830 * scale,
                       id_prefix=251, areas=areas, questions=full_q)
    header, rows = survey_table(resp, full_q, digits=True)
    write_csv(ledger, out / "trygghetsenkat_2025_export.csv", header, rows, sep=",",
              note="Trygghetsenkät autumn 2025; UTF-8 no BOM, comma-separated (quoted where needed), answers as digits 1-4 (1 = first problem label); 'Vet ej'/'Går aldrig ut ensam' stay text")

    # --- Pulsenkät spring 2024: Windows-1252, semicolons.
    resp = survey_wave(rng, year=2024, start=datetime(2024, 3, 4, 0, 0), days=35, n=180 * scale,
                       id_prefix=242, areas=areas, questions=pulse_q)
    header, rows = survey_table(resp, pulse_q)
    write_csv(ledger, out / "pulsenkat_2024_var.csv", header, rows, encoding="cp1252", crlf=True,
              note="Pulse survey spring 2024; Windows-1252, `;`, CRLF, labels")

    # --- Pulsenkät spring 2025: headers in odd case / with whitespace.
    resp = survey_wave(rng, year=2025, start=datetime(2025, 3, 3, 0, 0), days=35, n=210 * scale,
                       id_prefix=252, areas=areas, questions=pulse_q)
    override = {SAFETY_HEADER: "  " + SAFETY_HEADER + " ",
                pulse_q[1][0]: pulse_q[1][0].upper()}
    header, rows = survey_table(resp, pulse_q, header_override=override)
    write_csv(ledger, out / "pulsenkat_2025_var.csv", header, rows,
              note="Pulse survey spring 2025; UTF-8, `;`; two question headers in upper case / padded with spaces (match after trim + casefold)")

    # --- Pulsenkät spring 2026: two cumulative exports of the same survey.
    resp = survey_wave(rng, year=2026, start=datetime(2026, 3, 2, 0, 0), days=45, n=260 * scale,
                       id_prefix=262, areas=areas, questions=pulse_q)
    cut = datetime(2026, 3, 23, 0, 0)
    early = [r for r in resp if r["Inskickad"] < cut]
    header, rows = survey_table(early, pulse_q)
    write_csv(ledger, out / "pulsenkat_2026_var_export_2026-03-23.csv", header, rows,
              note="Pulse survey spring 2026, first (partial) export taken 2026-03-23")
    # in the later export one respondent has edited an answer: the newest file wins
    edited = dict(early[len(early) // 2])
    snatteri_h = pulse_q[1][0]
    edited[snatteri_h] = "Stämmer helt" if edited[snatteri_h] != "Stämmer helt" else "Stämmer inte alls"
    later = [edited if r["Svars-ID"] == edited["Svars-ID"] else r for r in resp]
    header, rows = survey_table(later, pulse_q)
    write_csv(ledger, out / "pulsenkat_2026_var_export_2026-04-16.csv", header, rows,
              note=(f"Pulse survey spring 2026, cumulative export taken 2026-04-16: repeats all {len(early)} responses of "
                    f"the 2026-03-23 export plus {len(resp) - len(early)} new; response {edited['Svars-ID']} changed its "
                    f"snatteri answer to '{edited[snatteri_h]}' (newest file wins)"))
    return {"edited_response": edited["Svars-ID"], "early": len(early), "total": len(resp)}


# --------------------------------------------------------------------------- BRÅ

# kommun: (population 2023, reported crimes per 100 000 around 2023, genitive name)
KOMMUNER = {
    "Enköping": (46700, 11400, "Enköpings kommun"),
    "Heby": (14300, 9600, "Heby kommun"),
    "Håbo": (22600, 8900, "Håbo kommun"),
    "Knivsta": (20600, 6900, "Knivsta kommun"),
    "Tierp": (21300, 10100, "Tierps kommun"),
    "Uppsala": (245000, 13900, "Uppsala kommun"),
    "Älvkarleby": (9600, 10400, "Älvkarleby kommun"),
    "Östhammar": (22300, 7700, "Östhammars kommun"),
    "Ale": (32300, 8900, "Ale kommun"),
    "Alingsås": (42000, 10200, "Alingsås kommun"),
    "Arjeplog": (2700, 8300, "Arjeplogs kommun"),
    "Borås": (114000, 13100, "Borås kommun"),
    "Falun": (60000, 11200, "Falu kommun"),
    "Göteborg": (605000, 17600, "Göteborgs kommun"),
    "Hofors": (9500, 9800, "Hofors kommun"),
    "Kiruna": (22300, 10600, "Kiruna kommun"),
    "Kramfors": (18200, 9100, "Kramfors kommun"),
    "Ljusdal": (19000, 9400, "Ljusdals kommun"),
    "Malmö": (362000, 19200, "Malmö kommun"),
    "Mönsterås": (13500, 8100, "Mönsterås kommun"),
    "Piteå": (42400, 8900, "Piteå kommun"),
    "Stockholm": (984000, 20100, "Stockholms kommun"),
    "Strömstad": (13500, 14300, "Strömstads kommun"),
    "Vännäs": (8900, 6600, "Vännäs kommun"),
    "Västerås": (158000, 13600, "Västerås kommun"),
}
NATIONAL = {2019: (10327000, 1492000), 2020: (10380000, 1497000), 2021: (10416000, 1468000),
            2022: (10452000, 1441000), 2023: (10551000, 1466000), 2024: (10588000, 1432000),
            2025: (10620000, 1449000)}
OSTHAMMAR_TREND = {2019: 0.95, 2020: 0.99, 2021: 0.93, 2022: 0.97, 2023: 1.0, 2024: 1.02, 2025: 0.98}


def sv_thousands(n: int, sep=" ") -> str:
    return f"{n:,}".replace(",", sep)


def sv_decimal(x: float, sep="") -> str:
    whole, frac = f"{x:.1f}".split(".")
    return f"{sv_thousands(int(whole), sep) if sep else whole},{frac}"


def sv_key(text: str) -> str:
    """Swedish alphabetical order: ... x y z å ä ö."""
    return text.lower().translate(str.maketrans({"å": "{", "ä": "|", "ö": "}"}))


def gen_bra(ledger: Ledger):
    rng = random.Random(f"{SEED}-bra")
    out = ledger.out / "police" / "bra"
    for year in range(2019, 2026):
        nat_pop, nat_count = NATIONAL[year]
        nat_count += rng.randint(-4000, 4000)
        nat_trend = nat_count / NATIONAL[2023][1]
        rows = []
        for kommun, (pop23, rate23, genitive) in KOMMUNER.items():
            pop = int(pop23 * (1 + 0.006 * (year - 2023)) * (0.99 if kommun in ("Arjeplog", "Kramfors", "Hofors") and year > 2023 else 1))
            trend = OSTHAMMAR_TREND[year] if kommun == "Östhammar" else nat_trend
            rate = rate23 * trend * rng.gauss(1, 0.05 if pop > 20000 else 0.09)
            count = int(round(rate * pop / 100000))
            per = count / pop * 100000
            rows.append((kommun, genitive, count, per))
        nat_per = nat_count / nat_pop * 100000
        name = f"Anmälda brott per kommun {year}.csv"
        if year <= 2021:
            body = [["Hela landet", sv_thousands(nat_count), sv_decimal(nat_per, " ")]]
            body += [[g, sv_thousands(c), sv_decimal(p, " ")] for k, g, c, p in sorted(rows, key=lambda r: sv_key(r[1]))]
            cp = year == 2019
            write_csv(ledger, out / name, ["Kommun", "Antal", "Per 100 000 inv."], body, with_header=False,
                      crlf=True, bom=not cp, encoding="cp1252" if cp else "utf-8",
                      note=("older BRÅ layout: no header, 'X kommun' / genitive names, space as thousands separator, "
                            "decimal comma, 'Hela landet' first row; "
                            + ("Windows-1252, CRLF" if cp else "UTF-8 with BOM, CRLF")))
        else:
            nb = year == 2025
            tsep = "\u00a0" if nb else ""
            body = [[k, sv_thousands(c, tsep) if nb else str(c), sv_decimal(p, tsep)] for k, g, c, p in rows]
            body.append(["Hela landet", sv_thousands(nat_count, tsep) if nb else str(nat_count), sv_decimal(nat_per, tsep)])
            write_csv(ledger, out / name, ["Kommun", "Antal", "Per 100 000 inv."], body, bom=True, crlf=True,
                      note=("BRÅ layout 2022+: header, UTF-8 with BOM, `;`, CRLF, decimal comma, 'Hela landet' last"
                            + ("; no-break space (U+00A0) as thousands separator" if nb else "")))


# --------------------------------------------------------------------------- local police extracts

POLICE_YEARLY = {"stold": 330, "inbrott": 105, "snatteri": 85, "skadegorelse": 230, "hot_vald": 205,
                 "social_oro": 55, "narkotika": 130, "vapen": 12}
SEASON = {
    "stold": [0.8, 0.7, 0.8, 0.9, 1.1, 1.2, 1.3, 1.3, 1.1, 1.0, 0.9, 0.9],
    "inbrott": [1.0, 0.9, 0.9, 0.8, 0.8, 0.9, 1.2, 1.2, 0.9, 1.0, 1.2, 1.2],
    "snatteri": [0.9, 0.8, 0.9, 0.9, 1.0, 1.0, 1.1, 1.1, 1.0, 1.0, 1.1, 1.3],
    "skadegorelse": [1.0, 0.8, 0.9, 1.0, 1.1, 1.1, 0.9, 1.2, 1.3, 1.1, 0.9, 0.8],
    "hot_vald": [0.9, 0.9, 0.9, 1.0, 1.1, 1.2, 1.2, 1.1, 1.0, 1.0, 0.9, 1.0],
    "social_oro": [1.2, 0.8, 0.8, 0.9, 1.0, 1.2, 1.1, 1.3, 1.3, 0.9, 0.8, 0.8],
    "narkotika": [1.0] * 12,
    "vapen": [1.0] * 12,
}
BOAT_ENGINES = {5: 4, 6: 6, 7: 8, 8: 8, 9: 4}  # extra thefts per month, municipality-wide
BOAT_AREAS = {"oregrund": .33, "graso": .25, "valo_borstil": .2, "hargshamn": .14, "forsmark": .08}
POLICE_AREA = {
    "snatteri": {"osthammar": 4.0, "gimo": 3.0, "alunda": 1.0, "osterbybruk": 0.8, "oregrund": 1.5},
    "skadegorelse": {"osthammar": 1.4, "gimo": 1.6, "alunda": 1.2, "osterbybruk": 1.2, "oregrund": 1.1},
    "social_oro": {"osthammar": 1.6, "gimo": 1.6, "oregrund": 1.3},
    "narkotika": {"osthammar": 1.6, "gimo": 1.5},
    "hot_vald": {"osthammar": 1.3, "gimo": 1.3},
    "inbrott": {"graso": 1.8, "valo_borstil": 1.6, "film_harg": 1.3, "morkarla_ekeby": 1.3},
}
YEAR_TREND = {"narkotika": {2023: 1.0, 2024: 1.08, 2025: 1.12, 2026: 1.15},
              "inbrott": {2023: 1.0, 2024: 0.92, 2025: 0.85, 2026: 0.85},
              "skadegorelse": {2023: 1.0, 2024: 1.05, 2025: 1.0, 2026: 1.02}}
UNKNOWN_POLICE_AREA = "Uppgift saknas"


def snatteri_osthammar_trend(y, m):
    """Shoplifting in Östhammar's centre: flat in 2023-2024, rising steadily through 2025 and 2026."""
    if y <= 2024:
        return 1.0 + (0.1 if (y == 2024 and m >= 9) else 0)
    if y == 2025:
        return 1.2 + 0.03 * m
    return 1.55 + 0.04 * m


def police_lambda(areas, cat, y, m):
    pop_total = sum(a.population for a in areas)
    weights = {a.id: a.population / pop_total * POLICE_AREA.get(cat, {}).get(a.id, 1.0) for a in areas}
    if cat == "snatteri":
        weights = {k: (v if k in POLICE_AREA["snatteri"] else v * 0.15) for k, v in weights.items()}
    s = sum(weights.values())
    base = POLICE_YEARLY[cat] / 12 * SEASON[cat][m - 1] * YEAR_TREND.get(cat, {}).get(y, 1.0)
    lam = {k: base * v / s for k, v in weights.items()}
    if cat == "snatteri":
        lam["osthammar"] *= snatteri_osthammar_trend(y, m)
    if cat == "stold" and m in BOAT_ENGINES:
        for k, share in BOAT_AREAS.items():
            lam[k] += BOAT_ENGINES[m] * share
    return lam


CAT_SPELLINGS = [  # one style per extract
    {"stold": "Stöld", "inbrott": "Inbrott", "snatteri": "Snatteri", "skadegorelse": "Skadegörelse och klotter",
     "hot_vald": "Hot och våld", "social_oro": "Social oro och ordningsstörning", "narkotika": "Narkotika",
     "vapen": "Vapen och skjutningar"},
    {"stold": "Stöld- och tillgreppsbrott", "inbrott": "Inbrott", "snatteri": "Snatteri",
     "skadegorelse": "Skadegörelsebrott", "hot_vald": "Brott mot person", "social_oro": "Social oro",
     "narkotika": "Narkotikabrott", "vapen": "Vapen"},
    {c: c for c in CATEGORIES},
    {"stold": "STÖLD", "inbrott": "inbrott ", "snatteri": "snatterier", "skadegorelse": "skadegörelse",
     "hot_vald": "hot och VÅLD", "social_oro": "störningar", "narkotika": "narkotikabrott", "vapen": " vapen"},
]


def gen_local(ledger: Ledger, areas, scale: int):
    rng = random.Random(f"{SEED}-local")
    out = ledger.out / "police" / "local"
    all_months = months()
    # final ("true") counts; at scale N every cell is N sub-rows (summed by the reader)
    truth = {}
    for (y, m) in all_months:
        for cat in CATEGORIES:
            lam = police_lambda(areas, cat, y, m)
            for a in areas:
                truth[(y, m, a.id, cat)] = [poisson(rng, lam[a.id]) for _ in range(scale)]
            for cat_u, lam_u in (("stold", 1.2), ("hot_vald", 0.6), ("skadegorelse", 0.5)):
                if cat == cat_u:
                    truth[(y, m, "_unknown", cat)] = [poisson(rng, lam_u) for _ in range(scale)]
    by_id = {a.id: a for a in areas}

    extracts = [  # (last month, file name, options)
        ((2023, 12), "lokalpolis_osthammar_2023-12.csv", dict(style=0)),
        ((2024, 4), "lokalpolis_osthammar_2024-04.csv", dict(style=1, encoding="cp1252", crlf=True)),
        ((2024, 8), "lokalpolis_osthammar_2024-08.xlsx", dict(style=0, xlsx=True)),
        ((2024, 12), "lokalpolis_osthammar_2024-12.csv", dict(style=2, sep="\t", split_valo=True)),
        ((2025, 4), "lokalpolis_osthammar_2025-04.csv", dict(style=1, sep=",", month_day=True)),
        ((2025, 8), "lokalpolis_osthammar_2025-08.csv", dict(style=3, trailing=True, upper_areas=True)),
        ((2025, 12), "lokalpolis_osthammar_2025-12.csv", dict(style=0, bom=True)),
        ((2026, 4), "lokalpolis_osthammar_2026-04.csv", dict(style=1, suppress=True)),
        ((2026, 8), "lokalpolis_osthammar_2026-08.csv", dict(style=2, suppress=True, bom=True)),
    ]
    planted = {
        "lokalpolis_osthammar_2025-08.csv": ("Antal", "-2", "negative count"),
        "lokalpolis_osthammar_2025-12.csv": ("Antal", "ca 5", "non-numeric count"),
        "lokalpolis_osthammar_2026-04.csv": ("Brottskategori", "Trafikbrott", "unknown category"),
        "lokalpolis_osthammar_2026-08.csv": ("Månad", "2026-13", "invalid date (month 13)"),
    }
    notes = []
    for last, name, opt in extracts:
        first = month_add(last, -11)
        cover = [ym for ym in all_months if first <= ym <= last]
        spell = CAT_SPELLINGS[opt["style"]]
        rows = []
        suppressed = 0
        for (y, m) in cover:
            lag = (last[0] * 12 + last[1]) - (y * 12 + m)
            month_cell = (date(y, m, 1) if opt.get("xlsx") else
                          f"{y}-{m:02d}-01" if opt.get("month_day") else f"{y}-{m:02d}")
            for a in [*areas, None]:
                aid = a.id if a else "_unknown"
                for cat in CATEGORIES:
                    if (y, m, aid, cat) not in truth:
                        continue
                    for sub in truth[(y, m, aid, cat)]:
                        # not yet registered in the most recent months; small reclassifications anywhere
                        n = sub - binomial(rng, sub, {0: 0.12, 1: 0.04}.get(lag, 0.0))
                        if rng.random() < 0.03:
                            n = max(0, n + rng.choice([-1, 1]))
                        if a is None and n == 0:
                            continue
                        area_text = UNKNOWN_POLICE_AREA if a is None else (
                            a.name.upper() if opt.get("upper_areas") else
                            (rng.choice(a.aliases) if a.aliases and rng.random() < 0.08 else a.name))
                        cat_text = spell[cat]
                        cnt = str(n)
                        if opt.get("suppress") and a is not None and a.population < 500 and 1 <= n <= 2:
                            cnt = ".."
                            suppressed += 1
                        if opt.get("split_valo") and aid == "valo_borstil" and cat == "stold":
                            k = binomial(rng, n, 0.6)
                            rows.append([month_cell, "Valö", cat_text, str(k)])
                            rows.append([month_cell, "Börstil", cat_text, str(n - k)])
                            continue
                        rows.append([month_cell, area_text, cat_text, int(cnt) if opt.get("xlsx") else cnt])
        if name in planted:
            col, value, defect = planted[name]
            at = rng.randint(len(rows) // 3, 2 * len(rows) // 3)
            y, m = cover[len(cover) // 2]
            bad = [f"{y}-{m:02d}", "Gimo", spell["snatteri"], str(rng.randint(1, 6))]
            bad[["Månad", "Område", "Brottskategori", "Antal"].index(col)] = value
            rows.insert(at, Bad(bad, col, defect))
        header = ["Månad", "Område", "Brottskategori", "Antal"]
        desc = (f"local police extract sent {last[0]}-{last[1]:02d}, covering {cover[0][0]}-{cover[0][1]:02d} to "
                f"{last[0]}-{last[1]:02d}; categories as " + ["names", "police-style names/aliases", "ids", "odd-case aliases"][opt["style"]])
        if opt.get("xlsx"):
            write_xlsx(ledger, out / name, header, rows, title="Lokalpolisområde Östhammar (syntetiska data)",
                       title_rows=["Lokalpolisområde Östhammar – anmälda brott per månad, område och brottskategori",
                                   "Syntetiska data. Uttag 2024-09-03"],
                       date_format="yyyy-mm", note=desc + "; xlsx with two title rows above the header (header on Excel row 3), Månad as an Excel date (first of month)")
        else:
            extra = []
            if opt.get("encoding"):
                extra.append("Windows-1252, CRLF")
            if opt.get("sep") == "\t":
                extra.append("tab-separated; Valö och Börstil stöld split into two rows 'Valö' and 'Börstil' (same area, summed)")
            if opt.get("sep") == ",":
                extra.append("comma-separated; Månad as YYYY-MM-DD")
            if opt.get("trailing"):
                extra.append("areas in UPPER CASE; two trailing empty columns and three trailing empty rows")
            if opt.get("bom"):
                extra.append("UTF-8 with BOM")
            if opt.get("suppress"):
                extra.append(f"{suppressed} counts of 1-2 in areas under 500 inhabitants suppressed as '..'")
            write_csv(ledger, out / name, header, rows, sep=opt.get("sep", ";"), encoding=opt.get("encoding", "utf-8"),
                      bom=opt.get("bom", False), crlf=opt.get("crlf", False),
                      trailing_cols=2 if opt.get("trailing") else 0, trailing_blank_rows=3 if opt.get("trailing") else 0,
                      note="; ".join([desc, *extra]))
        notes.append(name)
    return notes


# --------------------------------------------------------------------------- partners

SHOPS = [("ICA Supermarket Östhammar", "osthammar", 0.55), ("Coop Östhammar", "osthammar", 0.45),
         ("ICA Gimo", "gimo", 0.55), ("Coop Gimo", "gimo", 0.45)]
SHOP_PLACES = ["Butiken", "Kassalinjen", "Entrén", "Kosmetikahyllan", "Självscanningen", "Parkeringen"]
SHOP_TEXT = ["Snattade godis och energidryck", "Ungdomar tog kosmetika", "Stöldlarm vid utgången, personen sprang",
             "Känd person, snattade kött", "Självscanning, varor ej registrerade", "Tog alkoholfri öl och sprang",
             "Flera personer samtidigt, distraherade personalen", ""]
SHOP_THREAT = ["Kund hotade kassapersonal när hen nekades köp", "Personal knuffad vid ingripande",
               "Verbala hot mot väktare", "Hot mot personal efter stöldlarm"]
HOUSING_PLACES = ["Trapphus", "Tvättstuga", "Källarförråd", "Soprum", "Gården", "Cykelrum", "Garage"]
HOUSING_AREAS = {"osthammar": .4, "gimo": .3, "alunda": .12, "osterbybruk": .12, "oregrund": .06}
SCHOOLS = {  # generic names: invented incidents are not attributed to a real school
    "osthammar": ["Högstadieskolan i Östhammar", "Mellanstadieskolan i Östhammar"],
    "gimo": ["Högstadieskolan i Gimo", "Skolan i Gimo"], "alunda": ["Skolan i Alunda"],
    "osterbybruk": ["Skolan i Österbybruk"], "oregrund": ["Skolan i Öregrund"]}
SCHOOL_AREAS = {"osthammar": .35, "gimo": .3, "alunda": .15, "osterbybruk": .13, "oregrund": .07}
PARTNER_HEADER = ["Datum", "Partner", "Kategori", "Område", "Plats", "Antal", "Beskrivning"]


def rand_day(rng, y, m, weekday_bias=False):
    while True:
        d = date(y, m, rng.randint(1, days_in_month(y, m)))
        if not weekday_bias or d.weekday() < 6 or rng.random() < 0.4:
            return d


def count_cell(rng, multi=0.1):
    x = rng.random()
    return "" if x < 0.9 - multi else "1" if x < 1 - multi else str(rng.choice([2, 2, 3, 4]))


def with_personal(rng, text, p=0.04):
    if rng.random() >= p:
        return text
    return f"{text}. {personal_snippet(rng)}" if text else personal_snippet(rng)


def gen_partners(ledger: Ledger, areas, scale: int):
    rng = random.Random(f"{SEED}-partners")
    out = ledger.out / "partners"
    by_id = {a.id: a for a in areas}
    years = {y: [ym for ym in months() if ym[0] == y] for y in (2023, 2024, 2025, 2026)}

    def area_text(aid, alias_p=0.25):
        return spell_area(rng, by_id[aid], alias_p=alias_p, case_p=0.06, space_p=0.06)

    # ---- shops
    shop = {}
    for y, yms in years.items():
        rows = []
        for (yy, m) in yms:
            for partner, aid, share in SHOPS:
                lam = (12.0 if aid == "osthammar" else 6.5) * share * SEASON["snatteri"][m - 1] * scale
                if aid == "osthammar":
                    lam *= snatteri_osthammar_trend(yy, m)
                for _ in range(poisson(rng, lam)):
                    d = rand_day(rng, yy, m, True)
                    cat = rng.choice(["snatteri", "Snatteri", "butiksstöld", "snatteri"])
                    rows.append([d, partner, cat, area_text(aid), rng.choice(SHOP_PLACES), count_cell(rng, 0.03),
                                 with_personal(rng, rng.choice(SHOP_TEXT))])
                for _ in range(poisson(rng, 0.5 * share * scale)):
                    rows.append([rand_day(rng, yy, m), partner, rng.choice(["hot mot personal", "Hot mot personal"]),
                                 area_text(aid), rng.choice(["Kassalinjen", "Entrén", "Butiken"]), "",
                                 with_personal(rng, rng.choice(SHOP_THREAT), 0.1)])
        rows.sort(key=lambda r: (r[0], r[1]))
        shop[y] = rows
    shop[2025].insert(len(shop[2025]) // 5, Bad(["2025-02-30", "Coop Gimo", "snatteri", "Gimo", "Butiken", "",
                                                  "Snattade rakblad"], "Datum", "invalid date (30 February)"))
    shop[2026].insert(len(shop[2026]) // 2, Bad(["2099-06-12", "ICA Supermarket Östhammar", "snatteri", "Östhammar",
                                                  "Kassalinjen", "", "Felskrivet år"], "Datum",
                                                 "future date (stays after any as-of date)"))
    for y, rows in shop.items():
        fmt = [[r[0].isoformat() if isinstance(r[0], date) else r[0], *r[1:]] if not isinstance(r, Bad) else r
               for r in rows]
        path = out / f"handel_osthammar_gimo_{y}.csv"
        write_csv(ledger, path, PARTNER_HEADER, fmt, note=f"shops (ICA/Coop Östhammar and Gimo) {y}: snatteri, hot mot personal; ISO dates; UTF-8 `;`")
        if y == 2024:
            dup = out / "handel_osthammar_gimo_2024 (kopia).csv"
            shutil.copyfile(path, dup)
            ledger.files.append(Written(ledger.rel(dup), len(fmt), "EXACT byte copy of handel_osthammar_gimo_2024.csv (must not count twice)"))

    # ---- housing company
    housing = {}
    for y, yms in years.items():
        rows = []
        for (yy, m) in yms:
            for aid, share in HOUSING_AREAS.items():
                plan = [("skadegorelse", 4.0 * SEASON["skadegorelse"][m - 1],
                         ["klotter", "skadegörelse", "Skadegörelse", "vandalisering"],
                         ["Klotter på fasaden", "Krossad ruta i entrédörren", "Sönderslagen belysning",
                          "Brand i soptunna", "Taggar i trapphuset", "Sönderskuren tvättstugedörr"]),
                        ("social_oro", 2.5 * SEASON["social_oro"][m - 1], ["störningar", "Störningar", "ungdomar som stör"],
                         ["Ungdomar samlas i trapphuset på kvällarna", "Hög musik och bråk nattetid",
                          "Fyllebråk på gården", "Boende klagar på spring i källaren"]),
                        ("inbrott", 1.0 * SEASON["inbrott"][m - 1], ["inbrott i förråd", "Inbrott"],
                         ["Uppbrutna förråd, cyklar stulna", "Inbrott i källarförråd", "Bruten hänglås på förrådet"])]
                for _, lam, cats, texts in plan:
                    for _ in range(poisson(rng, lam * share * scale)):
                        rows.append([rand_day(rng, yy, m), "Östhammarshem", rng.choice(cats), area_text(aid),
                                     rng.choice(HOUSING_PLACES), count_cell(rng), with_personal(rng, rng.choice(texts))])
        rows.sort(key=lambda r: (r[0], r[3]))
        housing[y] = rows
    # 2023-2024 as one xlsx with Excel dates
    rows = [[*r[:5], int(r[5]) if r[5] else "", r[6]] for r in housing[2023] + housing[2024]]
    write_xlsx(ledger, out / "osthammarshem_2023-2024.xlsx", PARTNER_HEADER, rows,
               title="Östhammarshem störningsrapport 2023-2024 (syntetiska data)",
               note="housing company 2023-2024: skadegörelse/klotter, störningar, förrådsinbrott; xlsx, Datum as Excel dates, header on row 1",
               widths=[12, 16, 18, 16, 14, 8, 60])
    rows = [[r[0].strftime("%d/%m/%Y"), *r[1:]] for r in housing[2025]]
    write_csv(ledger, out / "osthammarshem_2025.csv", PARTNER_HEADER, rows, encoding="cp1252", crlf=True,
              note="housing company 2025; Windows-1252, CRLF, Datum as DD/MM/YYYY")
    rows = [[r[0].isoformat(), *r[1:]] for r in housing[2026]]
    rows.insert(len(rows) // 3, ["2026-03-02", "Östhammarshem", "klotter", "Gimo", "Trapphus", "",
                                 '=HYPERLINK("http://example.com/klotter","Se bild på klottret")'])
    rows.insert(len(rows) // 2, Bad(["1925-03-14", "Östhammarshem", "skadegörelse", "Östhammar", "Soprum", "",
                                     "Brand i soptunna (fel årtal)"], "Datum", "date before 2000"))
    rows.insert(2 * len(rows) // 3, Bad(["2026-05-19", "Östhammarshem", "", "Alunda", "Tvättstuga", "",
                                         "Kategori saknas i rapporten"], "Kategori", "empty required field (Kategori)"))
    write_csv(ledger, out / "osthammarshem_2026.csv", PARTNER_HEADER, rows,
              note="housing company 2026 (to August); one Beskrivning starts with '=' (formula injection)")

    # ---- boat owners' association (May-September)
    boat = {}
    for y, yms in years.items():
        rows = []
        for (yy, m) in yms:
            if m not in BOAT_ENGINES:
                continue
            for aid, share in BOAT_AREAS.items():
                for _ in range(poisson(rng, BOAT_ENGINES[m] * 1.1 * share * scale)):
                    rows.append([rand_day(rng, yy, m), "Östhammars båtägareförening",
                                 rng.choice(["båtmotorstöld", "Båtmotorstöld", "stöld"]), area_text(aid, 0.35),
                                 rng.choice(["Gästhamnen", "Båtbryggan", "Småbåtshamnen", "Privat brygga", "Båtuppläggningen"]),
                                 count_cell(rng),
                                 with_personal(rng, rng.choice(["Utombordare stulen natten mot lördag",
                                                                "Två motorer kapade från fästet",
                                                                "Motor stulen, låset avklippt",
                                                                "Bränsle tappat ur tanken", "Ekolod och motor borta"]), 0.06)])
                for _ in range(poisson(rng, 0.25 * share * scale)):
                    rows.append([rand_day(rng, yy, m), "Östhammars båtägareförening", "inbrott", area_text(aid, 0.35),
                                 "Båthuset", "", "Inbrott i båthus, verktyg stulna"])
        rows.sort(key=lambda r: (r[0], r[3]))
        boat[y] = rows
    for y, rows in boat.items():
        fmt = [[r[0].isoformat(), *r[1:]] for r in rows]
        if y == 2025:
            fmt.insert(len(fmt) // 2, Bad(["2025-07-12", "Östhammars båtägareförening", "båtmotorstöld", "Öregrund",
                                           "Gästhamnen", "-1", "Motor stulen"], "Antal", "negative count"))
        sep = "\t" if y == 2024 else ";"
        write_csv(ledger, out / f"batagareforening_{y}.csv", PARTNER_HEADER, fmt, sep=sep,
                  note=f"boat owners' association, season {y} (May-Sep): båtmotorstöld around Öregrund, Gräsö, Hargshamn, archipelago"
                       + ("; tab-separated" if sep == "\t" else ""))

    # ---- schools
    school = {}
    for y, yms in years.items():
        rows = []
        for (yy, m) in yms:
            if m == 7:
                continue
            term_start = {1: 2.2, 8: 2.0, 9: 2.4}.get(m, 1.0)
            for aid, share in SCHOOL_AREAS.items():
                for _ in range(poisson(rng, 3.5 * share * scale * (0.5 if m == 6 else 1.0))):
                    d = rand_day(rng, yy, m)
                    rows.append([d, "Barn- och utbildningsförvaltningen", rng.choice(["skadegörelse", "klotter", "vandalisering"]),
                                 area_text(aid), rng.choice(SCHOOLS[aid]), count_cell(rng),
                                 rng.choice(["Klotter på skolans vägg", "Krossade fönster i matsalen", "Förstörda toaletter",
                                             "Brand i papperskorg", "Sönderslagna cykelställ", "Taggar i korridoren"])])
                lam = 2.2 * share * scale * term_start
                for _ in range(poisson(rng, lam)):
                    if m == 8:
                        d = date(yy, 8, rng.randint(18, 31))
                    elif m in (1, 9):
                        d = date(yy, m, rng.randint(7, 30))
                    else:
                        d = rand_day(rng, yy, m)
                    rows.append([d, "Barn- och utbildningsförvaltningen",
                                 rng.choice(["social oro", "ungdomar som stör", "bråk", "Social oro"]), area_text(aid),
                                 rng.choice(SCHOOLS[aid] + ["Skolgården", "Busshållplatsen vid skolan"]), count_cell(rng),
                                 with_personal(rng, rng.choice(["Grupp äldre ungdomar på skolgården efter skoltid",
                                                                "Slagsmål vid busshållplatsen", "Mopeder på skolgården",
                                                                "Elever hotade av ungdomar utifrån",
                                                                "Oro bland elever efter konflikt i sociala medier"]), 0.05)])
                for _ in range(poisson(rng, 0.35 * share * scale)):
                    rows.append([rand_day(rng, yy, m), "Barn- och utbildningsförvaltningen", "hot",
                                 area_text(aid), rng.choice(SCHOOLS[aid]), "", "Hot mot lärare"])
        rows.sort(key=lambda r: (r[0], r[3]))
        school[y] = rows
    rows = [[r[0].isoformat(), *r[1:]] for r in school[2023]]
    write_csv(ledger, out / "skolor_2023.csv", PARTNER_HEADER, rows, sep=",",
              note="schools 2023: skadegörelse/klotter, social oro at term start (late Aug-Sep, Jan); comma-separated")
    rows = [[(datetime(r[0].year, r[0].month, r[0].day, rng.randint(7, 21), rng.choice([0, 15, 30, 45]))).strftime("%Y-%m-%d %H:%M"), *r[1:]]
            for r in school[2024]]
    rows.insert(len(rows) // 2, Bad(["2024-10-08 14:30", "Barn- och utbildningsförvaltningen", "klotter", "Gimo",
                                     "Högstadieskolan i Gimo", "några", "Klotter på flera ställen"], "Antal", "non-numeric count"))
    write_csv(ledger, out / "skolor_2024.csv", PARTNER_HEADER, rows,
              note="schools 2024; Datum as 'YYYY-MM-DD HH:MM'")
    rows = [[*r[:5], int(r[5]) if r[5] else "", r[6]] for r in school[2025]]
    write_xlsx(ledger, out / "skolor_2025.xlsx", PARTNER_HEADER, rows,
               title="Skolornas incidentrapport 2025 (syntetiska data)",
               note="schools 2025; xlsx, Datum as Excel dates, header on row 1", widths=[12, 30, 18, 16, 22, 8, 50])
    rows = [[r[0].isoformat(), *r[1:]] for r in school[2026]]
    rows.insert(len(rows) // 2, Bad(["2026-02-11", "Barn- och utbildningsförvaltningen", "Nedskräpning", "Alunda",
                                     "Skolan i Alunda", "", "Skräp på skolgården"], "Kategori", "unknown category"))
    write_csv(ledger, out / "skolor_2026.csv", PARTNER_HEADER, rows, bom=True,
              note="schools 2026 (to August); UTF-8 with BOM")


# --------------------------------------------------------------------------- SYNTHETIC.md

def write_synthetic_md(ledger: Ledger, scale: int, survey_info: dict):
    lines = [
        "# SYNTHETIC sample data",
        "",
        "Every file listed below was written by `data/generate_sample.py` (seeded, deterministic;",
        f"this run: `--scale {scale}`). Its contents are **invented** for the Östhammar demo: no real",
        "person, response, shop incident or police count is in them. Names are of the form",
        "*Testsson/Exempelsson*, e-mail addresses use example.com/.org/.net, IP addresses are in the",
        "TEST-NET ranges, mobile numbers are in 070-174 06 05…99 (reserved by PTS for fiction), and",
        "personnummer are random dates with a valid check digit. The distributions are plausible",
        "for a municipality of 22 000 (boat-engine thefts May–September around Öregrund, Gräsö,",
        "Hargshamn and the archipelago; shoplifting in the Östhammar and Gimo centres, rising in",
        "Östhammar through 2025 and 2026; school vandalism; youth disorder at term start",
        "in late August–September and January) but are not statistics.",
        "",
        "Not synthetic and not written by the generator: `municipality.yaml` (config) and",
        "`police/events/` (real Police events API data, see its README). The BRÅ files use real",
        "municipality names with invented numbers of plausible size.",
        "",
        "## Files",
        "",
        "| file | data rows | what it shows |",
        "|---|---:|---|",
    ]
    for f in ledger.files:
        lines.append(f"| `{f.path}` | {f.rows} | {f.note} |")
    lines += [
        "",
        "Data rows exclude the header, title rows and trailing empty rows; for `questions.yaml`",
        "the count is the number of questions.",
        "",
        "## Defects planted on purpose (rows that must be rejected)",
        "",
        "`data_row` counts data rows from 1 (header, title rows not counted); `line` is the",
        "physical line of a CSV (header = line 1) or the Excel row number of an xlsx. Every",
        "planted row is an *extra* row: the clean data around it is complete without it.",
        "",
        "| file | data_row | line | column | value | defect |",
        "|---|---:|---:|---|---|---|",
    ]
    for d in ledger.defects:
        lines.append(f"| `{d.file}` | {d.data_row} | {d.line} | {d.column} | `{d.value}` | {d.defect} |")
    lines += [
        "",
        f"Total: {len(ledger.defects)} rows.",
        "",
        "## Deliberate messiness that must load (not rejections)",
        "",
        "- Encodings and layouts: Windows-1252 (`surveys/pulsenkat_2024_var.csv`,",
        "  `police/local/lokalpolis_osthammar_2024-04.csv`, `police/bra/Anmälda brott per kommun 2019.csv`,",
        "  `partners/osthammarshem_2025.csv`); comma-separated (`surveys/trygghetsenkat_2025_export.csv`,",
        "  `police/local/lokalpolis_osthammar_2025-04.csv`, `partners/skolor_2023.csv`); tab-separated",
        "  (`police/local/lokalpolis_osthammar_2024-12.csv`, `partners/batagareforening_2024.csv`); UTF-8 with",
        "  BOM and CRLF (BRÅ, several others); trailing empty columns and rows",
        "  (`police/local/lokalpolis_osthammar_2025-08.csv`).",
        "- `police/local/lokalpolis_osthammar_2024-08.xlsx` has **two title rows above the header** (header on",
        "  Excel row 3) and `Månad` as an Excel date. Contract §2.6 says the header is on the first",
        "  non-empty row, so a reader must either find the header row by its column names or reject",
        "  this file with a named error; its twelve months are all also covered by the neighbouring",
        "  extracts, so nothing is lost either way. The other xlsx files have the header on row 1 and",
        "  say \"Syntetiska data\" in their document properties.",
        "- Exact duplicate: `partners/handel_osthammar_gimo_2024 (kopia).csv` has the same bytes as",
        "  `partners/handel_osthammar_gimo_2024.csv` and must add nothing.",
        "- Cumulative survey exports: `surveys/pulsenkat_2026_var_export_2026-04-16.csv` repeats all",
        f"  {survey_info['early']} responses of `surveys/pulsenkat_2026_var_export_2026-03-23.csv` plus"
        f" {survey_info['total'] - survey_info['early']} new ones;",
        f"  response `{survey_info['edited_response']}` has a different snatteri answer in the newer export (newest file wins).",
        "  Survey response ids (`Svars-ID`) are unique across all surveys (prefix 231/241/251 = trygghetsenkät",
        "  2023/2024/2025, 242/252/262 = pulse 2024/2025/2026).",
        "- Survey answers as digits 1–4 in `surveys/trygghetsenkat_2025_export.csv` (1 = first `problem`",
        "  label in scale order); \"Vet ej\", \"Går aldrig ut ensam\" and blanks occur everywhere.",
        "- Survey headers in odd case / padded with spaces in `surveys/pulsenkat_2025_var.csv`.",
        "- Survey columns not in the catalogue: `Namn`, `E-post`, `IP-adress` (fake personal data; never store).",
        "- Free text (survey `Beskriv gärna var och när du känner dig otrygg`, partner `Beskrivning`) sometimes",
        "  holds fake personnummer (`YYYYMMDD-NNNN`, `YYMMDD-NNNN`, 10 and 12 digits without dash,",
        "  some samordningsnummer), phone numbers (`070-174 06 12`, `+46 70 174 06 12`, `0701740612`,",
        "  `0173-123 45`, `+46 (0)70-174 06 12`) and e-mail addresses: redaction must remove them.",
        "- Formula injection: one `Beskrivning` in `partners/osthammarshem_2026.csv` starts with `=HYPERLINK(`.",
        "- Areas: alias spellings (e.g. `Östhammars centrum`, `Gräsön`, `Österby bruk`), odd case,",
        "  surrounding spaces, and unknown places (`Uppsala`, `Stockholm`, `Annan ort`, `vet inte`, `Tierp`",
        "  in surveys; `Uppgift saknas` in local police extracts) → area `okant`, kept, not rejected.",
        "- Categories as ids, names and aliases in mixed case (`STÖLD`, `Stöld- och tillgreppsbrott`,",
        "  `Brott mot person`, `snatterier`, `butiksstöld`, `båtmotorstöld`, `hot mot personal`, ...).",
        "- Local police: each extract covers twelve months and overlaps the previous ones; recent",
        "  months are revised upward in later extracts and a few cells change by ±1 (newest file wins).",
        "  Counts `..` (suppressed at source) in the 2026-04 and 2026-08 extracts for areas under 500",
        "  inhabitants. In `lokalpolis_osthammar_2024-12.csv` Valö och Börstil stöld arrives as two rows",
        "  (`Valö`, `Börstil`) per month: the same (month, area, category), summed. Zero counts are",
        "  listed explicitly (except for `Uppgift saknas`).",
        "- BRÅ: older files (2019–2021) have no header, `X kommun` / genitive names (`Östhammars kommun`,",
        "  `Arjeplogs kommun`, `Falu kommun` for Falun, `Borås kommun`), space thousands separators and",
        "  decimal comma; 2025 uses no-break spaces as thousands separators. `Hela landet` in every year.",
        "- Partner `Antal` is mostly empty (= 1); dates as ISO, `DD/MM/YYYY` (osthammarshem_2025),",
        "  `YYYY-MM-DD HH:MM` (skolor_2024) and Excel dates (xlsx).",
        "",
    ]
    (ledger.out / "SYNTHETIC.md").write_text("\n".join(lines), encoding="utf-8")


# --------------------------------------------------------------------------- main

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=SAMPLE, help="data directory to write (default data/sample)")
    ap.add_argument("--scale", type=int, default=1, help="multiply volumes by N (benchmarks)")
    args = ap.parse_args(argv)
    if args.scale < 1:
        ap.error("--scale must be >= 1")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    config = SAMPLE / "municipality.yaml"
    if out != SAMPLE.resolve():
        # make --out a complete data dir: the real config and events, unchanged
        shutil.copyfile(config, out / "municipality.yaml")
        src_events = SAMPLE / "police" / "events"
        if src_events.is_dir():
            shutil.copytree(src_events, out / "police" / "events", dirs_exist_ok=True)
    areas = load_areas(config)
    ledger = Ledger(out)
    info = gen_surveys(ledger, areas, args.scale)
    gen_bra(ledger)
    gen_local(ledger, areas, args.scale)
    gen_partners(ledger, areas, args.scale)
    write_synthetic_md(ledger, args.scale, info)
    total = sum((out / f.path).stat().st_size for f in ledger.files)
    print(f"wrote {len(ledger.files)} files ({total / 1e6:.2f} MB) and SYNTHETIC.md to {out}; "
          f"{len(ledger.defects)} planted defect rows")


if __name__ == "__main__":
    main()
