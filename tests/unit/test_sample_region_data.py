"""data/sample-region (DATA-CONTRACT §6): what data/generate_region.py wrote, read with the
project's own loaders. The pipeline run on it is tested in the integration tests."""

from __future__ import annotations

import csv
import filecmp
import hashlib
import importlib
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipelines import layout
from pipelines.config import load_municipality, load_pledges, load_questions
from pipelines.ingest import partners, police_bra, police_events, police_local, surveys

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
REGION = REPO / "data" / "sample-region"
SEEDS = REPO / "dbt_project" / "seeds"
OSTHAMMAR = REGION / "kommuner" / "0382-osthammar"


def _generator():
    sys.path.insert(0, str(REPO / "data"))
    try:
        return importlib.import_module("generate_region")
    finally:
        sys.path.remove(str(REPO / "data"))


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_committed_region_is_the_generators_output(tmp_path):
    _generator().generate(tmp_path / "region", SAMPLE)
    assert _tree(tmp_path / "region") == _tree(REGION), "run .venv/bin/python data/generate_region.py"


def test_osthammar_folder_is_the_sample_byte_for_byte_and_shared_sources_moved_to_the_root():
    own = {k: v for k, v in _tree(SAMPLE).items() if not k.startswith("police/events/") and not k.startswith("police/bra/")
           and k != "SYNTHETIC.md"}
    assert _tree(OSTHAMMAR) == own
    assert _tree(REGION / "police" / "events") == _tree(SAMPLE / "police" / "events")
    assert _tree(REGION / "police" / "bra") == _tree(SAMPLE / "police" / "bra")
    assert not (OSTHAMMAR / "police" / "events").exists() and not (OSTHAMMAR / "police" / "bra").exists()


def test_three_municipalities_whose_configuration_validates():
    dirs = layout.municipality_dirs(REGION)
    assert layout.is_region(REGION)
    assert [(d.code, d.name, d.output_name) for d in dirs] == [
        ("0319", "Älvkarleby", "0319-alvkarleby"), ("0360", "Tierp", "0360-tierp"), ("0382", "Östhammar", "0382-osthammar")]
    seed_codes = {r["kommun_code"] for r in csv.DictReader((SEEDS / "kommuner.csv").open(encoding="utf-8"))}
    areas = {}
    for entry in dirs:
        municipality = load_municipality(entry.municipality_file)
        assert municipality.code == entry.code and municipality.code in seed_codes
        assert load_pledges(entry.pledges_file, municipality)
        assert load_questions(entry.questions_file).questions
        areas[entry.code] = {a.id for a in municipality.areas}
    # an area id is unique only within its municipality: the region has one in two of them
    assert areas["0360"] & areas["0319"] == {"landsbygd"}


def _parse_all(folder: Path, parse, patterns=("*.csv", "*.xlsx")):
    files = sorted(p for pattern in patterns for p in folder.glob(pattern))
    assert files, folder
    return {p.name: parse(p) for p in files}


@pytest.mark.parametrize("code", ["0360", "0319"])
def test_neighbours_files_load_with_only_the_planted_rows_rejected(code):
    entry = next(d for d in layout.municipality_dirs(REGION) if d.code == code)
    municipality = load_municipality(entry.municipality_file)
    planted = {(p, int(line)) for p, line in _planted(entry.prefix)}
    rejected = set()
    loaded = 0
    parse_survey = surveys.make_parser(load_questions(entry.questions_file))
    for folder, parse in ((entry.source_dir("partners"), partners.parse), (entry.source_dir("surveys"), parse_survey)):
        for name, parsed in _parse_all(folder, parse).items():
            loaded += len(parsed.rows)
            rejected |= {(f"{folder.name}/{name}", r.source_row) for r in parsed.rejections}
    assert rejected == planted and loaded > 500
    # partners' area texts match the municipality's areas (a few unknown spellings at most)
    names = {n.casefold() for a in municipality.areas for n in [a.name, *a.aliases]}
    texts = pd.concat([p.rows for p in _parse_all(entry.source_dir("partners"), partners.parse).values()])["area_text"]
    assert texts.str.strip().str.casefold().isin(names).mean() > 0.99


def _planted(prefix: str):
    """(file relative to the municipality folder, line) of SYNTHETIC.md's planted defects under `prefix`."""
    for line in (REGION / "SYNTHETIC.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip().strip("`") for c in line.split("|")[1:-1]]
        if len(cells) == 6 and cells[2].isdigit() and cells[0].startswith(prefix) and prefix:
            yield cells[0][len(prefix):], cells[2]


def _kommun_keys() -> dict[str, str]:
    keys = {}
    for r in csv.DictReader((SEEDS / "kommuner.csv").open(encoding="utf-8")):
        for spelling in (r["kommun_name"], f'{r["kommun_name"]} kommun', r["kommun_code"]):
            keys[spelling.casefold()] = r["kommun_code"]
    return keys


def _shared_rows() -> pd.DataFrame:
    """Every data row of the shared extracts (as the reader sees it) with its Kommun resolved to a
    code (None: unknown), and whether the loader kept it (`loaded`, with its parsed values)."""
    keys = _kommun_keys()
    frames = []
    for path in sorted((REGION / "police" / "local").glob("*.*")):
        table = police_local.read_table(path, expected_columns=[*police_local.HEADER, "Kommun"])
        kommun_at = table.column_index("Kommun")
        lines = pd.DataFrame({"_source_row": table.row_numbers,
                              "kommun_text": [cells[kommun_at] for cells in table.rows]})
        parsed = police_local.parse(path)
        # a row naming an unknown municipality may be rejected (DATA-CONTRACT §6); nothing else is
        unknown_lines = set(lines.loc[~lines["kommun_text"].str.casefold().isin(keys), "_source_row"])
        assert {r.source_row for r in parsed.rejections} <= unknown_lines, path.name
        frame = lines.merge(parsed.rows.drop(columns=["kommun_text"], errors="ignore"), on="_source_row",
                            how="left", indicator=True)
        frame["loaded"] = frame.pop("_merge") == "both"
        frame["file"] = path.name
        frame["kommun_code"] = frame["kommun_text"].str.casefold().map(keys)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def test_shared_extract_says_whose_each_row_is_and_includes_heby_which_is_not_configured():
    rows = _shared_rows()
    unknown = rows[rows["kommun_code"].isna()]
    # the one planted unknown municipality (DATA-CONTRACT §6: ingest rejects it), nothing else
    assert unknown["kommun_text"].tolist() == ["Tierpp"]
    known = rows.dropna(subset=["kommun_code"])
    assert known["loaded"].all()
    assert set(known["kommun_code"]) == {"0360", "0319", "0331", "0382"}
    configured = {d.code for d in layout.municipality_dirs(REGION)}
    assert "0331" not in configured and (known["kommun_code"] == "0331").sum() > 1000
    assert {"Tierp", "0360", "Tierp kommun"} <= set(known["kommun_text"])  # names, codes and 'X kommun'
    # every month of 2023-01 .. 2026-08 has Tierp and Älvkarleby rows
    for code in ("0360", "0319"):
        months = set(known.loc[known["kommun_code"] == code, "month"].map(lambda d: d.strftime("%Y-%m")))
        assert len(months) == 44 and min(months) == "2023-01" and max(months) == "2026-08"


def test_osthammar_rows_of_the_shared_extract_are_its_own_newest_extracts_rows():
    """Östhammar's numbers are the same alone and in the region whichever of the two files wins."""
    rows = _shared_rows()
    shared = rows[rows["kommun_code"] == "0382"]
    assert set(shared["file"]) == {"lokalpolisomrade_norduppland_2026-08.csv"}
    own = police_local.parse(OSTHAMMAR / "police" / "local" / "lokalpolis_osthammar_2026-08.csv").rows
    columns = ["month", "area", "category", "reported_count", "suppressed"]

    def key(frame):
        return frame[columns].astype(str).sort_values(columns).reset_index(drop=True)

    pd.testing.assert_frame_equal(key(shared), key(own))
    assert shared["suppressed"].sum() > 0


def test_police_events_and_bra_at_the_root_load():
    events = _parse_all(REGION / "police" / "events", police_events.parse, ("*.json",))
    assert sum(len(p.rows) for p in events.values()) > 2000
    bra = _parse_all(REGION / "police" / "bra", police_bra.parse, ("*.csv",))
    assert all(not p.rejections for p in bra.values()) and len(bra) == 7


def test_region_documents_its_synthetic_files():
    text = (REGION / "SYNTHETIC.md").read_text(encoding="utf-8")
    for path in (REGION / "kommuner" / "0360-tierp").rglob("*.*"):
        if path.name not in ("municipality.yaml", "pledges.yaml"):
            assert f"`kommuner/0360-tierp/{path.relative_to(REGION / 'kommuner' / '0360-tierp').as_posix()}`" in text
    assert "Heby" in text and "landsbygd" in text and filecmp.cmp(
        OSTHAMMAR / "police" / "local" / "lokalpolis_osthammar_2026-08.csv",
        SAMPLE / "police" / "local" / "lokalpolis_osthammar_2026-08.csv", shallow=False)
