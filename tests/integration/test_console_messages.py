"""What the coordinator reads on the console of `make run` (pipelines.run), run for real in a
subprocess (the progress logger writes to the process's own stdout, sys.__stdout__):

- a broken municipality.yaml, questions.yaml, pledges.yaml or actions.yaml gives one
  `FEL` line per problem, in Swedish, naming the file, the entry counted from 1, the line
  and the field, with a suggestion when one is close;
- Dagster's wrapper text and its "Dependencies for step … failed" lines are in the log only;
- after a run, the rejected rows per file with their reasons, and the quality report's path.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.conftest import NO_PDF, REPO

pytestmark = pytest.mark.slow  # a pipeline run of its own (tests/conftest.py)

MUNICIPALITY = """\
code: "0382"
name: Östhammar
areas:
  - id: osthammar
    name: Östhammar
    population: {2023: 4974}
  - id: oregrund
    name: Öregrund
    aliases: [Öregrunds hamn]
    population: {2023: 1571}
"""

QUESTIONS = """\
id_column: Svars-ID
submitted_column: Inskickad
area_column: Område
questions:
  - header: "Upplever du problem med stölder i ditt område?"
    id: q_stold
    category: stold
    scale: agree4
scales:
  agree4:
    problem: ["Stämmer helt", "Stämmer ganska bra"]
    no_problem: ["Stämmer ganska dåligt", "Stämmer inte alls"]
    ignore: ["Vet ej", ""]
"""

PLEDGES = """\
- id: 2025-t2-klotter
  period: 2025-T2
  title: "Mindre klotter i Öregrund"
  category: skadegorelse
  areas: [oregrund]
  indicator: partner_report_count
  baseline_period: 2025-T1
  target_change_pct: -20
- id: 2025-t2-stold
  period: 2025-T2
  title: "Färre stölder i hamnen"
  category: stold
  areas: [oregrund]
  indicator: partner_report_count
  baseline_period: 2025-T1
  target_change_pct: -10
- id: 2025-t2-snatteri
  period: 2025-T2
  title: "Mindre snatteri i Östhammar"
  category: snatteri
  areas: [osthammar]
  indicator: partner_report_count
  baseline_period: 2025-T1
  target_change_pct: -20
"""

ACTIONS = """\
- id: batmotorer-2025
  title: "Märkning av båtmotorer vid gästhamnen"
  owner: Polisen
  pledge: 2025-t2-stold
  category: stold
  areas: [oregrund]
  start: 2025-05-01
  end: 2025-08-31
  target: {measure: nattpatruller, count: 12}
  updates:
    - {date: 2025-06-15, status: pågår, done: 5, note: "Kontakt via 070-123 45 67"}
    - {date: 2025-09-02, status: genomförd, done: 13}
"""

PARTNERS = """\
Datum;Partner;Kategori;Område;Plats;Antal;Beskrivning
2025-05-20;ICA Östhammar;snatteri;Östhammar;Butiken;6;
2025-06-02;ICA Östhammar;snatteri;Östhammar;Butiken;1;
2025-06-31;ICA Östhammar;snatteri;Östhammar;Butiken;1;
2025-06-03;ICA Östhammar;fiske;Östhammar;Butiken;1;
2025-06-04;ICA Östhammar;snatteri;Östhammar;Butiken;0;
2025-06-05;ICA Östhammar;;Östhammar;Butiken;1;
2025-06-06;ICA Östhammar;klotter;Öregrund;Hamnen;två;
"""

# The first three rejected rows of the file and how many more: what the coordinator fixes next.
REJECTED = [
    "  avvisat:    5 rader i 1 fil (alla står i datakvalitet.html och audit.rejected_rows):",
    "    partners/ica.csv (5 rader):",
    "      rad 4: Datum '2025-06-31' är inget giltigt datum (väntade ÅÅÅÅ-MM-DD, DD/MM/ÅÅÅÅ eller ett Excel-datum).",
    "      rad 5: Kategori 'fiske' är ingen känd problemkategori. Ange id eller namn på en av kategorierna stold "
    "(Stöld), inbrott (Inbrott), snatteri (Snatteri), skadegorelse (Skadegörelse och klotter), hot_vald (Hot och "
    "våld), social_oro (Social oro och ordningsstörning), narkotika (Narkotika), vapen (Vapen och skjutningar), "
    "eller ett alias ur kategorilistan.",
    "      rad 6: Antal '0' måste vara minst 1 (lämna tomt för 1).",
    "      … och 2 till",
]


@dataclass
class Console:
    code: int
    stdout: list[str]
    stderr: list[str]
    log: str

    @property
    def text(self) -> str:
        return "\n".join(self.stdout + self.stderr)

    def fel(self) -> list[str]:
        return [line for line in self.stdout if line.startswith("  FEL ")]

    def block(self, first: str, length: int) -> list[str]:
        start = self.stdout.index(first)
        return self.stdout[start:start + length]


def data_dir(base: Path, **files: str) -> Path:
    """A data dir of the given files (keys: file names with '/' as '__')."""
    folder = base / "data"
    for name, text in {"municipality.yaml": MUNICIPALITY, "partners__ica.csv": PARTNERS, **files}.items():
        path = folder / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def run(base: Path, folder: Path) -> Console:
    """`make run`'s driver as a coordinator starts it, on `folder`."""
    env = {
        **os.environ,
        "LAGESBILD_DATA_DIR": str(folder),
        "LAGESBILD_WAREHOUSE": str(base / "warehouse" / "lagesbild.duckdb"),
        "LAGESBILD_OUTPUT_DIR": str(base / "output"),
        "LAGESBILD_PDF": NO_PDF,  # what the console says, not the reports (tests/conftest.py)
    }
    for name in ("DAGSTER_HOME", "LAGESBILD_ANALYTICS_COPY"):
        env.pop(name, None)
    done = subprocess.run([sys.executable, "-m", "pipelines.run"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=600)
    log = (base / "output" / "logs" / "run.log").read_text(encoding="utf-8")
    return Console(done.returncode, done.stdout.splitlines(), done.stderr.splitlines(), log)


def assert_no_dagster_noise(console: Console) -> None:
    for noise in ("Dependencies for step", "DagsterExecutionStepExecutionError", "Error occurred while executing op",
                  "Traceback"):
        assert noise not in console.text, f"{noise!r} on the console:\n{console.text}"


@pytest.fixture(scope="module")
def broken_config(tmp_path_factory) -> Console:
    """Every configuration file broken: the run stops before dbt, and says all four."""
    base = tmp_path_factory.mktemp("broken_config")
    folder = data_dir(
        base,
        **{"municipality.yaml": MUNICIPALITY.replace("population: {2023: 1571}", "populaton: {2023: 1571}"),
           "surveys__questions.yaml": QUESTIONS.replace("scale: agree4", "scale: agre4"),
           "pledges.yaml": PLEDGES.replace("category: snatteri", "category: snateri"),
           "actions.yaml": ACTIONS.replace("status: pågår", "status: pagar")},
    )
    return run(base, folder)


def test_each_broken_config_file_says_where_and_what_in_swedish(broken_config):
    assert broken_config.code == 1
    # each problem once (the steps run in Dagster's order), every FEL line one of them
    assert sorted(broken_config.fel()) == [
        '  FEL actions.yaml, åtgärd 1 "batmotorer-2025", uppdatering 1, rad 11: fältet "status": okänd status "pagar" – '
        'menade du "pågår"? (en av: planerad, pågår, genomförd, inställd)',
        '  FEL municipality.yaml, område 2 (Öregrund), rad 10: okänt fält "populaton" – menade du "population"?',
        '  FEL pledges.yaml, löfte 3 "2025-t2-snatteri", rad 20: fältet "category": okänd kategori "snateri" – menade '
        'du "snatteri"? (kategorier: stold (Stöld), inbrott (Inbrott), snatteri (Snatteri), skadegorelse (Skadegörelse '
        "och klotter), hot_vald (Hot och våld), social_oro (Social oro och ordningsstörning), narkotika (Narkotika), "
        "vapen (Vapen och skjutningar), eller ett alias ur kategorilistan)",
        '  FEL surveys/questions.yaml, fråga 1 "q_stold", rad 8: fältet "scale": okänd skala "agre4" – menade du '
        '"agree4"? (skalor under scales: agree4)',
    ]
    assert broken_config.stderr[-1].startswith(
        "Körningen misslyckades: rätta det som står på FEL-raderna och kör igen. Hela loggen: /"
    )
    assert broken_config.stderr[-1].endswith("/output/logs/run.log")


def test_dagster_noise_is_in_the_log_only(broken_config):
    assert_no_dagster_noise(broken_config)
    assert "Dependencies for step dbt_models failed" in broken_config.log
    assert "Error occurred while executing op" in broken_config.log
    assert 'okänt fält "populaton"' in broken_config.log  # and the whole story with it


def test_a_failed_run_still_lists_what_the_loaded_files_had_wrong(broken_config):
    """One round of fixes covers the configuration and the data files."""
    assert broken_config.block(REJECTED[0], len(REJECTED)) == REJECTED


@pytest.fixture(scope="module")
def good_run(tmp_path_factory) -> tuple[Console, Path]:
    base = tmp_path_factory.mktemp("good_run")
    folder = data_dir(base, **{"surveys__questions.yaml": QUESTIONS, "pledges.yaml": PLEDGES,
                               "actions.yaml": ACTIONS})
    return run(base, folder), base


def test_after_a_run_the_rejected_rows_per_file_and_the_quality_report(good_run):
    console, base = good_run
    assert console.code == 0, console.text
    assert console.fel() == []
    assert_no_dagster_noise(console)
    report = base / "output" / "2025-T2" / "datakvalitet.html"
    assert f"  kvalitet:   {report}" in console.stdout
    assert report.is_file()
    assert console.block(REJECTED[0], len(REJECTED)) == REJECTED


def test_the_action_plan_is_loaded_with_notes_redacted(good_run):
    _, base = good_run
    with duckdb.connect(str(base / "warehouse" / "lagesbild.duckdb"), read_only=True) as con:
        assert con.execute(
            "select action_id, pledge_id, category_text, area_ids, target_count, _source_file, _source_row "
            "from raw.actions"
        ).fetchall() == [("batmotorer-2025", "2025-t2-stold", "stold", ["oregrund"], 12, "actions.yaml", 1)]
        assert con.execute(
            "select update_no, status, done, note, _source_row from raw.action_updates order by update_no"
        ).fetchall() == [(1, "pågår", 5, "Kontakt via [telefon]", 11), (2, "genomförd", 13, None, 12)]
