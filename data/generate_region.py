#!/usr/bin/env python3
"""Write the SYNTHETIC region demo data dir, data/sample-region/ (DATA-CONTRACT §6).

    .venv/bin/python data/generate_region.py [--out DIR]

    kommuner/0382-osthammar/   data/sample's own files, byte for byte (alone == in region)
    kommuner/0360-tierp/       synthetic neighbour: config, pledges, surveys, partner reports
    kommuner/0319-alvkarleby/  synthetic neighbour: the same
    police/events/             the real Uppsala län events of data/sample, moved to the root
    police/bra/                data/sample's BRÅ files, moved to the root
    police/local/              shared extracts of the police area with a `Kommun` column:
                               Tierp, Älvkarleby, Heby (not configured) and, in the newest
                               one, Östhammar's rows exactly as its own newest extract has them

Deterministic: every random draw comes from `random.Random(f"{SEED}-<what>")`, no clock, fixed
xlsx document properties. The generators and writers of data/generate_sample.py are imported,
not copied; the municipality-generic pieces here (`Kommun`, `gen_surveys_for`,
`gen_partners_for`, `police_truth`, `local_rows`, `write_bra_national`) are reused by the
national benchmark (tests/benchmarks/national.py).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate_sample as gs  # noqa: E402
from generate_sample import (  # noqa: E402
    CATEGORIES, PARTNER_HEADER, SEED, Area, Bad, Ledger, Written, count_cell, poisson, rand_day, spell_area,
    with_personal, write_csv, write_xlsx,
)

REPO = gs.REPO
OUT = REPO / "data" / "sample-region"
LOCAL_HEADER = ["Månad", "Kommun", "Område", "Brottskategori", "Antal"]
OSTHAMMAR_FOLDER = "0382-osthammar"
# The sample's files that belong to the municipality; police/events and police/bra move to the root.
OSTHAMMAR_OWN = ["municipality.yaml", "pledges.yaml", "actions.yaml", "analysis", "surveys", "partners", "police/local"]
SHARED_FROM_SAMPLE = ["police/events", "police/bra"]


# --------------------------------------------------------------------------- a municipality

@dataclass
class Kommun:
    code: str
    name: str
    county: str
    areas: list[Area]
    places: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    comment: str = ""

    @property
    def folder(self) -> str:
        return f"{self.code}-{gs.ascii_fold(self.name).replace('.', '-')}"

    @property
    def population(self) -> int:
        return sum(a.population for a in self.areas)


def _flow(items) -> str:
    return "[" + ", ".join(items) + "]"


def municipality_yaml(k: Kommun, year: int = 2023) -> str:
    lines = [f"# {line}".rstrip() for line in k.comment.splitlines()] if k.comment else []
    lines += [f'code: "{k.code}"', f"name: {k.name}", f"county: {k.county}", "suppression_threshold: 3"]
    if k.places:
        lines.append(f"places: {_flow(k.places)}")
    if k.partners:
        lines.append(f"partners: {_flow(k.partners)}")
    lines.append("areas:")
    for a in k.areas:
        lines += [f"  - id: {a.id}", f"    name: {a.name}"]
        if a.aliases:
            lines.append(f"    aliases: {_flow(a.aliases)}")
        lines.append(f"    population: {{{year}: {a.population}}}")
    return "\n".join(lines) + "\n"


def write_questions(ledger: Ledger, k: Kommun) -> None:
    qtext = "\n".join(f'  - header: "{h}"\n    id: {qid}\n    category: {cat}\n    scale: agree4'
                      for h, qid, cat in gs.QUESTIONS)
    text = gs.QUESTIONS_YAML.format(questions=qtext, safety=gs.SAFETY_HEADER, free=gs.FREE_HEADER)
    text = text.replace("SYNTHETIC Östhammar surveys (written by data/generate_sample.py)",
                        f"SYNTHETIC {k.name} surveys (written by data/generate_region.py)")
    path = ledger.out / "surveys" / "questions.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    ledger.files.append(Written(ledger.rel(path), len(gs.QUESTIONS) + 2, "question catalogue (as the sample's)"))


FULL_Q = [*gs.QUESTIONS, (gs.SAFETY_HEADER, "q_trygg_kvall", "social_oro")]
PULSE_Q = [(gs.SAFETY_HEADER, "q_trygg_kvall", "social_oro"),
           *[q for q in gs.QUESTIONS if q[2] in ("snatteri", "skadegorelse", "social_oro", "narkotika")]]


@dataclass
class Wave:
    """One survey export. fmt: csv | csv-cp1252 | csv-digits | xlsx."""
    file: str
    year: int
    start: datetime
    n: int
    pulse: bool = False
    fmt: str = "csv"
    bad_date: bool = False  # plant one response with an impossible timestamp


def gen_surveys_for(ledger: Ledger, k: Kommun, waves: list[Wave], rng: random.Random) -> None:
    """Survey exports of one municipality with gs.survey_wave (ids unique per municipality and wave)."""
    write_questions(ledger, k)
    out = ledger.out / "surveys"
    for number, w in enumerate(waves, start=1):
        questions = PULSE_Q if w.pulse else FULL_Q
        prefix = int(f"{int(k.code)}{w.year % 100:02d}{number}")
        resp = gs.survey_wave(rng, year=w.year, start=w.start, days=35, n=w.n, id_prefix=prefix,
                              areas=k.areas, questions=questions)
        header, rows = gs.survey_table(resp, questions, digits=w.fmt == "csv-digits", ts_text=w.fmt != "xlsx")
        note = f"{'pulse survey' if w.pulse else 'trygghetsenkät'} {w.year}, {len(rows)} responses"
        if w.bad_date:
            bad = list(rows[len(rows) // 2])
            bad[0] = f"{prefix}{len(rows) + 1:06d}"
            bad[1] = f"{w.year}-06-31 18:12:00"
            rows.insert(len(rows) // 2 + 1, Bad(bad, "Inskickad", "invalid date (30 days in June)"))
        if w.fmt == "xlsx":
            write_xlsx(ledger, out / w.file, header, rows, title=f"Trygghetsenkät {k.name} {w.year} (syntetiska data)",
                       note=note + "; xlsx, Inskickad as Excel datetime")
        else:
            write_csv(ledger, out / w.file, header, rows, sep="," if w.fmt == "csv-digits" else ";",
                      encoding="cp1252" if w.fmt == "csv-cp1252" else "utf-8", crlf=w.fmt == "csv-cp1252",
                      bom=w.fmt == "csv", note=note + {"csv": "; UTF-8 with BOM, `;`",
                                                       "csv-cp1252": "; Windows-1252, CRLF",
                                                       "csv-digits": "; comma-separated, answers as digits 1-4"}[w.fmt])


@dataclass
class PartnerKind:
    """One reporting partner: monthly incident rates per area, what they report and how."""
    partner: str
    file_stem: str
    areas: dict[str, float]  # area id -> incidents per month
    plan: list[tuple[list[str], list[str], list[str], float]]  # (category spellings, places, texts, share)
    season: str = "snatteri"
    months: tuple[int, ...] = tuple(range(1, 13))


def partner_rows(rng: random.Random, k: Kommun, kind: PartnerKind, year: int, rate: float = 1.0) -> list[list]:
    by_id = {a.id: a for a in k.areas}
    rows = []
    for (y, m) in gs.months():
        if y != year or m not in kind.months:
            continue
        for aid, lam in kind.areas.items():
            for cats, places, texts, share in kind.plan:
                for _ in range(poisson(rng, lam * share * rate * gs.SEASON[kind.season][m - 1])):
                    rows.append([rand_day(rng, y, m, True), kind.partner, rng.choice(cats),
                                 spell_area(rng, by_id[aid], alias_p=0.2, case_p=0.05, space_p=0.05),
                                 rng.choice(places), count_cell(rng, 0.05), with_personal(rng, rng.choice(texts))])
    rows.sort(key=lambda r: (r[0], r[3]))
    return rows


def gen_partners_for(ledger: Ledger, k: Kommun, kinds: list[PartnerKind], rng: random.Random,
                     years=(2023, 2024, 2025, 2026), *, rate: float = 1.0, xlsx_year: int | None = None,
                     bad: dict | None = None) -> None:
    """One file per partner and year; `bad` = {(file_stem, year): Bad row} planted defects."""
    out = ledger.out / "partners"
    for kind in kinds:
        for year in years:
            rows = partner_rows(rng, k, kind, year, rate)
            planted = (bad or {}).get((kind.file_stem, year))
            if year == xlsx_year:
                cells = [[*r[:5], int(r[5]) if r[5] else "", r[6]] for r in rows]
                write_xlsx(ledger, out / f"{kind.file_stem}_{year}.xlsx", PARTNER_HEADER, cells,
                           title=f"{kind.partner} {year} (syntetiska data)",
                           note=f"{kind.partner} {year}; xlsx, Datum as Excel dates")
                continue
            cells = [[r[0].isoformat(), *r[1:]] for r in rows]
            if planted:
                cells.insert(len(cells) // 2, planted)
            write_csv(ledger, out / f"{kind.file_stem}_{year}.csv", PARTNER_HEADER, cells,
                      note=f"{kind.partner} {year}; ISO dates, UTF-8 `;`")


# --------------------------------------------------------------------------- local police

# reported crimes per year and inhabitant: the sample's Östhammar level (gs.POLICE_YEARLY for 22 300)
PER_CAPITA = {cat: n / 22300 for cat, n in gs.POLICE_YEARLY.items()}


def police_truth(rng: random.Random, k: Kommun, *, level: float = 1.0, area_factor: dict | None = None,
                 all_months=None) -> dict:
    """(y, m, area id or None = unknown, category) -> final count, areas weighted by population."""
    truth = {}
    total = k.population
    for (y, m) in all_months or gs.months():
        for cat in CATEGORIES:
            base = PER_CAPITA[cat] * total * level / 12 * gs.SEASON[cat][m - 1]
            weights = {a.id: a.population * (area_factor or {}).get((a.id, cat), 1.0) for a in k.areas}
            s = sum(weights.values())
            for a in k.areas:
                truth[(y, m, a.id, cat)] = poisson(rng, base * weights[a.id] / s)
            if cat in ("stold", "hot_vald", "skadegorelse"):
                truth[(y, m, None, cat)] = poisson(rng, base * 0.02)
    return truth


def local_rows(rng: random.Random, k: Kommun, truth: dict, last: tuple[int, int], *, style: int = 0,
               kommun_text: str | None = None, suppress: bool = False, month_cell=None) -> list[list]:
    """One extract's rows for one municipality: the twelve months up to `last`, recent months not yet
    fully registered (as gs.gen_local), zero counts listed, `..` for 1-2 in areas under 500 when
    `suppress`. With kommun_text the rows have the Kommun column (LOCAL_HEADER), else gs's four."""
    first = gs.month_add(last, -11)
    spell = gs.CAT_SPELLINGS[style]
    rows = []
    for (y, m) in gs.months():
        if not first <= (y, m) <= last:
            continue
        lag = (last[0] * 12 + last[1]) - (y * 12 + m)
        cell = month_cell(y, m) if month_cell else f"{y}-{m:02d}"
        for a in [*k.areas, None]:
            for cat in CATEGORIES:
                key = (y, m, a.id if a else None, cat)
                if key not in truth:
                    continue
                n = truth[key]
                if lag <= 1:  # not yet registered in the two most recent months
                    n -= gs.binomial(rng, n, 0.12 if lag == 0 else 0.04)
                if a is None and n == 0:
                    continue
                area = gs.UNKNOWN_POLICE_AREA if a is None else (
                    rng.choice(a.aliases) if a.aliases and rng.random() < 0.08 else a.name)
                count = ".." if suppress and a is not None and a.population < 500 and 1 <= n <= 2 else n
                row = [cell, area, spell[cat], count]
                rows.append(row if kommun_text is None else [row[0], kommun_text, *row[1:]])
    return rows


# --------------------------------------------------------------------------- BRÅ, every municipality

def write_bra_national(ledger: Ledger, kommuner: list[tuple[str, int]], years=range(2019, 2026)) -> None:
    """BRÅ's yearly files for the given (name, population) list plus 'Hela landet', 2022+ layout,
    rates of plausible size (invented)."""
    rng = random.Random(f"{SEED}-bra-national")
    out = ledger.out / "police" / "bra"
    for year in years:
        rows, total_n, total_pop = [], 0, 0
        for name, pop in kommuner:
            rate = rng.gauss(11000 + 2500 * (pop > 100_000) + 3500 * (pop > 300_000), 1500)
            n = max(1, round(rate * pop / 100_000))
            total_n, total_pop = total_n + n, total_pop + pop
            rows.append([name, str(n), gs.sv_decimal(n / pop * 100_000)])
        rows.append(["Hela landet", str(total_n), gs.sv_decimal(total_n / total_pop * 100_000)])
        write_csv(ledger, out / f"Anmälda brott per kommun {year}.csv", ["Kommun", "Antal", "Per 100 000 inv."],
                  rows, bom=True, crlf=True, note=f"BRÅ {year}, every municipality (invented numbers)")


# --------------------------------------------------------------------------- the two neighbours

TIERP_COMMENT = """\
Tierps kommun — a SYNTHETIC neighbour of Östhammar in the region demo (data/generate_region.py).
Area names are Tierp's real tätorter; populations are close to SCB's tätort figures (2020-2023)
and the rural districts are grouped parishes sized so that the municipality totals about
21 400 inhabitants: an approximation for the demo. `landsbygd` is also an area id of
Älvkarleby: an area id is unique only within its municipality (DATA-CONTRACT §6)."""

ALVKARLEBY_COMMENT = """\
Älvkarleby kommun — a SYNTHETIC neighbour of Östhammar in the region demo (data/generate_region.py).
Area names are Älvkarleby's real tätorter and villages; populations are close to SCB's
(2020-2023), the rest grouped as `landsbygd` (also an area id of Tierp) so that the
municipality totals about 9 600 inhabitants: an approximation for the demo."""

TIERP = Kommun("0360", "Tierp", "Uppsala län", [
    Area("tierp", "Tierp", ["Tierps tätort", "Tierps centrum", "Tierps köping"], 6060),
    Area("soderfors", "Söderfors", ["Söderfors bruk"], 1930),
    Area("orbyhus", "Örbyhus", ["Örbyhus tätort"], 1850),
    Area("karlholmsbruk", "Karlholmsbruk", ["Karlholm", "Karlholms bruk"], 860),
    Area("mankarbo", "Månkarbo", [], 590),
    Area("skarplinge", "Skärplinge", [], 520),
    Area("mehedeby", "Mehedeby", [], 470),
    Area("tobo", "Tobo", [], 370),
    Area("hallnas_osterlovsta", "Hållnäs och Österlövsta", ["Hållnäs", "Österlövsta", "Ängskär"], 2600),
    Area("vendel_tolfta", "Vendel och Tolfta", ["Vendel", "Tolfta", "Kyrkbyn"], 2900),
    Area("landsbygd", "Tierps landsbygd", ["Västland", "Nora", "Tierps socken"], 3250),
], places=["Järnvägsesplanaden", "Resecentrum", "Gästhamnen"],
    partners=["Handeln i Tierp", "Bostadsbolaget i Tierp"], comment=TIERP_COMMENT)

ALVKARLEBY = Kommun("0319", "Älvkarleby", "Uppsala län", [
    Area("skutskar", "Skutskär", ["Skutskärs centrum", "Harnäs", "Skutskärs bruk"], 6260),
    Area("alvkarleby", "Älvkarleby", ["Älvkarleby tätort", "Älvkarlebyn", "Älvkarleö"], 1150),
    Area("marma", "Marma", ["Marma läger"], 430),
    Area("gardskar_rotskar", "Gårdskär och Rotskär", ["Gårdskär", "Rotskär", "Sikhjälma"], 480),
    Area("landsbygd", "Älvkarleby landsbygd", ["Båtfors", "Västanå"], 1280),
], places=["Laxön", "Fiskartorget", "Gårdskärs hamn"],
    partners=["Handeln i Skutskär", "Båtägarna i Älvkarleby"], comment=ALVKARLEBY_COMMENT)

# Heby: in the shared extract only, never configured: its rows stay in raw and reach no indicator.
HEBY = Kommun("0331", "Heby", "Uppsala län", [
    Area("heby", "Heby", [], 2900), Area("ostervala", "Östervåla", [], 1500),
    Area("morgongava", "Morgongåva", [], 1300), Area("tarnsjo", "Tärnsjö", [], 1100),
    Area("harbo", "Harbo", [], 620), Area("landsbygd", "Hebys landsbygd", [], 6900),
])

SHOP_TEXTS = gs.SHOP_TEXT
HOUSING_TEXTS = ["Klotter på fasaden", "Krossad ruta i entrédörren", "Sönderslagen belysning", "Brand i soptunna",
                 "Ungdomar samlas i trapphuset på kvällarna", "Uppbrutna förråd, cyklar stulna"]
BOAT_TEXTS = ["Utombordare stulen natten mot lördag", "Motor stulen, låset avklippt", "Bränsle tappat ur tanken"]

TIERP_PARTNERS = [
    PartnerKind("Handeln i Tierp", "handel_tierp", {"tierp": 9.0, "orbyhus": 2.5, "soderfors": 2.0},
                [(["snatteri", "Snatteri", "butiksstöld"], gs.SHOP_PLACES, SHOP_TEXTS, 0.95),
                 (["hot mot personal"], ["Kassalinjen", "Entrén"], gs.SHOP_THREAT, 0.05)]),
    PartnerKind("Bostadsbolaget i Tierp", "bostadsbolaget_tierp", {"tierp": 5.0, "soderfors": 1.5, "karlholmsbruk": 1.0},
                [(["klotter", "skadegörelse"], gs.HOUSING_PLACES, HOUSING_TEXTS[:4], 0.55),
                 (["störningar", "ungdomar som stör"], gs.HOUSING_PLACES, HOUSING_TEXTS[4:5], 0.3),
                 (["inbrott i förråd"], ["Källarförråd", "Cykelrum"], HOUSING_TEXTS[5:], 0.15)],
                season="skadegorelse"),
]
ALVKARLEBY_PARTNERS = [
    PartnerKind("Handeln i Skutskär", "handel_skutskar", {"skutskar": 6.0, "alvkarleby": 1.0},
                [(["snatteri", "Snatteri"], gs.SHOP_PLACES, SHOP_TEXTS, 0.93),
                 (["hot mot personal"], ["Kassalinjen"], gs.SHOP_THREAT, 0.07)]),
    PartnerKind("Båtägarna i Älvkarleby", "batagarna_alvkarleby",
                {"gardskar_rotskar": 3.0, "alvkarleby": 1.2, "landsbygd": 0.6},
                [(["båtmotorstöld", "stöld"], ["Gårdskärs hamn", "Båtbryggan", "Småbåtshamnen"], BOAT_TEXTS, 1.0)],
                season="stold", months=(5, 6, 7, 8, 9)),
]

TIERP_PLEDGES = """\
# Medborgarlöften for the SYNTHETIC Tierp of the region demo (written by data/generate_region.py).
- id: 2025-t2-snatteri-tierp
  period: 2025-T2
  title: "Vi ska minska snatteriet i Tierps centrum"
  category: snatteri
  areas: [tierp]
  indicator: partner_report_count
  baseline_period: 2025-T1
  target_change_pct: -15

# `landsbygd` is also an area of Älvkarleby: this pledge is about Tierp's.
- id: 2025-t3-inbrott-landsbygd
  period: 2025-T3
  title: "Färre inbrott på Tierps landsbygd"
  category: inbrott
  areas: [landsbygd, hallnas_osterlovsta]
  indicator: police_reported_count
  baseline_period: 2025-T3
  target_change_pct: -10
"""

ALVKARLEBY_PLEDGES = """\
# Medborgarlöften for the SYNTHETIC Älvkarleby of the region demo (written by data/generate_region.py).
- id: 2025-t2-batmotorer
  period: 2025-T2
  title: "Färre stulna båtmotorer vid Gårdskär och Rotskär"
  category: stold
  areas: [gardskar_rotskar]
  indicator: partner_report_count
  baseline_period: 2025-T2
  target_change_pct: -25

- id: 2025-t3-trygghet-skutskar
  period: 2025-T3
  title: "Fler ska känna sig trygga i Skutskär och på landsbygden"
  category: social_oro
  areas: [skutskar, landsbygd]
  indicator: survey_problem_share
  baseline_period: 2025-T3
  target_change_pct: -10
"""


def gen_neighbour(root: Path, k: Kommun, pledges: str, waves: list[Wave], partners: list[PartnerKind],
                  *, xlsx_year=None, bad=None) -> Ledger:
    out = root / "kommuner" / k.folder
    ledger = Ledger(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "municipality.yaml").write_text(municipality_yaml(k), encoding="utf-8")
    (out / "pledges.yaml").write_text(pledges, encoding="utf-8")
    gen_surveys_for(ledger, k, waves, random.Random(f"{SEED}-{k.code}-surveys"))
    gen_partners_for(ledger, k, partners, random.Random(f"{SEED}-{k.code}-partners"), xlsx_year=xlsx_year, bad=bad)
    return ledger


# --------------------------------------------------------------------------- the shared extract

OSTHAMMAR_NEWEST = "lokalpolis_osthammar_2026-08.csv"
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def osthammar_rows(sample: Path) -> list[list[str]]:
    """The rows of Östhammar's own newest extract as they are written, minus the rows no reader
    accepts (the planted invalid month): the shared extract says exactly what that file says."""
    text = (sample / "police" / "local" / OSTHAMMAR_NEWEST).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header == ["Månad", "Område", "Brottskategori", "Antal"], header
    return [r for r in body if r and _MONTH.match(r[0])]


def gen_shared_local(root: Path, sample: Path) -> Ledger:
    ledger = Ledger(root)
    out = root / "police" / "local"
    rng = random.Random(f"{SEED}-shared-local")
    truth = {k.code: police_truth(rng, k, level=level) for k, level in ((TIERP, 1.1), (ALVKARLEBY, 1.2), (HEBY, 1.0))}
    extracts = [  # (last month, kommun texts per code, format)
        ((2023, 12), {"0360": "Tierp", "0319": "Älvkarleby", "0331": "Heby"}, "csv"),
        ((2024, 12), {"0360": "0360", "0319": "0319", "0331": "0331"}, "csv-cp1252"),
        ((2025, 12), {"0360": "Tierp kommun", "0319": "Älvkarleby kommun", "0331": "Heby kommun"}, "xlsx"),
        ((2026, 8), {"0360": "Tierp", "0319": "Älvkarleby", "0331": "Heby"}, "csv-bom"),
    ]
    for (last, texts, fmt) in extracts:
        rows = []
        xlsx = fmt == "xlsx"
        for k in (TIERP, ALVKARLEBY, HEBY):
            rows += local_rows(rng, k, truth[k.code], last, style=0 if xlsx else 1, kommun_text=texts[k.code],
                               suppress=last == (2026, 8),
                               month_cell=(lambda y, m: date(y, m, 1)) if xlsx else None)
        name = f"lokalpolisomrade_norduppland_{last[0]}-{last[1]:02d}"
        note = (f"shared extract of the police area, {gs.month_add(last, -11)[0]}-{gs.month_add(last, -11)[1]:02d} to "
                f"{last[0]}-{last[1]:02d}: Tierp, Älvkarleby and Heby (not configured), Kommun as "
                + {"csv": "names", "csv-cp1252": "codes", "xlsx": "'X kommun'", "csv-bom": "names"}[fmt])
        if last == (2026, 8):
            own = osthammar_rows(sample)
            rows += [[r[0], "Östhammar", *r[1:]] for r in own]
            note += f"; plus Östhammar's {len(own)} rows exactly as in its own {OSTHAMMAR_NEWEST}; '..' in areas under 500"
        if last == (2025, 12):
            at = len(rows) // 2
            rows.insert(at, Bad([date(2025, 6, 1), "Tierpp", "Söderfors", "Stöld", 4], "Kommun",
                                "unknown municipality (typo of Tierp)"))
        if xlsx:
            write_xlsx(ledger, out / f"{name}.xlsx", LOCAL_HEADER, rows, title="Lokalpolisområde Norduppland (syntetiska data)",
                       date_format="yyyy-mm", note=note + "; xlsx, Månad as an Excel date")
        else:
            write_csv(ledger, out / f"{name}.csv", LOCAL_HEADER, rows, encoding="cp1252" if fmt == "csv-cp1252" else "utf-8",
                      crlf=fmt == "csv-cp1252", bom=fmt == "csv-bom",
                      note=note + {"csv": "; UTF-8 `;`", "csv-cp1252": "; Windows-1252, CRLF", "csv-bom": "; UTF-8 with BOM"}[fmt])
    return ledger


# --------------------------------------------------------------------------- the region

def copy_osthammar(root: Path, sample: Path) -> list[str]:
    """data/sample's municipality files, byte for byte, into kommuner/0382-osthammar/."""
    target = root / "kommuner" / OSTHAMMAR_FOLDER
    copied = []
    for part in OSTHAMMAR_OWN:
        src = sample / part
        if src.is_dir():
            shutil.copytree(src, target / part, dirs_exist_ok=True)
        elif src.is_file():
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target / part)
        else:
            continue
        copied.append(part)
    for part in SHARED_FROM_SAMPLE:
        shutil.copytree(sample / part, root / part, dirs_exist_ok=True)
    return copied


def write_synthetic_md(root: Path, ledgers: dict[str, Ledger], copied: list[str]) -> None:
    lines = [
        "# SYNTHETIC region sample data",
        "",
        "A region data dir (DATA-CONTRACT §6): Östhammar and two synthetic neighbours of the same",
        "police area, written by `data/generate_region.py` (seeded, deterministic). Rebuild it with",
        "`.venv/bin/python data/generate_region.py`; run it with `make run-region`.",
        "",
        "| folder | what |",
        "|---|---|",
        f"| `kommuner/{OSTHAMMAR_FOLDER}/` | data/sample's own files, **byte for byte** ({', '.join(f'`{c}`' for c in copied)}); see `data/sample/SYNTHETIC.md` |",
        f"| `kommuner/{TIERP.folder}/` | synthetic Tierp: `municipality.yaml` ({len(TIERP.areas)} areas, {gs.sv_thousands(TIERP.population)} inhabitants), `pledges.yaml`, surveys, partner reports |",
        f"| `kommuner/{ALVKARLEBY.folder}/` | synthetic Älvkarleby: `municipality.yaml` ({len(ALVKARLEBY.areas)} areas, {gs.sv_thousands(ALVKARLEBY.population)} inhabitants), `pledges.yaml`, surveys, partner reports |",
        "| `police/events/` | data/sample's real Uppsala län events (Källa: Polisen), moved to the root: shared by all |",
        "| `police/bra/` | data/sample's BRÅ files (real names, invented numbers), moved to the root |",
        "| `police/local/` | synthetic shared extracts of the police area with a `Kommun` column (below) |",
        "",
        "Everything invented follows data/sample's rules: names *Testsson/Exempelsson*, e-mail at",
        "example.com/.org/.net, TEST-NET IP addresses, phone numbers in PTS's fiction range, random",
        "personnummer. Area names are real tätorter and villages of each municipality; their",
        "populations are close to SCB's (tätorter 2020–2023) with rural districts grouped to reach",
        "the municipality's total (Tierp ≈ 21 400, Älvkarleby ≈ 9 600): approximations, not statistics.",
        "Partner names are generic (`Handeln i Tierp`), not real businesses.",
        "",
        "## Östhammar alone equals Östhammar in the region",
        "",
        f"Östhammar's own `police/local/` extracts stay in its folder, unchanged. The shared extract",
        f"`police/local/lokalpolisomrade_norduppland_2026-08.csv` also lists Östhammar (as a police area's",
        f"extract does), and its Östhammar rows are **exactly** the rows of Östhammar's own newest",
        f"extract `{OSTHAMMAR_NEWEST}` (same months 2025-09…2026-08, same areas, categories and counts,",
        "`..` included; only the row with the planted invalid month is left out). Whichever of the two",
        "files wins a month (both end in 2026-08), Östhammar's numbers are the same as with",
        "data/sample alone, while the shared extract still carries Östhammar rows. The older shared",
        "extracts do not list Östhammar: a row of one of them would win no month (Östhammar's own",
        "newer extracts own those months), but that relies on the order of extracts; identical rows",
        "do not. Events and BRÅ moved to the root keep their relative paths (`police/events/…`,",
        "`police/bra/…`), and their rows find their municipality by content, as alone.",
        "",
        "## Shared extracts (`police/local/`): Kommun, Heby, an area id in two municipalities",
        "",
        "- `Kommun` as a name (`Tierp`), a code (`0360`) or `X kommun`, one style per file.",
        "- **Heby (0331) is not configured**: its rows load into raw and stay there; they reach no",
        "  indicator and the quality report counts them as rows outside the data dir.",
        "- **`landsbygd`** is an area id of both Tierp (*Tierps landsbygd*) and Älvkarleby",
        "  (*Älvkarleby landsbygd*), and Heby's rows use a *Hebys landsbygd*: an area id is unique only",
        "  within its municipality. Tierp's pledge `2025-t3-inbrott-landsbygd` and Älvkarleby's",
        "  `2025-t3-trygghet-skutskar` both name their own `landsbygd`.",
        "- One row names a municipality that does not exist (`Tierpp`, in the 2025-12 extract): it is",
        "  rejected with a Swedish reason, the file's other rows load.",
        "- Extracts overlap (rolling twelve months), recent months are revised upward, zero counts are",
        "  listed, `..` (suppressed at source) for counts of 1–2 in areas under 500 inhabitants in 2026-08.",
        "",
        "## Files written by the generator",
        "",
        "| file | data rows | what it shows |",
        "|---|---:|---|",
    ]
    defects = []
    for prefix, ledger in ledgers.items():
        for f in ledger.files:
            lines.append(f"| `{prefix}{f.path}` | {f.rows} | {f.note} |")
        defects += [(prefix, d) for d in ledger.defects]
    lines += [
        "",
        "## Defects planted on purpose (rows that must be rejected)",
        "",
        "Besides Östhammar's 12 (data/sample/SYNTHETIC.md). `line` is the physical line of a CSV",
        "(header = 1) or the Excel row of an xlsx.",
        "",
        "| file | data_row | line | column | value | defect |",
        "|---|---:|---:|---|---|---|",
    ]
    for prefix, d in defects:
        lines.append(f"| `{prefix}{d.file}` | {d.data_row} | {d.line} | {d.column} | `{d.value}` | {d.defect} |")
    lines += ["", f"Total: {len(defects)} rows.", ""]
    (root / "SYNTHETIC.md").write_text("\n".join(lines), encoding="utf-8")


def generate(out: Path = OUT, sample: Path = gs.SAMPLE) -> dict[str, Ledger]:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    copied = copy_osthammar(out, sample)
    tierp = gen_neighbour(out, TIERP, TIERP_PLEDGES, [
        Wave("trygghetsenkat_2023.csv", 2023, datetime(2023, 10, 2), 430),
        Wave("trygghetsenkat_2024.csv", 2024, datetime(2024, 9, 30), 470, fmt="csv-cp1252"),
        Wave("trygghetsenkat_2025.xlsx", 2025, datetime(2025, 9, 29), 520, fmt="xlsx"),
        Wave("pulsenkat_2026.csv", 2026, datetime(2026, 3, 9), 200, pulse=True, bad_date=True),
    ], TIERP_PARTNERS, xlsx_year=2024, bad={("handel_tierp", 2025): Bad(
        ["2025-03-12", "Handeln i Tierp", "snatteri", "Tierp", "Butiken", "-3", "Snattade godis"], "Antal",
        "negative count")})
    alvkarleby = gen_neighbour(out, ALVKARLEBY, ALVKARLEBY_PLEDGES, [
        Wave("trygghetsenkat_2024.csv", 2024, datetime(2024, 10, 7), 250),
        Wave("trygghetsenkat_2025.csv", 2025, datetime(2025, 10, 6), 280, fmt="csv-digits"),
        Wave("pulsenkat_2026.csv", 2026, datetime(2026, 3, 16), 120, pulse=True),
    ], ALVKARLEBY_PARTNERS)
    shared = gen_shared_local(out, sample)
    ledgers = {f"kommuner/{TIERP.folder}/": tierp, f"kommuner/{ALVKARLEBY.folder}/": alvkarleby, "": shared}
    write_synthetic_md(out, ledgers, copied)
    return ledgers


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT, help="data directory to write (default data/sample-region)")
    args = ap.parse_args(argv)
    ledgers = generate(args.out.resolve())
    files = sum(len(ledger.files) for ledger in ledgers.values())
    defects = sum(len(ledger.defects) for ledger in ledgers.values())
    print(f"wrote {files} synthetic files, Östhammar's sample files and SYNTHETIC.md to {args.out}; "
          f"{defects} planted defect rows")


if __name__ == "__main__":
    main()
