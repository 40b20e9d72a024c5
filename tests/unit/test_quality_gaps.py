"""Gaps of the police feed (audit.connector_gaps) as datakvalitet.html shows them: in Swedish
time, with their length, in each tertial they overlap (DATA-CONTRACT §7)."""

from datetime import datetime

import duckdb

from data_quality.summary import _gaps, gaps_in
from pipelines.connectors.record import DDL


def test_a_gap_in_swedish_time_in_the_tertials_it_overlaps(tmp_path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute(DDL)
        # UTC: 30 Aug 20:00 to 2 Sep 06:30 (summer time: 22:00 and 08:30 in Sweden)
        con.execute("insert into audit.connector_gaps values ('polisen', '2026-09-02 07:00:00', "
                    "'2026-08-30 20:00:00', '2026-09-02 06:30:00', 'police/events/api/20260902T070000Z.json')")
        (gap,) = _gaps(con)
    assert (gap.newest_before, gap.oldest_now) == (datetime(2026, 8, 30, 22, 0), datetime(2026, 9, 2, 8, 30))
    assert gap.text.startswith("Polisens händelser publicerade mellan 2026-08-30 22:00 och 2026-09-02 08:30 "
                               "(58 timmar) kan saknas")
    assert gaps_in((gap,), "2026-T2") == (gap,) and gaps_in((gap,), "2026-T3") == (gap,)
    assert gaps_in((gap,), "2026-T1") == () and gaps_in((gap,), "2025-T3") == ()
