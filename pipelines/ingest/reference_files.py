"""What the reference loaders (SCB, Kolada) share: reading a JSON payload and the fetch time
in a connector file's name (DATA-CONTRACT §7: `<UTC time>.json`, `TAB638_<UTC time>.json`)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from .common import BadFileError

_STAMP = re.compile(r"(?<!\d)(\d{8}T\d{6}Z)(?!\d)")


def fetched_at(path: Path) -> datetime | None:
    """The UTC fetch time a connector put in the file's name; None for a file someone named
    otherwise (then the load order decides which file is newest)."""
    match = _STAMP.search(path.name)
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ") if match else None


def read_json(path: Path):
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise BadFileError("Filen är inte UTF-8-kodad JSON.") from exc
    except json.JSONDecodeError as exc:
        raise BadFileError(f"Filen är inte giltig JSON (rad {exc.lineno}: {exc.msg}).") from exc


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value
