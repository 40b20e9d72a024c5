"""The national benchmark's generator and measuring (tests/benchmarks/national.py), on a few
municipalities: the data it writes is a region data dir the project's own loaders read."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import pytest

from pipelines import layout
from pipelines.config import load_municipality, load_pledges, load_questions
from pipelines.ingest import partners, police_bra, police_local, surveys

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def national():
    sys.path.insert(0, str(REPO / "tests" / "benchmarks"))
    try:
        return importlib.import_module("national")
    finally:
        sys.path.remove(str(REPO / "tests" / "benchmarks"))


@pytest.fixture(scope="module")
def places(national):
    return national.kommuner()


def test_every_municipality_of_the_seed_with_an_approximate_population(places):
    assert len(places) == 290 and len({p.code for p in places}) == 290
    assert 9.5e6 < sum(p.population for p in places) < 11.5e6
    by_name = {p.name: p.population for p in places}
    assert by_name["Östhammar"] == 22300 and by_name["Stockholm"] > 500_000 and min(by_name.values()) >= 2400


def test_sizes_are_nested(national, places):
    small, medium = ({p.code for p in national.choose(places, n)} for n in (30, 100))
    assert len(small) == 30 and len(medium) == 100 and small < medium


def test_five_municipalities_load_with_the_projects_loaders(national, places, tmp_path):
    chosen = national.choose(places, 5)
    big = max(places, key=lambda p: p.population)
    chosen = sorted({*chosen, big}, key=lambda p: p.code)  # one with six areas
    info = national.generate(tmp_path / "data", chosen, events=False, bra_places=places)
    data = tmp_path / "data"
    dirs = layout.municipality_dirs(data)
    assert [d.code for d in dirs] == [p.code for p in chosen] and info["files"] > 6 * 10
    area_ids = []
    for entry in dirs:
        municipality = load_municipality(entry.municipality_file)
        assert 2 <= len(municipality.areas) <= 6
        area_ids.append({a.id for a in municipality.areas})
        assert load_pledges(entry.pledges_file, municipality)
        parse_survey = surveys.make_parser(load_questions(entry.questions_file))
        for folder, parse, least in (("partners", partners.parse, 8), ("surveys", parse_survey, 3),
                                     ("police/local", police_local.parse, 4)):
            files = sorted(entry.source_dir(folder).glob("*.csv"))
            assert len(files) >= least, (entry.code, folder)
            for path in files:
                parsed = parse(path)
                assert not parsed.rejections and len(parsed.rows), path
    assert len(max(area_ids, key=len)) == 6 and set.intersection(*area_ids) >= {"centralort", "landsbygd"}
    bra = sorted((data / "police" / "bra").glob("*.csv"))
    assert len(bra) == 7
    parsed = police_bra.parse(bra[-1])
    assert not parsed.rejections and len(parsed.rows) == 291  # every municipality and Hela landet


def test_generation_is_deterministic(national, places, tmp_path):
    chosen = national.choose(places, 2)
    for name in ("a", "b"):
        national.generate(tmp_path / name, chosen, events=False)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files and all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)


def test_measuring_helpers(national):
    assert national.STEP_LINE.match("  ok  dbt_models (10.7 s)").groups() == ("dbt_models", "10.7")
    assert national.group_of("raw.police_local") == "ingest" and national.group_of("marts_quality") == "checks"
    assert national.fit([(30, 40.0), (100, 75.0), (290, 170.0)]) == pytest.approx((25.0, 0.5))
    assert national.tree_rss(os.getpid()) > 10 * 2**20
