"""A data dir with the hard cases of DATA-CONTRACT §4.1 "Honest at the edges", written by tests."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.conftest import SAMPLE

PERIOD = "2025-T2"


def _event(event_id: int, published: str, title_time: str, kind: str, summary: str) -> dict:
    return {"id": event_id, "datetime": published, "name": f"{title_time}, {kind}, Östhammar", "summary": summary,
            "url": f"/aktuellt/handelser/{event_id}/", "type": kind, "location": {"name": "Uppsala län", "gps": "60.2,18.4"}}


def write_edge_cases(data_dir: Path) -> None:
    """Östhammar with an extract that ends in June 2025 (T2 has two of four months), a `..`
    month, an area with three respondents, and an event whose newer version loads first."""
    local = ["Månad;Område;Brottskategori;Antal"]
    for month, counts in {"2024-05": (10, 1, 6), "2024-06": (12, 0, 5), "2024-07": (8, 0, 7), "2024-08": (9, 1, 4),
                          "2025-05": (11, 1, 5), "2025-06": (13, 0, "..")}.items():
        stold, inbrott, skadegorelse = counts
        local += [f"{month};Östhammar;stöld;{stold}", f"{month};Gimo;inbrott;{inbrott}",
                  f"{month};Öregrund;skadegörelse;{skadegorelse}"]
    (data_dir / "police" / "local").mkdir(parents=True)
    (data_dir / "police" / "local" / "lokalpolis_2025-06.csv").write_text("\n".join(local) + "\n", encoding="utf-8")

    events = data_dir / "police" / "events"
    events.mkdir(parents=True)
    newer = _event(9001, "2025-06-12 10:15:00 +02:00", "11 juni 22.10", "Inbrott", "Inbrott i ett förråd i Gimo.")
    older = _event(9001, "2025-06-11 23:40:00 +02:00", "11 juni 22.10", "Stöld", "Stöld ur ett förråd i Gimo.")
    (events / "a_newer.json").write_text(json.dumps([newer], ensure_ascii=False), encoding="utf-8")
    (events / "b_older.json").write_text(json.dumps([older], ensure_ascii=False), encoding="utf-8")

    surveys = data_dir / "surveys"
    surveys.mkdir()
    (surveys / "questions.yaml").write_bytes((SAMPLE / "surveys" / "questions.yaml").read_bytes())
    question = "Upplever du problem med skadegörelse och klotter i ditt område?"
    rows = [f"Svars-ID;Inskickad;Område;{question}"]
    answers = [("Öregrund", "Stämmer helt")] * 2 + [("Öregrund", "Stämmer inte alls")] + \
              [("Östhammar", "Stämmer helt")] * 5 + [("Östhammar", "Stämmer inte alls")] * 9
    rows += [f"{i};2025-05-{10 + i % 15:02d} 12:00:00;{area};{answer}" for i, (area, answer) in enumerate(answers, 1)]
    (surveys / "enkat_2025.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")

    (data_dir / "partners").mkdir()
    (data_dir / "partners" / "handel.csv").write_text(
        "Datum;Partner;Kategori;Område;Plats;Antal;Beskrivning\n"
        "2025-05-20;ICA Östhammar;snatteri;Östhammar;Butiken;6;\n"
        "2025-06-02;ICA Östhammar;snatteri;Östhammar;Butiken;1;\n", encoding="utf-8")
    pledges = [{"id": "2025-t2-klotter", "period": PERIOD, "title": "Mindre klotter i Öregrund och Östhammar",
                "category": "skadegorelse", "areas": ["oregrund", "osthammar"], "indicator": "police_reported_count",
                "baseline_period": "2024-T2", "target_change_pct": -20}]
    (data_dir / "pledges.yaml").write_text(yaml.safe_dump(pledges, allow_unicode=True), encoding="utf-8")
