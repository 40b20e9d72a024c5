"""Writing what a connector received: the bytes as they came, named by the fetch time (UTC),
made visible in one step (a half-written file is never loaded)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

from .. import atomic


def stamp(moment: datetime) -> str:
    """`20261202T135507Z`: sorts by time, no characters a file system dislikes."""
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def write_payload(folder: Path, name: str, content: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path, stem, n = folder / name, name.removesuffix(".json"), 1
    while path.exists():  # two fetches in one second: never overwrite what was received
        n += 1
        path = folder / f"{stem}_{n}.json"
    return atomic.write_bytes(path, content)  # under a hidden name first: the loaders skip it


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def known_hashes(folder: Path, pattern: str = "*.json") -> set[str]:
    """sha256 of the payload files already in `folder` (reference data is small and rare)."""
    return {sha256(p.read_bytes()) for p in folder.glob(pattern) if p.is_file()} if folder.is_dir() else set()


def numbered(base: str, index: int) -> str:
    """The file name of the index-th answer of one fetch: `<base>.json`, then `<base>-2.json`, ..."""
    return f"{base}.json" if index == 1 else f"{base}-{index}.json"
