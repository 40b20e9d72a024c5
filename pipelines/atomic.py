"""Every output file is written whole or not at all: under a hidden temporary name in the
same directory, flushed to disk, then renamed over the old one (os.replace is atomic on
one file system). A run killed at any moment leaves the old file or the new one, never
half of one, and at most a hidden `.<name>.<pid>.tmp` that the next run sweeps away.

A write that fails for lack of space (ENOSPC, or EFBIG under a file-size limit) leaves
the old file in place and raises DiskFullError, whose Swedish message names the path and
the space needed; pipelines/retries.py does not retry it (it does not go away by waiting).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

# No space left / file too large (a quota or `ulimit -f`): waiting does not help.
DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
_TEMPORARY = re.compile(r"^\..+\.(\d+)\.tmp(\.wal)?$")  # a DuckDB temporary has its log beside it


class DiskFullError(OSError):
    """A write failed for lack of space; the message (Swedish) names the path and what is needed."""

    def __str__(self) -> str:  # the Swedish sentence alone, not "[Errno 28] …: 'path'"
        return self.strerror or super().__str__()


def temporary_path(path: Path) -> Path:
    """Hidden, in the same directory (so the rename stays on one file system), one per process."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def is_disk_full(exc: BaseException) -> bool:
    text = str(exc).lower()
    return (isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS) or any(
        words in text for words in ("no space left on device", "file too large", "disk quota exceeded"))


def free_bytes(folder: Path) -> int:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return shutil.disk_usage(folder).free


def _size(n: int | None) -> str:
    return "okänt" if n is None else f"{n / 1e6:,.1f} MB".replace(",", "\u00a0").replace(".", ",")


def disk_full(path: Path, needed: int | None, cause: BaseException) -> DiskFullError:
    """The error for a write to `path` that ran out of space; `needed`: the bytes it takes."""
    error = DiskFullError(
        cause.errno if isinstance(cause, OSError) and cause.errno else errno.ENOSPC,
        f"Disken är full: {path} kunde inte skrivas (behöver ungefär {_size(needed)}, ledigt "
        f"{_size(free_bytes(path.parent))}; eller så stoppar en gräns för filstorlek skrivningen). "
        "Den förra versionen ligger kvar. Frigör utrymme och kör igen.",
    )
    error.filename = str(path)
    return error


def fsync_dir(folder: Path) -> None:
    """The rename itself survives a power cut."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


@contextmanager
def replacing(path: Path, *, needed: int | None = None, sync: bool = True) -> Iterator[Path]:
    """Yield a temporary path to write `path` under; on success it replaces `path`.
    On any error (or a kill) `path` is untouched and the temporary is removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_path(path)
    temporary.unlink(missing_ok=True)
    try:
        yield temporary
        if sync:
            with temporary.open("rb") as handle:
                os.fsync(handle.fileno())
        os.replace(temporary, path)
        if sync:
            fsync_dir(path.parent)
    except BaseException as exc:
        temporary.unlink(missing_ok=True)
        if isinstance(exc, Exception) and not isinstance(exc, DiskFullError) and is_disk_full(exc):
            raise disk_full(path, needed, exc) from exc
        raise


def write_bytes(path: Path, data: bytes, *, sync: bool = True) -> Path:
    with replacing(path, needed=len(data), sync=sync) as temporary:
        temporary.write_bytes(data)
    return path


def write_text(path: Path, text: str, *, sync: bool = True) -> Path:
    return write_bytes(path, text.encode("utf-8"), sync=sync)


def sweep(folder: Path) -> list[Path]:
    """Remove the temporaries a killed process left under `folder` (a live process's are kept)."""
    removed = []
    if not folder.is_dir():
        return removed
    for candidate in folder.rglob(".*.tmp*"):
        match = _TEMPORARY.match(candidate.name)
        if match and not _alive(int(match.group(1))) and candidate.is_file():
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
