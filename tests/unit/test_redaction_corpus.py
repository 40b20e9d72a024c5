"""Recall and precision of name, registration-number and address redaction on the
corpus (tests/fixtures/redaction_corpus.yaml; token level, see tests/redaction_corpus.py).

Thresholds set after measuring (names 99.0 % recall / 97 % precision, regnr and
addresses 100 % / 100 %), a little below, so a change that loses ground fails and
prints the sentences it gets wrong.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import redaction_corpus  # noqa: E402

from pipelines.ingest.redact import Redactor  # noqa: E402

THRESHOLDS = {  # kind: (recall, precision)
    "namn": (0.97, 0.93),
    "regnr": (1.0, 1.0),
    "adress": (1.0, 1.0),
}


@pytest.fixture(scope="module")
def score():
    not_people, sentences = redaction_corpus.load()
    assert len(sentences) >= 150
    return redaction_corpus.measure(Redactor(not_people))


@pytest.mark.parametrize("kind", list(THRESHOLDS))
def test_recall_and_precision(score, kind):
    recall, precision = THRESHOLDS[kind]
    misses = "\n".join(f"  text:     {t}\n  expected: {e}\n  got:      {g}" for t, e, g in score.misses)
    assert score.recall(kind) >= recall and score.precision(kind) >= precision, (
        f"{kind}: recall {score.recall(kind):.1%} (min {recall:.0%}), precision {score.precision(kind):.1%} "
        f"(min {precision:.0%})\n{score.table()}\nsentences redacted otherwise than expected:\n{misses}"
    )
