"""The significance macros of dbt_project/macros/statistics.sql against scipy on a grid of
cases: the exact binomial test (indicators and count pledges) against
scipy.stats.binomtest, Fisher's exact test (survey-share pledges) against
scipy.stats.fisher_exact, and the rounding to 10 significant digits. The macros are compiled
by dbt (`dbt compile --inline`) and the SQL run on an in-memory DuckDB."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from scipy.stats import binomtest, fisher_exact

REPO = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).parent / "dbt"

BINOMIAL = [(k, n, p) for n in (1, 2, 5, 6, 16, 18, 40, 250) for k in sorted({0, 1, n // 3, n // 2, n - 1, n})
            for p in (0.5, 0.25, 0.75, 0.6)] + [(15, 18, 0.5), (12, 16, 0.5)]
FISHER = [(x1, n1, x2, n2) for n1, n2 in ((1, 1), (2, 9), (10, 20), (12, 20), (30, 30), (56, 68), (200, 150))
          for x1 in sorted({0, 1, n1 // 2, n1}) for x2 in sorted({0, n2 // 3, n2})]

INLINE = """
with binomial_cases as (
    select * from (values {binomial}) as t (k, n, p)
),
binomial_tests as (select * from binomial_cases where n > 0),
binomial as ({{{{ exact_binomial_p_values('binomial_tests') }}}}),
fisher_cases as (
    select * from (values {fisher}) as t (x1, n1, x2, n2)
),
fisher as ({{{{ fisher_exact_p_values('fisher_cases') }}}})
select 'binomial' as test, k as a, n as b, p as c, null::bigint as d,
       {{{{ round_significant('p_value') }}}} as p_value from binomial
union all
select 'fisher', x1, n1, null, n2 * 1000 + x2, {{{{ round_significant('p_value') }}}} from fisher
"""


@pytest.fixture(scope="module")
def computed(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("macros")
    sql = INLINE.format(
        binomial=", ".join(f"({k}::bigint, {n}::bigint, {p}::double)" for k, n, p in BINOMIAL),
        fisher=", ".join(f"({a}::bigint, {b}::bigint, {c}::bigint, {d}::bigint)" for a, b, c, d in FISHER),
    )
    result = subprocess.run(
        [str(DBT), "compile", "--quiet", "--inline", sql, "--profiles-dir", ".",
         "--target-path", str(base / "target"), "--log-path", str(base / "logs")],
        cwd=REPO / "dbt_project", env={**os.environ, "LAGESBILD_WAREHOUSE": str(base / "empty.duckdb")},
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    with duckdb.connect() as con:
        got = con.execute(result.stdout).fetchall()
    return {row[:5]: row[5] for row in got}


def test_exact_binomial_matches_scipy(computed):
    for k, n, p in BINOMIAL:
        expected = binomtest(k, n, p).pvalue
        got = computed[("binomial", k, n, p, None)]
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-15), (k, n, p)


def test_fisher_exact_matches_scipy(computed):
    for x1, n1, x2, n2 in FISHER:
        expected = fisher_exact([[x1, n1 - x1], [x2, n2 - x2]]).pvalue
        got = computed[("fisher", x1, n1, None, n2 * 1000 + x2)]
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-15), (x1, n1, x2, n2)


def test_p_values_have_ten_significant_digits(computed):
    assert computed[("binomial", 15, 18, 0.5, None)] == 0.007537841797   # 2 · 988 / 2^18 = 0.007537841796875
    assert computed[("binomial", 12, 16, 0.5, None)] == 0.07681274414    # 2 · 2517 / 2^16 = 0.076812744140625
    assert computed[("binomial", 6, 18, 0.5, None)] == 0.2378845215      # 0.237884521484375
