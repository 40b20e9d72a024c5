"""The reference loaders (DATA-CONTRACT §7): json-stat2 as SCB writes it and Kolada v3 pages; what
cannot be used is a rejected row or a failed file with a Swedish reason, never a crash."""

import json
from datetime import datetime

import pytest

from pipelines.ingest import kolada_kpis, kolada_values, scb_population
from pipelines.ingest.common import BadFileError
from tests.conftest import REPO

FIXTURE = REPO / "tests" / "fixtures" / "connectors" / "scb_tab638.json"


def write(tmp_path, name: str, data) -> object:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def test_json_stat2_cells_in_row_major_order_with_the_fetch_time(tmp_path):
    path = write(tmp_path, "TAB638_20260901T120000Z.json", json.loads(FIXTURE.read_text(encoding="utf-8")))
    parsed = scb_population.parse(path)
    rows = parsed.rows[["region_code", "year", "value"]].values.tolist()
    assert rows == [["0382", 2023, 22355.0], ["0382", 2024, 22370.0], ["0360", 2023, 21583.0], ["0360", 2024, 21650.0]]
    assert set(parsed.rows["fetched_at"]) == {datetime(2026, 9, 1, 12, 0)} and set(parsed.rows["table_id"]) == {"TAB638"}


def test_json_stat2_index_as_a_list_values_as_an_object_and_a_missing_figure(tmp_path):
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    data["dimension"]["Tid"]["category"]["index"] = ["2023", "2024"]
    data["value"], data["status"] = {"0": 22355, "1": 22370, "2": 21583}, {"3": ".."}
    parsed = scb_population.parse(write(tmp_path, "hand.json", data))
    assert len(parsed.rows) == 3 and parsed.rows["fetched_at"].isna().all()
    (rejected,) = parsed.rejections
    assert rejected.source_row == 4 and rejected.reason == "SCB har inget värde för Tierp (0360), Folkmängd, år 2024 (status '..')."


@pytest.mark.parametrize("change, reason", [
    (lambda d: d.update(value=[1, 2, 3]), "Filen har 3 värden men tabellens storlek är 4 celler."),
    (lambda d: (d["id"].insert(1, "Kon"), d["size"].insert(1, 1)), "Tabellen har fler variabler än Region, ContentsCode och Tid (Kon)"),
    (lambda d: d.pop("dimension"), "Filen är inte json-stat2"),
])
def test_a_file_scb_did_not_write_that_way_fails_with_its_reason(tmp_path, change, reason):
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    change(data)
    with pytest.raises(BadFileError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        scb_population.parse(write(tmp_path, "x.json", data))
    with pytest.raises(BadFileError, match="inte giltig JSON"):
        scb_population.parse(write(tmp_path, "y.json", "{not json"))


def test_kolada_page_values_and_reasons(tmp_path):
    page = {"count": 4, "next_url": None, "values": [
        {"kpi": "N07403", "municipality": "0382", "period": 2024,
         "values": [{"gender": "T", "value": 498.5, "status": "", "isdeleted": False},
                    {"gender": "K", "value": None, "status": "Saknas", "isdeleted": False}]},
        {"kpi": "N07403", "municipality": "Östhammar", "period": 2024, "values": []},
        {"kpi": "N07403", "municipality": "0003", "period": "2024", "values": [{"gender": "T", "value": 1.0, "isdeleted": True}]},
    ]}
    parsed = kolada_values.parse(write(tmp_path, "20261201T080001Z.json", page))
    assert parsed.rows[["kpi_id", "municipality_id", "year", "gender", "value"]].values.tolist() == [
        ["N07403", "0382", 2024, "T", 498.5]]
    assert [(r.source_row, r.reason) for r in parsed.rejections] == [
        (1, "Kolada har inget värde för N07403, område 0382, år 2024, kön K (status 'Saknas')."),
        (2, "Kolada: området 'Östhammar' är ingen kommun-, läns- eller rikskod (fyra siffror)."),
        (3, "Kolada har tagit bort värdet (N07403, område 0003, år 2024, kön T)."),
    ]


def test_kpi_titles_belong_in_their_own_folder(tmp_path):
    titles = {"count": 1, "next_url": None, "values": [{"id": "N07403", "title": "Anmälda våldsbrott"}]}
    with pytest.raises(BadFileError, match="reference/kolada/kpi/"):
        kolada_values.parse(write(tmp_path, "a.json", titles))
    assert kolada_kpis.parse(write(tmp_path, "b.json", titles)).rows[["kpi_id", "title"]].values.tolist() == [
        ["N07403", "Anmälda våldsbrott"]]
