"""actions.yaml (DATA-CONTRACT §2.7): validated against the taxonomy, municipality.yaml and
pledges.yaml, with Swedish messages; loaded into raw.actions and raw.action_updates with
notes redacted, lineage, and nothing changed by loading the same bytes again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipelines.config import ConfigError, load_actions, load_municipality, load_pledges
from pipelines.ingest.actions import write_actions
from pipelines.warehouse import connect

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"

# The contract's example, on the sample municipality (Söderön is not one of its areas: Gräsö is).
GOOD = """\
- id: batmotorer-graso-2025
  title: "Märkning av båtmotorer och nattpatrull vid Gräsös bryggor"
  owner: Polisen
  pledge: 2025-t2-snatteri
  category: stold
  areas: [graso]
  start: 2025-05-01
  end: 2025-08-31
  target: {measure: "nattpatruller", count: 12}
  updates:
    - {date: 2025-06-15, status: pågår, done: 5, note: "5 patruller, ring 070-123 45 67"}
    - {date: 2025-09-02, status: genomförd, done: 13}
"""
ACTION = 'actions.yaml, åtgärd 1 "batmotorer-graso-2025"'
CATEGORIES = ("kategorier: stold (Stöld), inbrott (Inbrott), snatteri (Snatteri), skadegorelse (Skadegörelse och "
              "klotter), hot_vald (Hot och våld), social_oro (Social oro och ordningsstörning), narkotika (Narkotika), "
              "vapen (Vapen och skjutningar), eller ett alias ur kategorilistan")


@pytest.fixture(scope="module")
def municipality():
    return load_municipality(SAMPLE / "municipality.yaml")


@pytest.fixture(scope="module")
def pledges(municipality):
    return load_pledges(SAMPLE / "pledges.yaml", municipality)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(tmp_path))
    return tmp_path


def write(folder: Path, text: str) -> Path:
    path = folder / "actions.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_contract_example(data_dir, municipality, pledges):
    (action,) = load_actions(write(data_dir, GOOD), municipality, pledges)
    assert (action.id, action.pledge, action.areas, action.start, action.end) == (
        "batmotorer-graso-2025", "2025-t2-snatteri", ["graso"], dt.date(2025, 5, 1), dt.date(2025, 8, 31))
    assert (action.target.measure, action.target.count) == ("nattpatruller", 12)
    assert [(u.date, u.status, u.done) for u in action.updates] == [
        (dt.date(2025, 6, 15), "pågår", 5), (dt.date(2025, 9, 2), "genomförd", 13)]


def test_optional_fields_and_an_absent_or_empty_file(data_dir, municipality, pledges):
    minimal = "- {id: a, title: T, owner: Kommunen, category: Snatteri, areas: [gimo], start: 2026-01-10}\n"
    (action,) = load_actions(write(data_dir, minimal), municipality, pledges)
    assert (action.pledge, action.end, action.target, action.updates) == (None, None, None, [])
    assert load_actions(data_dir / "absent.yaml", municipality, pledges) == []
    assert load_actions(write(data_dir, "# inga åtgärder än\n"), municipality, pledges) == []


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("status: pågår", "status: pagar",
         f'{ACTION}, uppdatering 1, rad 11: fältet "status": okänd status "pagar" – menade du "pågår"? '
         "(en av: planerad, pågår, genomförd, inställd)"),
        ("done: 5", "done: -5", f'{ACTION}, uppdatering 1, rad 11: fältet "done" ska vara minst 0, inte "-5"'),
        ("date: 2025-09-02", "date: 2025-09-31",
         f'{ACTION}, uppdatering 2, rad 12: fältet "date" ska vara ett giltigt datum som 2025-05-01 (ÅÅÅÅ-MM-DD), '
         'inte "2025-09-31"'),
        ("date: 2025-09-02", "datum: 2025-09-02",
         f'{ACTION}, uppdatering 2, rad 12: fältet "date" saknas\n'
         f'{ACTION}, uppdatering 2, rad 12: okänt fält "datum" – menade du "date"?'),
        ("end: 2025-08-31", "end: 2025-04-30",
         f'{ACTION}, rad 8: fältet "end": slutdatum 2025-04-30 ligger före startdatum 2025-05-01'),
        ("start: 2025-05-01", "start: 1 maj 2025",
         f'{ACTION}, rad 7: fältet "start" ska vara ett giltigt datum som 2025-05-01 (ÅÅÅÅ-MM-DD), inte "1 maj 2025"'),
        ("pledge: 2025-t2-snatteri", "pledge: 2025-t2-snateri",
         f'{ACTION}, rad 4: fältet "pledge": okänt löfte "2025-t2-snateri" – menade du "2025-t2-snatteri"? '
         "(löften i pledges.yaml: 2025-t2-snatteri, 2025-t3-skadegorelse-gimo, 2025-t3-narkotika)"),
        ("category: stold", "category: klottret",
         f'{ACTION}, rad 5: fältet "category": okänd kategori "klottret" – menade du "klotter"? ({CATEGORIES})'),
        ("areas: [graso]", "areas: [grasö]",
         f'{ACTION}, rad 6: fältet "areas" (nr 1) ska bestå av små bokstäver a–z, siffror och _ (inga å, ä, ö, stora '
         'bokstäver eller mellanslag), inte "grasö" – till exempel "graso"'),
        ("areas: [graso]", "areas: [soderon]",
         f'{ACTION}, rad 6: fältet "areas": okänt område "soderon" (områden i municipality.yaml: osthammar, gimo, '
         "alunda, osterbybruk, oregrund, hargshamn, dannemora, graso, forsmark, valo_borstil, morkarla_ekeby, "
         "skafthammar_hokhuvud och 1 till)"),
        ("count: 12", "count: tolv", f'{ACTION}, rad 9: fältet "target.count" ska vara ett heltal, inte "tolv"'),
        ("{measure: \"nattpatruller\", count: 12}", "12 nattpatruller",
         f'{ACTION}, rad 9: fältet "target" ska bestå av fält som measure:, count:, inte "12 nattpatruller"'),
        ("  owner: Polisen\n", "  ansvarig: Polisen\n",
         f'{ACTION}, rad 1: fältet "owner" saknas\n{ACTION}, rad 3: okänt fält "ansvarig" – menade du "owner"?'),
        ("  title: \"Märkning av båtmotorer och nattpatrull vid Gräsös bryggor\"\n", "  title: \" \"\n",
         f'{ACTION}, rad 2: fältet "title" får inte vara tomt'),
    ],
)
def test_broken_actions_say_file_measure_line_and_field_in_swedish(data_dir, municipality, pledges, old, new, message):
    assert old in GOOD
    with pytest.raises(ConfigError) as error:
        load_actions(write(data_dir, GOOD.replace(old, new)), municipality, pledges)
    assert str(error.value) == message


def test_ids_are_unique_and_the_file_is_a_list(data_dir, municipality, pledges):
    with pytest.raises(ConfigError) as error:
        load_actions(write(data_dir, GOOD + GOOD), municipality, pledges)
    assert str(error.value) == (
        'actions.yaml, åtgärd 2 "batmotorer-graso-2025", rad 13: fältet "id": "batmotorer-graso-2025" finns redan '
        "(åtgärd 1)"
    )
    with pytest.raises(ConfigError) as error:
        load_actions(write(data_dir, "id: x\ntitle: y\n"), municipality, pledges)
    assert str(error.value) == (
        'actions.yaml: filen ska vara en lista av åtgärder, där varje åtgärd börjar med en rad "- id: …"'
    )


def test_unchecked_references_when_the_other_file_is_broken(data_dir, municipality):
    """With pledges.yaml or municipality.yaml broken, the file is still checked on its own."""
    unknown = GOOD.replace("pledge: 2025-t2-snatteri", "pledge: nytt-lofte").replace("[graso]", "[nytt_omrade]")
    assert len(load_actions(write(data_dir, unknown), None, None)) == 1
    with pytest.raises(ConfigError, match="okänt område"):
        load_actions(write(data_dir, unknown), municipality, None)


def loaded(con):
    return (
        con.execute("select action_id, title, owner, pledge_id, category_text, area_ids, start_date, end_date, "
                    "target_measure, target_count, sort_order, _source_file, _source_row, _loaded_at "
                    "from raw.actions order by sort_order").fetchall(),
        con.execute("select action_id, update_no, update_date, status, done, note, _source_row, _loaded_at "
                    "from raw.action_updates order by action_id, update_no").fetchall(),
    )


def test_loaded_with_notes_redacted_lineage_and_same_bytes_changing_nothing(tmp_path, municipality, pledges):
    data = tmp_path / "data"
    data.mkdir()
    path = write(data, GOOD.replace('title: "Märkning', 'title: "=Märkning'))
    with connect(tmp_path / "w.duckdb") as con:
        assert write_actions(con, path, data, load_actions(path, municipality, pledges))["changed"]
        actions, updates = loaded(con)
        loaded_at = actions[0][-1]
        assert [row[:-1] for row in actions] == [(
            "batmotorer-graso-2025", "'=Märkning av båtmotorer och nattpatrull vid Gräsös bryggor", "Polisen",
            "2025-t2-snatteri", "stold", ["graso"], dt.date(2025, 5, 1), dt.date(2025, 8, 31), "nattpatruller", 12,
            1, "actions.yaml", 1,
        )]
        assert [row[:-1] for row in updates] == [
            ("batmotorer-graso-2025", 1, dt.date(2025, 6, 15), "pågår", 5, "5 patruller, ring [telefon]", 11),
            ("batmotorer-graso-2025", 2, dt.date(2025, 9, 2), "genomförd", 13, None, 12),
        ]
        sha = con.execute("select distinct _file_sha256 from raw.action_updates").fetchall()

        # the same bytes again: nothing changes, not even _loaded_at
        assert not write_actions(con, path, data, load_actions(path, municipality, pledges))["changed"]
        assert loaded(con) == (actions, updates)

        # a new version replaces the old one whole
        second = "- {id: b, title: T, owner: Kommunen, category: klotter, areas: [gimo], start: 2026-01-10}\n"
        write(data, GOOD + second)
        write_actions(con, path, data, load_actions(path, municipality, pledges))
        actions2, updates2 = loaded(con)
        assert [(a[0], a[10], a[12]) for a in actions2] == [("batmotorer-graso-2025", 1, 1), ("b", 2, 13)]
        assert len(updates2) == 2 and con.execute(
            "select distinct _file_sha256 from raw.action_updates").fetchall() != sha

        # the file removed: no measures
        path.unlink()
        write_actions(con, path, data, load_actions(path, municipality, pledges))
        assert loaded(con) == ([], [])
    assert loaded_at is not None


def test_notes_lose_names_and_free_text_off_stores_none(tmp_path, municipality, pledges, monkeypatch):
    """Action notes are free text (DATA-CONTRACT §5): names redacted; LAGESBILD_FREE_TEXT=off: null."""
    note = '5 patruller, ring 070-123 45 67'
    text = GOOD.replace(note, "Vittnet Stig såg Anna Svensson vid Storgatan 12")
    for setting, expected in (("on", "Vittnet [namn] såg [namn] vid [adress]"), ("off", None)):
        monkeypatch.setenv("LAGESBILD_FREE_TEXT", setting)
        data = tmp_path / setting
        data.mkdir()
        path = write(data, text)
        with connect(tmp_path / f"{setting}.duckdb") as con:
            write_actions(con, path, data, load_actions(path, municipality, pledges))
            assert con.execute("select note from raw.action_updates order by update_no").fetchall()[0] == (expected,)
