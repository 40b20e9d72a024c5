"""A polite HTTP client: the sources' own rules, kept across processes (record.py).

- `User-Agent` naming the product and a contact (LAGESBILD_CONTACT);
- HTTPS, except to this machine (tests, a local mirror); redirects are checked too;
- per source a minimum spacing of calls and caps per window (an hour, a day), checked
  against the warehouse's record of every call before each call;
- 429 and 5xx: back off (Retry-After when the server gives one), a few times; 404: stop;
- timeouts.
The clock is injectable, so tests check the waiting without waiting.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from importlib import metadata
from typing import Protocol
from urllib.parse import urlsplit

import httpx

from .record import CallRecord, utc_naive

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class ConnectorError(Exception):
    """A fetch that did not succeed: a warning in the run, never a failed picture."""


class Unreachable(ConnectorError):
    """No answer: the server is down, unreachable or too slow (timeout)."""


class SourceGone(ConnectorError):
    """404: the address is wrong or the service moved; we stop rather than keep asking."""


class CapReached(ConnectorError):
    """This source's calls an hour or a day are used up (by any process)."""


class Malformed(ConnectorError):
    """An answer that is not what the source sends (not JSON, or not its shape)."""


class Clock(Protocol):
    def now(self) -> datetime: ...  # aware, UTC
    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@dataclass(frozen=True)
class Limits:
    """A source's rules: at least `min_interval` s between calls; at most n calls in any
    `window` s for each (window, n) of `caps`. A cap whose window is longer than `max_wait`
    (an hour, a day) ends the fetch when reached instead of waiting it out."""

    min_interval: float
    caps: tuple[tuple[float, int], ...] = ()
    retries: int = 3          # after a 429 or 5xx
    backoff: float = 5.0      # first wait when the server gives no Retry-After; doubles
    max_wait: float = 300.0   # the longest we wait in one go


def user_agent(contact: str) -> str:
    try:
        version = metadata.version("lagesbild")
    except metadata.PackageNotFoundError:
        version = "dev"
    return f"lagesbild/{version} (crime prevention situational picture; +{contact})"  # headers are ASCII


def check_address(url: str) -> None:
    parts = urlsplit(str(url))
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK):
        return
    raise ConnectorError(
        f"{url}: bara HTTPS (utom till den här datorn). / only HTTPS (except to this machine)."
    )


def retry_after(response: httpx.Response, now: datetime) -> float | None:
    """Seconds the server asks us to wait (Retry-After: seconds or an HTTP date), if it says."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - now).total_seconds())


@dataclass
class PoliteClient:
    source: str
    limits: Limits
    record: CallRecord
    contact: str
    clock: Clock = field(default_factory=SystemClock)
    timeout: float = 30.0
    calls: int = 0    # made by this client (for the asset's metadata)
    bytes: int = 0

    def __post_init__(self):
        if not self.contact or not self.contact.isascii():
            raise ConnectorError(
                "LAGESBILD_CONTACT saknas (eller har tecken utanför ASCII): källorna vill ha en kontakt (e-post eller "
                "webbadress) i varje anrop. / LAGESBILD_CONTACT is not set (or not ASCII): the sources ask for a contact (e-mail or web address) in every call."
            )
        self._http = httpx.Client(
            headers={"User-Agent": user_agent(self.contact), "Accept": "application/json"},
            timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0)),
            follow_redirects=True,
            event_hooks={"request": [lambda request: check_address(request.url)]},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def get(self, url: str, params: dict | None = None) -> httpx.Response:
        """A successful (2xx) answer, or a ConnectorError saying why not."""
        check_address(url)
        for attempt in range(self.limits.retries + 1):
            call_id = self._reserve(url)
            try:
                response = self._http.get(url, params=params)
            except ConnectorError:
                self.record.finish(call_id, None, 0, "redirect to a plain-HTTP address")
                raise
            except httpx.HTTPError as exc:
                self.record.finish(call_id, None, 0, f"{type(exc).__name__}: {exc}")
                raise Unreachable(f"{self.source}: inget svar från {url} ({type(exc).__name__}: {exc})") from exc
            size = len(response.content)
            self.bytes += size
            self.record.finish(call_id, response.status_code, size)
            status = response.status_code
            if 200 <= status < 300:
                return response
            if status == 404:
                raise SourceGone(f"{self.source}: {url} finns inte (404); slutar fråga. / not found, stopping.")
            if status != 429 and status < 500:
                raise ConnectorError(f"{self.source}: {url} svarade HTTP {status}.")
            if attempt == self.limits.retries:
                break
            wait = retry_after(response, self.clock.now())
            wait = self.limits.backoff * 2**attempt if wait is None else wait
            if wait > self.limits.max_wait:
                raise ConnectorError(
                    f"{self.source}: {url} svarade HTTP {status} och ber oss vänta {wait:.0f} s; försöker vid nästa hämtning."
                )
            self.clock.sleep(wait)
        raise ConnectorError(f"{self.source}: {url} svarade HTTP {status} {self.limits.retries + 1} gånger; ger upp för nu.")

    def _reserve(self, url: str) -> str:
        """Wait out the spacing and the short windows, then reserve the call in the record; a
        long window's cap reached ends the fetch. Check and reservation are one write, so they
        hold across processes."""
        while True:
            now = self.clock.now()
            with self.record.connect() as con:
                wait = self._wait(con, now)
                if wait <= 0:
                    call_id = self.record.reserve(con, self.source, url, now)
                    self.calls += 1
                    return call_id
            # whole microseconds, up: the record's resolution (a smaller wait would never end)
            self.clock.sleep(math.ceil(wait * 1e6) / 1e6)

    def _wait(self, con, now: datetime) -> float:
        naive = utc_naive(now)
        waits = [0.0]
        last = self.record.last_call(con, self.source)
        if last is not None:
            waits.append(self.limits.min_interval - (naive - last).total_seconds())
        for window, cap in self.limits.caps:
            recent = self.record.recent_calls(con, self.source, now - timedelta(seconds=window))
            if len(recent) < cap:
                continue
            # free again when the oldest call that counts leaves the window
            free_in = (recent[len(recent) - cap] + timedelta(seconds=window) - naive).total_seconds()
            if window > self.limits.max_wait:
                raise CapReached(
                    f"{self.source}: högst {cap} anrop per {_span(window)} är använda; nästa går om {free_in / 60:.0f} min. / "
                    f"at most {cap} calls per {_span(window)} used up."
                )
            waits.append(free_in)
        return max(waits)


def _span(seconds: float) -> str:
    return {3600: "timme", 86400: "dygn"}.get(int(seconds), f"{seconds:g} s")
