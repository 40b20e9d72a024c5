"""Retry a step only when the failure is transient: a locked DuckDB file or a busy disk.

Dagster's RetryPolicy retries every failure, bad data included; here a step asks
for a retry itself (dg.RetryRequested) and only for errors that go away by
waiting. Bad data, a broken config file or a dbt test failure fail at once.
"""

from __future__ import annotations

import errno
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import dagster as dg
import duckdb

from . import atomic

MAX_RETRIES = 4
FIRST_WAIT_SECONDS = 5.0  # then 10, 20, 40: about 75 s in all, longer than a typical run

# OS errors that mean "try again later"; a full disk (ENOSPC) does not go away by itself.
TRANSIENT_ERRNOS = {errno.EBUSY, errno.EAGAIN, errno.ETXTBSY, errno.EINTR}
# DuckDB's words for another process holding the file ("Could not set lock on file",
# "Conflicting lock is held in ..."); dbt passes them on in its error messages.
LOCK_WORDS = ("could not set lock", "conflicting lock")


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def transient_reason(exc: BaseException) -> str | None:
    """A short Swedish reason when `exc` (or what caused it) is transient, else None."""
    for error in _chain(exc):
        text = str(error).lower()
        if isinstance(error, OSError) and error.errno in TRANSIENT_ERRNOS:
            return f"disken var upptagen ({errno.errorcode.get(error.errno, error.errno)}: {error.filename or ''})"
        if isinstance(error, duckdb.IOException) or "dbt" in type(error).__name__.lower():
            if any(word in text for word in LOCK_WORDS):
                return "DuckDB-filen var låst av en annan process"
    return None


_FILE_IN_MESSAGE = re.compile(r'(?:file|File) "([^"]+)"')


def disk_full_failure(exc: BaseException, where: str) -> dg.Failure | None:
    """A failure naming the path and the space needed when `exc` is a full disk (pipelines/atomic.py)."""
    for error in _chain(exc):
        if isinstance(error, atomic.DiskFullError):
            return dg.Failure(description=str(error), metadata={"se": error.filename or where})
    for error in _chain(exc):
        if atomic.is_disk_full(error):
            named = _FILE_IN_MESSAGE.search(str(error))  # DuckDB and dbt name the file in the text
            path = Path(getattr(error, "filename", None) or (named.group(1) if named else where))
            grows = path.with_name(path.name.removesuffix(".wal"))  # the database, not its log
            needed = grows.stat().st_size if grows.is_file() else None  # about as much again
            return dg.Failure(description=str(atomic.disk_full(path, needed, error)),
                              metadata={"fel": str(error)[:2000], "se": str(path)})
    return None


def wait_seconds(retry_number: int) -> float:
    """Exponential backoff: 5, 10, 20, 40 s."""
    return FIRST_WAIT_SECONDS * 2**retry_number


@contextmanager
def retry_transient(context, what: str, where: str) -> Iterator[None]:
    """Run a step's body; a transient error becomes a retry with backoff, and when the
    retries are used up a failure that says what failed and where to look.

    `what` names the step for a person ("inläsning av partners/"), `where` the file
    or log to look at.
    """
    try:
        yield
    except dg.RetryRequested:
        raise
    except Exception as exc:
        full = disk_full_failure(exc, where)
        if full is not None:  # waiting does not free space: fail at once, saying where and how much
            raise full from exc
        if isinstance(exc, dg.Failure):  # our own, or dbt's (DagsterDbtCliRuntimeError): as it is
            raise
        reason = transient_reason(exc)
        if reason is None:
            raise
        attempt = context.retry_number
        if attempt >= MAX_RETRIES:
            raise dg.Failure(
                description=(
                    f"{what} misslyckades efter {MAX_RETRIES + 1} försök: {reason}. "
                    f"Se {where}. Stäng program som har filen öppen för skrivning "
                    f"(analytiker läser analytikerkopian, inte lagret) och kör igen."
                ),
                metadata={"fel": str(exc)[:2000], "se": where},
            ) from exc
        seconds = wait_seconds(attempt)
        context.log.warning(f"{what}: {reason}; nytt försök om {seconds:.0f} s ({attempt + 1}/{MAX_RETRIES}).")
        raise dg.RetryRequested(max_retries=MAX_RETRIES, seconds_to_wait=seconds) from exc
