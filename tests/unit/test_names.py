"""One name normaliser: Python evaluates dbt's `normalise_name` macro in DuckDB, so the
loaders reject exactly the category texts dbt cannot map (DATA-CONTRACT §2.1, §3).

The old Python normaliser (casefold + NFKD, kept below as the reference of what was
wrong) disagreed with the macro on 'ß', full-width letters and ligatures: a row the
loader accepted could match nothing in dbt. tests/integration/test_names_dbt.py shows
the same decisions with the real dbt."""

from __future__ import annotations

import re
import unicodedata

import duckdb
import pytest

from pipelines import names
from pipelines.config import ConfigError, load_municipality
from pipelines.ingest import partners
from pipelines.ingest.taxonomy import is_known_category, known_categories
from pipelines.settings import DBT_PROJECT_DIR

HEADER = "Datum;Partner;Kategori;Område;Plats;Antal;Beskrivning"

# Texts on which the old Python normaliser and dbt's macro disagreed.
DISAGREED = {
    "Mißhandel": "misshandel",  # 'ß': casefold -> 'ss'; DuckDB's lower keeps 'ß'. Alias: misshandel
    "ＳＮＡＴＴＥＲＩ": "snatteri",  # full-width letters: NFKD -> ASCII; DuckDB keeps them
    "ﬁsk": "fisk",  # the 'fi' ligature: NFKD splits it; DuckDB keeps it
}
# Texts on which both agree (and that are known categories).
AGREED_KNOWN = ["Sto\u0308ld", "  SKADEGÖRELSE  ", "Hot  mot\tpersonal", "butiksstöld", "Snatteri"]


def old_python_normaliser(text: str) -> str:
    """The Python normaliser that used to decide what loaders reject (pipelines/config.py)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped).strip()


def test_the_sql_is_the_macro_of_the_dbt_project():
    assert names.MACRO_FILE == DBT_PROJECT_DIR / "macros" / "normalise.sql"
    assert names.macro_sql("normalise_name", "label") == (
        r"trim(regexp_replace(strip_accents(lower(label)), '\s+', ' ', 'g'))"
    )
    with pytest.raises(KeyError):
        names.macro_sql("no_such_macro", "x")


def test_examples_of_the_contract():
    assert names.normalise_names(["OREGRUND", "öregrund ", "Öregrund", None]) == ["oregrund"] * 3 + [None]
    assert names.normalise_name("  Gimo \n centrum ") == "gimo centrum"
    assert names.casefold_name(" Håbo  KOMMUN") == "håbo kommun"  # accents kept


@pytest.mark.parametrize("text", [*DISAGREED, *AGREED_KNOWN, "Ångström  Ø", "ÉÈÊ e\u0301"])
def test_python_gives_what_duckdb_gives_for_the_macro(text):
    sql = names.macro_sql("normalise_name", "?")
    with duckdb.connect() as con:
        assert names.normalise_name(text) == con.execute(f"select {sql}", [text]).fetchall()[0][0]


@pytest.mark.parametrize("text, old_key", list(DISAGREED.items()))
def test_where_the_old_normaliser_disagreed_the_loader_now_decides_as_dbt(text, old_key):
    assert old_python_normaliser(text) == old_key  # the old rule: a different key from dbt's
    assert names.normalise_name(text) != old_key  # the one rule: dbt's key
    dbt_matches = names.normalise_name(text) in _dbt_category_keys()
    assert is_known_category(text) == dbt_matches


def test_the_old_loader_accepted_rows_that_dbt_could_not_map():
    old_keys = {old_python_normaliser(s) for s in _seed_spellings()}
    dbt_keys = _dbt_category_keys()
    for text in ("Mißhandel", "ＳＮＡＴＴＥＲＩ"):
        assert old_python_normaliser(text) in old_keys  # accepted by the old loader ...
        assert names.normalise_name(text) not in dbt_keys  # ... but mapped to no category in dbt
        assert not is_known_category(text)  # now rejected by the loader, with a reason


def test_known_texts_agree_everywhere():
    keys = _dbt_category_keys()
    for text in AGREED_KNOWN:
        assert old_python_normaliser(text) == names.normalise_name(text)
        assert names.normalise_name(text) in keys
    assert known_categories(AGREED_KNOWN) == [True] * len(AGREED_KNOWN)
    assert known_categories([None, "", "   "]) == [False, False, False]


def test_the_partner_loader_rejects_what_dbt_cannot_map(tmp_path, monkeypatch):
    monkeypatch.setenv("LAGESBILD_AS_OF", "2026-09-01")
    path = tmp_path / "rapport.csv"
    lines = [f"2025-03-0{i + 1};ICA Gimo;{text};Gimo;Butiken;;x" for i, text in enumerate(["Mißhandel", "Sto\u0308ld"])]
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    parsed = partners.parse(path)
    assert [r.source_row for r in parsed.rejections] == [2]
    assert "Kategori 'Mißhandel' är ingen känd problemkategori – menade du 'Misshandel'?" in parsed.rejections[0].reason
    assert parsed.rows["category_text"].tolist() == ["Sto\u0308ld"]


def test_config_collisions_follow_the_same_rule(tmp_path):
    """Two area labels collide when dbt would give them the same key, and only then."""
    base = "code: '0382'\nname: Östhammar\nareas:\n"
    clash = tmp_path / "clash.yaml"
    clash.write_text(base + "  - {id: a, name: Öregrund}\n  - {id: b, name: ' OREGRUND'}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"område 2 \(OREGRUND\), rad 5: .* är också ett namn på område 1 \(Öregrund\)"):
        load_municipality(clash)
    distinct = tmp_path / "distinct.yaml"  # the old rule made 'Straße' and 'Strasse' one area; dbt does not
    distinct.write_text(base + "  - {id: a, name: Straße}\n  - {id: b, name: Strasse}\n", encoding="utf-8")
    assert [a.id for a in load_municipality(distinct).areas] == ["a", "b"]


_SEEDS = DBT_PROJECT_DIR / "seeds"
# Every spelling of a category, as int_category_keys lists them: id, Swedish name, aliases.
_SPELLINGS = f"""
    select category_id as spelling from read_csv('{_SEEDS / "problem_categories.csv"}', all_varchar = true)
    union all
    select name_sv from read_csv('{_SEEDS / "problem_categories.csv"}', all_varchar = true)
    union all
    select alias from read_csv('{_SEEDS / "category_aliases.csv"}', all_varchar = true)
"""


def _dbt_category_keys() -> set[str]:
    """int_category_keys as dbt builds it: the seeds' spellings through the macro, in DuckDB."""
    sql = names.macro_sql("normalise_name", "spelling")
    with duckdb.connect() as con:
        rows = con.execute(f"select distinct {sql} from ({_SPELLINGS}) as spellings").fetchall()
    return {key for (key,) in rows}


def _seed_spellings() -> list[str]:
    with duckdb.connect() as con:
        return [row[0] for row in con.execute(_SPELLINGS).fetchall()]
