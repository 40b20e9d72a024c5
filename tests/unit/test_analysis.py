"""analysis/<period>.md (DATA-CONTRACT §2.7): the coordinator's own analysis, loaded into
raw.coordinator_analysis redacted (a phone number, an e-mail address, a personnummer and a
name never stored), per municipality folder; a misnamed file is a failed file with a Swedish
reason while the others load; the same files again change nothing; and the Markdown becomes
HTML in which raw HTML and scripts are text."""

from __future__ import annotations

import shutil
from pathlib import Path

from pipelines import layout
from pipelines.ingest.analysis import write_analysis
from pipelines.picture.markdown import to_html
from pipelines.warehouse import connect
from tests.privacy import find_personal_data

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
TEXT = ("## Läget\n\nSnatteriet ökar i Gimo. Anna Svensson på ICA Gimo nås på 070-123 45 67 eller "
        "anna.svensson@example.com; den misstänktes personnummer är 19850412-1234.\n")


def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(SAMPLE / "municipality.yaml", data / "municipality.yaml")
    (data / "analysis").mkdir()
    return data


def rows(con):
    return con.execute("select kommun_code, period, analysis_markdown, _source_file, _loaded_at "
                       "from raw.coordinator_analysis order by period").fetchall()


def test_loaded_redacted_and_the_same_files_change_nothing(tmp_path, monkeypatch):
    data = data_dir(tmp_path)
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data))
    (data / "analysis" / "2026-T2.md").write_text(TEXT, encoding="utf-8")
    (data / "analysis" / "README.md").write_text("Skriv en fil per tertial.", encoding="utf-8")  # a note, not a text
    entries = layout.municipality_dirs(data)
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        assert write_analysis(con, data, entries) == {"texts": 1, "failed": 0, "changed": True}
        (stored,) = rows(con)
        assert stored[:4] == ("0382", "2026-T2", "## Läget\n\nSnatteriet ökar i Gimo. [namn] på ICA Gimo nås på "
                              "[telefon] eller [e-post]; den misstänktes personnummer är [personnummer].\n",
                              "analysis/2026-T2.md")
        assert not write_analysis(con, data, entries)["changed"]
        assert rows(con) == [stored]  # not even _loaded_at moved
        (data / "analysis" / "2026-T2.md").unlink()
        write_analysis(con, data, entries)
        assert rows(con) == []
    assert find_personal_data(db, ["070-123 45 67", "anna.svensson@example.com", "19850412-1234", "Svensson"]) == []


def test_a_misnamed_file_is_a_failed_file_and_the_others_load(tmp_path, monkeypatch):
    data = data_dir(tmp_path)
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data))
    (data / "analysis" / "2026-T1.md").write_text("Vårens bedömning.", encoding="utf-8")
    (data / "analysis" / "analys våren.md").write_text("Fel namn.", encoding="utf-8")
    with connect(tmp_path / "w.duckdb") as con:
        assert write_analysis(con, data, layout.municipality_dirs(data))["failed"] == 1
        assert [r[1:3] for r in rows(con)] == [("2026-T1", "Vårens bedömning.")]
        (reason,) = con.execute("select reason from audit.rejected_rows where source_row is null "
                                "and source_file = 'analysis/analys våren.md'").fetchall()
    assert reason[0].startswith("Filnamnet 'analys våren.md' är inget tertial") and "2026-T2.md" in reason[0]


def test_each_paragraph_is_judged_on_its_own_casing(monkeypatch):
    """A paragraph typed all in lower case loses its names although the rest is capitalised."""
    from pipelines.ingest.analysis import redacted

    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(SAMPLE))
    text = "## Läget i Gimo\n\nSnatteriet ökar i butikerna.\n\njag såg anna och lisa röka vid skolan\n"
    assert redacted(text) == "## Läget i Gimo\n\nSnatteriet ökar i butikerna.\n\njag såg [namn] och [namn] röka vid skolan\n"


def test_free_text_off_stores_the_row_without_its_text(tmp_path, monkeypatch):
    data = data_dir(tmp_path)
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data))
    monkeypatch.setenv("LAGESBILD_FREE_TEXT", "off")
    (data / "analysis" / "2026-T2.md").write_text(TEXT, encoding="utf-8")
    with connect(tmp_path / "w.duckdb") as con:
        write_analysis(con, data, layout.municipality_dirs(data))
        assert [r[1:3] for r in rows(con)] == [("2026-T2", None)]


def test_each_municipality_of_a_region_has_its_own_texts(tmp_path, monkeypatch):
    region = tmp_path / "region"
    for code, name in (("0382", "osthammar"), ("0360", "tierp")):
        folder = region / "kommuner" / f"{code}-{name}"
        (folder / "analysis").mkdir(parents=True)
        text = (SAMPLE / "municipality.yaml").read_text(encoding="utf-8")
        if code == "0360":
            text = text.replace('code: "0382"', 'code: "0360"').replace("name: Östhammar", "name: Tierp", 1)
        (folder / "municipality.yaml").write_text(text, encoding="utf-8")
        (folder / "analysis" / "2026-T2.md").write_text(f"Bedömning för {code}.", encoding="utf-8")
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(region))
    with connect(tmp_path / "w.duckdb") as con:
        write_analysis(con, region, layout.municipality_dirs(region))
        assert sorted(r[:4] for r in rows(con)) == [
            ("0360", "2026-T2", "Bedömning för 0360.", "kommuner/0360-tierp/analysis/2026-T2.md"),
            ("0382", "2026-T2", "Bedömning för 0382.", "kommuner/0382-osthammar/analysis/2026-T2.md"),
        ]


def test_markdown_becomes_html_and_html_in_it_stays_text():
    html = str(to_html("# Rubrik\n\nHej **du** <script>alert('x')</script>\n\n<div onclick=\"x\">block</div>\n\n"
                       "![karta](https://example.com/karta.png) [länk](javascript:alert(1)) [ok](https://example.com)\n"))
    assert "<h3>Rubrik</h3>" in html and "<strong>du</strong>" in html  # headings sit under the report's Analys
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in html and "<script" not in html
    assert "&lt;div onclick=&quot;x&quot;&gt;block&lt;/div&gt;" in html and "<div" not in html
    assert "<img" not in html and "karta" in html  # an image is its alt text: nothing is fetched
    assert 'href="javascript' not in html and '<a href="https://example.com">ok</a>' in html
    assert to_html(None) == "" and to_html("") == ""


def test_the_inbox_sensor_sees_a_new_analysis_text(tmp_path):
    from pipelines.sensors import watched_files
    from pipelines.settings import Settings

    data = data_dir(tmp_path)
    (data / "analysis" / "2026-T2.md").write_text(TEXT, encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    settings = Settings(data, warehouse, tmp_path / "output", tmp_path / "analytics.duckdb")
    assert data / "analysis" / "2026-T2.md" in watched_files(settings)
