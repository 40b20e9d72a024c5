"""What one fetch did, for the log, the asset's metadata and `make run`'s console."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass
class Outcome:
    source: str
    fetched_at: datetime
    calls: int = 0
    bytes: int = 0
    files: list[Path] = field(default_factory=list)
    newest_data: str | None = None   # the newest event time / year the source gave
    data_age_hours: float | None = None
    warnings: list[str] = field(default_factory=list)
    gaps: list[tuple[datetime, datetime]] = field(default_factory=list)

    def line(self) -> str:
        what = f"{len(self.files)} ny fil" + ("er" if len(self.files) != 1 else "") if self.files else "inget nytt"
        text = f"  {self.source}: {self.calls} anrop, {self.bytes / 1024:.0f} kB, {what}"
        if self.newest_data:
            text += f", senaste data {self.newest_data}"
        return text

    def metadata(self, data_dir: Path) -> dict:
        meta = {
            "last_fetch": self.fetched_at.isoformat(timespec="seconds"),
            "calls": self.calls,
            "bytes": self.bytes,
            "files_written": [str(p.relative_to(data_dir)) if p.is_relative_to(data_dir) else str(p) for p in self.files],
            "newest_data": self.newest_data or "",
            "warnings": self.warnings,
            "gaps": [f"{a.isoformat()} … {b.isoformat()} UTC" for a, b in self.gaps],
        }
        if self.data_age_hours is not None:
            meta["newest_data_age_hours"] = round(self.data_age_hours, 1)
        return meta
