"""Recall and precision of free-text redaction on tests/fixtures/redaction_corpus.yaml.

Token level: text and expected text are split into words (a placeholder such as
``[namn]`` is one token) and aligned with difflib; every word of the text that the
expected text replaces by ``[namn]`` is a gold name token, likewise ``[regnr]`` and
``[adress]``. The redactor's output is aligned the same way. Per kind:
recall = gold tokens redacted as that kind / gold tokens; precision = tokens redacted as
that kind that are gold of that kind / tokens redacted as that kind.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CORPUS = Path(__file__).parent / "fixtures" / "redaction_corpus.yaml"
HELDOUT = Path(__file__).parent / "fixtures" / "redaction_heldout.yaml"  # never tuned against
KINDS = ("namn", "regnr", "adress")
_TOKEN = re.compile(r"\[[a-z-]+\]|\w+|[^\w\s]")


def load(path: Path = CORPUS) -> tuple[list[str], list[tuple[str, str]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data["not_people"], [(s["text"], s.get("expected", s["text"])) for s in data["sentences"]]


def _labels(text: str, redacted: str) -> list[str | None]:
    """For each token of `text`: the placeholder kind that replaced it in `redacted`, or None."""
    source, target = _TOKEN.findall(text), _TOKEN.findall(redacted)
    labels: list[str | None] = [None] * len(source)
    matcher = difflib.SequenceMatcher(a=source, b=target, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("replace", "delete"):
            kinds = [t[1:-1] for t in target[j1:j2] if t.startswith("[")]
            kind = kinds[0] if kinds else "?"
            for i in range(i1, i2):
                labels[i] = kind
    return labels


@dataclass
class Score:
    tp: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    fp: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    fn: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    misses: list = field(default_factory=list)  # (text, expected, got)

    def recall(self, kind: str) -> float:
        gold = self.tp[kind] + self.fn[kind]
        return self.tp[kind] / gold if gold else 1.0

    def precision(self, kind: str) -> float:
        found = self.tp[kind] + self.fp[kind]
        return self.tp[kind] / found if found else 1.0

    def table(self) -> str:
        rows = [f"  {'kind':<8} {'recall':>7} {'precision':>9}   tokens (gold / redacted / right)"]
        for kind in KINDS:
            rows.append(
                f"  {kind:<8} {self.recall(kind):7.1%} {self.precision(kind):9.1%}   "
                f"{self.tp[kind] + self.fn[kind]} / {self.tp[kind] + self.fp[kind]} / {self.tp[kind]}"
            )
        return "\n".join(rows)


def measure(redact, path: Path = CORPUS) -> Score:
    _, sentences = load(path)
    score = Score()
    for text, expected in sentences:
        got = redact(text)
        gold, pred = _labels(text, expected), _labels(text, got)
        for g, p in zip(gold, pred):
            for kind in KINDS:
                if g == kind and p == kind:
                    score.tp[kind] += 1
                elif g == kind:
                    score.fn[kind] += 1
                elif p == kind:
                    score.fp[kind] += 1
        if got != expected:
            score.misses.append((text, expected, got))
    return score
