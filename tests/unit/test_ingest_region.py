"""A region data dir (DATA-CONTRACT §6) through the real ingest assets: Dagster materialises
every ingest asset into a real DuckDB file, and raw/audit rows carry their municipality.

The region is the sample (as kommuner/0382-osthammar, its police events and BRÅ moved to the
shared root) plus a small Tierp written here, plus a shared local-police extract with a Kommun
column naming Tierp, Östhammar, Heby (not configured) and things that are no municipality."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.config import ConfigError, load_municipalities
from pipelines.ingest.assets import assets as ingest_assets
from pipelines.ingest.assets import municipality_config, partner_reports, police_local
from pipelines.layout import municipality_dirs
from pipelines.resources import Warehouse

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
FILE_SOURCES = ("police_events", "police_bra", "police_local", "partner_reports", "survey_responses")

TIERP_YAML = """\
code: "0360"
name: Tierp
county: Uppsala län
places: [Karlholms hamn]
areas:
  - id: tierp
    name: Tierp
    aliases: [Tierps tätort]
    population: {2023: 6000}
  - id: ronja
    name: Ronja
    aliases: [Ronjaberget]
    population: {2023: 800}
"""
TIERP_PLEDGES = """\
- id: 2025-t2-snatteri-tierp
  period: 2025-T2
  title: "Mindre snatteri i Tierp"
  category: snatteri
  areas: [tierp]
  indicator: partner_report_count
  baseline_period: 2025-T1
  target_change_pct: -10
"""
TIERP_ACTIONS = """\
- id: vandring-ronja
  title: "Trygghetsvandring i Ronja"
  owner: Kommunen
  pledge: 2025-t2-snatteri-tierp
  category: snatteri
  areas: [ronja]
  start: 2025-05-01
  updates:
    - {date: 2025-06-15, status: pågår, done: 1, note: "Lugnt i Ronja, Kent Ek ringde"}
"""
PARTNER_HEADER = "Datum;Partner;Kategori;Område;Plats;Antal;Beskrivning"
RONJA_TEXT = "Klotter i Ronja, Kent Ek såg det"
SHARED_LOCAL = [
    "Kommun;Månad;Område;Brottskategori;Antal",
    "Tierp;2025-01;Tierp;Stöld;4",              # 2: a name
    "Tierps kommun;2025-01;Ronja;Inbrott;2",    # 3: the genitive; Ronja is a Tierp area name: kept
    "0360;2025-02;Tierp;Stöld;3",               # 4: the code
    "Östhammars kommun;2025-01;Gimo;Stöld;7",   # 5: a configured neighbour
    "Heby;2025-01;Heby;Stöld;9",                # 6: a municipality outside the data dir: kept
    "Uppsala län;2025-01;Tierp;Stöld;1",        # 7: no municipality: rejected
    "Osthamar;2025-01;Gimo;Stöld;1",            # 8: a typo: rejected, with a suggestion
    ";2025-01;Tierp;Stöld;1",                   # 9: a shared extract must name the municipality
    "Polisområde Nord;2025-01;Tierp;Stöld;1",   # 10: no municipality, nothing close
]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


def write_region(base: Path) -> Path:
    data = base / "region"
    osthammar = data / "kommuner" / "0382-osthammar"
    shutil.copytree(SAMPLE, osthammar)
    for shared in ("events", "bra"):  # the county's police sources are shared
        shutil.move(osthammar / "police" / shared, data / "police" / shared)
    # Ronja is no area of Östhammar: there it is read as a name
    write(osthammar / "police" / "local" / "ronja.csv", "Månad;Område;Brottskategori;Antal\n2025-01;Ronja;Stöld;1\n")

    tierp = data / "kommuner" / "0360-tierp"
    write(tierp / "municipality.yaml", TIERP_YAML)
    write(tierp / "pledges.yaml", TIERP_PLEDGES)
    write(tierp / "actions.yaml", TIERP_ACTIONS)
    (tierp / "partners").mkdir(parents=True)
    shutil.copy(SAMPLE / "partners" / "skolor_2024.csv", tierp / "partners" / "skolor_2024.csv")  # same bytes
    write(tierp / "partners" / "tierp.csv", "\n".join([
        PARTNER_HEADER,
        f"2025-03-04;Tierps skolor;skadegörelse;Ronja;Karlholms hamn;;{RONJA_TEXT}",
    ]) + "\n")
    (tierp / "surveys").mkdir()
    shutil.copy(SAMPLE / "surveys" / "questions.yaml", tierp / "surveys" / "questions.yaml")
    shutil.copy(SAMPLE / "surveys" / "pulsenkat_2024_var.csv", tierp / "surveys" / "pulsenkat_2024_var.csv")
    write(tierp / "police" / "local" / "egen.csv", "\n".join([
        "Månad;Område;Brottskategori;Kommun;Antal",
        "2025-01;Tierp;Stöld;Tierp;2",
        "2025-01;Gimo;Stöld;Östhammar;1",   # another municipality's row in Tierp's own file: kept, dbt decides
        "2025-01;Tierp;Inbrott;;1",         # no Kommun in the folder's own file: the folder's
    ]) + "\n")

    write(data / "police" / "local" / "gemensamt.csv", "\n".join(SHARED_LOCAL) + "\n")
    write(data / "police" / "local" / "utan_kommun.csv", "Månad;Område;Brottskategori;Antal\n2025-01;Tierp;Stöld;1\n")
    return data


def materialise(data_dir: Path, warehouse: Path, monkeypatch, selection=None) -> dg.ExecuteInProcessResult:
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(warehouse.parent / "output"))
    return dg.materialize(selection or ingest_assets, resources={"warehouse": Warehouse()}, raise_on_error=False)


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def counts_by_code(warehouse: Path) -> dict[tuple[str, str | None], int]:
    union = " union all ".join(
        f"select '{table}' as t, _kommun_code, count(*) as n from raw.{table} group by all" for table in FILE_SOURCES
    )
    return {(t, code): n for t, code, n in query(warehouse, union)}


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    base = tmp_path_factory.mktemp("region")
    data = write_region(base)
    warehouse = base / "w" / "lagesbild.duckdb"
    with pytest.MonkeyPatch.context() as monkeypatch:
        result = materialise(data, warehouse, monkeypatch)
        assert result.success, [e.message for e in result.all_events if e.is_failure]
        before = counts_by_code(warehouse)
        again = materialise(data, warehouse, monkeypatch)
        assert again.success
    return data, warehouse, before, again


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    """The sample alone, as a single-municipality data dir."""
    base = tmp_path_factory.mktemp("single")
    warehouse = base / "w" / "lagesbild.duckdb"
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert materialise(SAMPLE, warehouse, monkeypatch).success
    return warehouse


def test_every_raw_row_carries_the_folder_of_its_file(region):
    data, warehouse, _, _ = region
    rows = query(warehouse, " union all ".join(
        f"select distinct _kommun_code, split_part(_source_file, '/', 1) || '/' || split_part(_source_file, '/', 2) "
        f"from raw.{table}" for table in FILE_SOURCES))
    for code, prefix in rows:
        expected = {"kommuner/0382-osthammar": "0382", "kommuner/0360-tierp": "0360"}.get(prefix)
        assert code == expected, (code, prefix)  # a file at the root: null
    counts = counts_by_code(warehouse)
    assert counts[("police_events", None)] > 0 and ("police_events", "0382") not in counts
    assert counts[("police_bra", None)] > 0
    assert counts[("partner_reports", "0360")] > 0 and counts[("survey_responses", "0360")] > 0
    audit = query(warehouse, "select distinct kommun_code, source_file like 'kommuner/0360-tierp/%' "
                             "from audit.loaded_files where source_file like 'kommuner/%'")
    assert sorted(audit, key=str) == sorted([("0382", False), ("0360", True)], key=str)


def test_the_same_file_in_two_folders_loads_once_per_municipality(region):
    _, warehouse, _, _ = region
    per_code = dict(query(warehouse, """
        select _kommun_code, count(*) from raw.partner_reports
        where _source_file like '%/partners/skolor_2024.csv' group by all"""))
    assert set(per_code) == {"0382", "0360"} and per_code["0382"] == per_code["0360"] > 0
    loaded = query(warehouse, "select kommun_code from audit.loaded_files "
                              "where source_file like '%/partners/skolor_2024.csv' order by 1")
    assert loaded == [("0360",), ("0382",)]
    surveys = dict(query(warehouse, """
        select _kommun_code, count(*) from raw.survey_responses
        where _source_file like '%/surveys/pulsenkat_2024_var.csv' group by all"""))
    assert surveys["0382"] == surveys["0360"] > 0


def test_loading_again_changes_nothing(region):
    _, warehouse, before, again = region
    assert counts_by_code(warehouse) == before
    metadata = {
        e.asset_key.path[-1]: e.materialization.metadata for e in again.get_asset_materialization_events()
        if "files_found" in e.materialization.metadata
    }
    for table in FILE_SOURCES:
        assert metadata[table]["rows_loaded"].value == 0, table
        assert metadata[table]["files_loaded"].value == 0, table
    assert query(warehouse, "select count(*) from audit.loaded_files") == query(
        warehouse, "select count(distinct (file_sha256, kommun_code)) from audit.loaded_files")


def test_shared_extract_keeps_municipalities_and_rejects_what_is_none(region):
    _, warehouse, _, _ = region
    kept = query(warehouse, """select _source_row, kommun_text, area from raw.police_local
                               where _source_file = 'police/local/gemensamt.csv' order by 1""")
    assert kept == [(2, "Tierp", "Tierp"), (3, "Tierps kommun", "Ronja"), (4, "0360", "Tierp"),
                    (5, "Östhammars kommun", "Gimo"), (6, "Heby", "Heby")]
    assert query(warehouse, "select distinct _kommun_code from raw.police_local "
                            "where _source_file = 'police/local/gemensamt.csv'") == [(None,)]
    rejected = dict(query(warehouse, """select source_row, reason from audit.rejected_rows
                                        where source_file = 'police/local/gemensamt.csv'"""))
    assert set(rejected) == {7, 8, 9, 10}
    assert rejected[7].startswith("Okänd kommun 'Uppsala län' i kolumnen Kommun")
    assert rejected[10] == ("Okänd kommun 'Polisområde Nord' i kolumnen Kommun. Ange kommunens namn (som Östhammar "
                            "eller Östhammars kommun) eller kommunkoden med fyra siffror (som 0382).")
    assert rejected[8].startswith("Okänd kommun 'Osthamar' i kolumnen Kommun – menade du 'Östhammar'?")
    assert rejected[9] == "Kommun saknas: i ett gemensamt utdrag måste varje rad ange sin kommun."
    assert query(warehouse, "select distinct kommun_code from audit.rejected_rows "
                            "where source_file = 'police/local/gemensamt.csv'") == [(None,)]


def test_shared_extract_without_kommun_column_is_a_failed_file(region):
    _, warehouse, _, _ = region
    failed = query(warehouse, """select source_row, reason from audit.rejected_rows
                                 where source_file = 'police/local/utan_kommun.csv'""")
    assert len(failed) == 1 and failed[0][0] is None
    assert "ingen kolumn Kommun" in failed[0][1] and "gemensamt utdrag" in failed[0][1]
    assert query(warehouse, "select count(*) from raw.police_local "
                            "where _source_file = 'police/local/utan_kommun.csv'") == [(0,)]


def test_a_municipalitys_own_extract_may_name_others(region):
    _, warehouse, _, _ = region
    rows = query(warehouse, """select kommun_text, area, _kommun_code from raw.police_local
                               where _source_file = 'kommuner/0360-tierp/police/local/egen.csv' order by _source_row""")
    assert rows == [("Tierp", "Tierp", "0360"), ("Östhammar", "Gimo", "0360"), (None, "Tierp", "0360")]
    # a file without the column: kommun_text null
    assert query(warehouse, """select count(*), count(kommun_text) from raw.police_local
                               where _source_file like 'kommuner/0382-osthammar/%'""")[0][1] == 0


def test_redaction_protects_each_municipalitys_own_names(region):
    _, warehouse, _, _ = region
    assert query(warehouse, "select area_text, place, description from raw.partner_reports "
                            "where _source_file = 'kommuner/0360-tierp/partners/tierp.csv'") == [
        ("Ronja", "Karlholms hamn", "Klotter i Ronja, [namn] såg det")]
    areas = dict(query(warehouse, "select _source_file, area from raw.police_local where _source_row = 2 and "
                                  "_source_file in ('kommuner/0382-osthammar/police/local/ronja.csv', "
                                  "'police/local/gemensamt.csv')"))
    # Östhammar's own file does not know Tierp's area; the shared file knows every municipality's
    assert areas["kommuner/0382-osthammar/police/local/ronja.csv"] == "[namn]"
    assert query(warehouse, "select area from raw.police_local where _source_file = 'police/local/gemensamt.csv' "
                            "and _source_row = 3") == [("Ronja",)]
    assert query(warehouse, "select kommun_code, note from raw.action_updates where kommun_code = '0360'") == [
        ("0360", "Lugnt i Ronja, [namn] ringde")]


def test_configuration_is_stored_per_municipality(region):
    _, warehouse, _, _ = region
    assert query(warehouse, "select kommun_code, name from raw.config_municipality order by 1") == [
        ("0360", "Tierp"), ("0382", "Östhammar")]
    for table in ("config_area_names", "config_area_population", "config_survey_questions",
                  "config_survey_scale_labels", "config_pledges", "actions", "action_updates"):
        codes = {code for (code,) in query(warehouse, f"select distinct kommun_code from raw.{table}")}
        assert codes == {"0360", "0382"}, table  # the sample has an action plan too
    assert query(warehouse, "select kommun_code, area_id from raw.config_area_names where label = 'Ronja'") == [
        ("0360", "ronja")]
    assert query(warehouse, "select kommun_code, pledge_id from raw.config_pledges where kommun_code = '0360'") == [
        ("0360", "2025-t2-snatteri-tierp")]


def test_alone_and_in_the_region_the_same_files_give_the_same_rows(region, single):
    """The sample's files give Östhammar the same raw rows alone as in the region (the shared
    events and BRÅ moved to the root); in a single data dir every row is Östhammar's."""
    _, warehouse, _, _ = region
    alone = counts_by_code(single)
    assert {code for (_, code) in alone} == {"0382"}
    in_region = counts_by_code(warehouse)
    extra = {"police_local": 1}  # the ronja.csv written into Östhammar's folder
    for table in ("partner_reports", "survey_responses", "police_local"):
        assert in_region[(table, "0382")] == alone[(table, "0382")] + extra.get(table, 0), table
    for table in ("police_events", "police_bra"):
        assert in_region[(table, None)] == alone[(table, "0382")], table
    assert query(single, "select distinct kommun_code from audit.loaded_files") == [("0382",)]
    assert query(single, "select count(*) from raw.police_local where kommun_text is not null") == [(0,)]


def test_a_warehouse_from_before_kommun_code_does_not_load_its_files_again(tmp_path, monkeypatch, single):
    """An existing warehouse (no kommun_code columns): its files count as loaded, its rows are adopted."""
    warehouse = tmp_path / "old.duckdb"
    shutil.copy(single, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        before = con.execute("select count(*) from raw.partner_reports").fetchall()
        for table, column in (("audit.loaded_files", "kommun_code"), ("audit.rejected_rows", "kommun_code"),
                              ("raw.partner_reports", "_kommun_code"), ("raw.police_local", "_kommun_code")):
            con.execute(f"alter table {table} drop column {column}")
    result = materialise(SAMPLE, warehouse, monkeypatch, [partner_reports, police_local])
    assert result.success
    metadata = {e.asset_key.path[-1]: e.materialization.metadata for e in result.get_asset_materialization_events()}
    assert metadata["partner_reports"]["files_loaded"].value == 0
    assert metadata["police_local"]["files_loaded"].value == 0
    assert query(warehouse, "select count(*) from raw.partner_reports") == before
    assert query(warehouse, "select distinct _kommun_code from raw.partner_reports") == [("0382",)]
    assert query(warehouse, "select distinct kommun_code from audit.loaded_files "
                            "where source_kind in ('partners', 'police_local')") == [("0382",)]


def test_two_folders_with_one_code_fail_with_a_swedish_error_naming_the_folder(tmp_path, monkeypatch):
    data = tmp_path / "region"
    write(data / "kommuner" / "0360-tierp" / "municipality.yaml", TIERP_YAML)
    write(data / "kommuner" / "0360-tierp-gammal" / "municipality.yaml", TIERP_YAML)
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data))
    with pytest.raises(ConfigError) as caught:
        load_municipalities(municipality_dirs(data))
    assert str(caught.value) == (
        'kommuner/0360-tierp-gammal/municipality.yaml: fältet "code": kommunkoden "0360" finns redan i '
        "kommuner/0360-tierp/; varje kommun ska ha en enda mapp"
    )
    result = materialise(data, tmp_path / "w.duckdb", monkeypatch, [municipality_config])
    assert not result.success
    (failure,) = result.get_step_failure_events()
    assert "finns redan i kommuner/0360-tierp/" in failure.step_failure_data.error.to_string()


def test_a_code_that_is_no_municipality_and_a_broken_file_are_named(tmp_path, monkeypatch):
    data = tmp_path / "region"
    write(data / "kommuner" / "0360-tierp" / "municipality.yaml", TIERP_YAML.replace('"0360"', '"0390"'))
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data))
    with pytest.raises(ConfigError) as caught:
        load_municipalities(municipality_dirs(data))
    assert str(caught.value) == ('kommuner/0360-tierp/municipality.yaml: fältet "code": "0390" är ingen svensk '
                                 'kommunkod; Tierp har kommunkoden "0360"')
    write(data / "kommuner" / "0360-tierp" / "municipality.yaml", TIERP_YAML)
    write(data / "kommuner" / "0382-osthammar" / "municipality.yaml", 'code: "0382"\nname: Östhammar\n')
    with pytest.raises(ConfigError) as caught:
        load_municipalities(municipality_dirs(data))
    assert str(caught.value).startswith("kommuner/0382-osthammar/municipality.yaml")
    assert "areas" in str(caught.value)
