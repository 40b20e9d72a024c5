"""One tolerant table reader shared by every source (surveys, BRÅ, local police,
partner reports), plus the value parsers the sources need.

What it accepts is DATA-CONTRACT.md section 2.6: CSV in UTF-8 (with or without
BOM) or Windows-1252, separated by ``;``, ``,`` or tab, and ``.xlsx`` with the
table on the first sheet. Everything comes back as trimmed text (``None`` for an
empty cell) with the file's own row number for each data row, so a caller can
type the values itself and point ``audit.rejected_rows.source_row`` at the line
a coordinator sees in their editor. A file that cannot be read raises
:class:`FileFormatError` with a Swedish reason; callers catch it per file so the
other files still load.

Why DuckDB for one thing and Python for the rest (measured on duckdb 2.0.1):

* **Dialect: DuckDB's sniffer** (``sniff_csv``) picks the separator, unless the first
  lines are plain enough to leave no doubt (``_plain_delimiter``: no quote, one separator
  splitting every line alike; 80 of the 93 shipped files, 0.1 ms instead of ~2.7 ms). It is
  far more reliable than ``csv.Sniffer``, but only with ``null_padding=true,
  strict_mode=false``: without them a single ragged row makes it answer ``,``
  with one column, and a title row above the header makes it *skip* rows. It
  is told the quote and escape (``"``, as the reader below uses them): left to guess
  them too it tries every combination, 3-7 times slower (a 90 KB survey export: 48 ms
  vs 6 ms), for the same separator on every test and benchmark file. Its
  answer is cross-checked: a separator outside ``; , tab`` or a sniffer error
  falls back to a consistency count, and with ``expected_columns`` the other
  separators are tried when the header is not found. The quote is always ``"``
  (Excel and every survey tool export that way).
* **Encoding: Python.** DuckDB's CSV reader knows only utf-8, utf-16 and
  latin-1 without the ``encodings`` extension, which downloads at run time
  (forbidden: offline). Its ``latin-1`` even rejects cp1252 files ("File is not
  latin-1 encoded") and would turn ``–``/``€`` into control characters anyway.
  So: strict UTF-8 (BOM stripped), else cp1252 (UTF-16 with BOM, Excel's
  "Unicode text", is accepted too); the sniffer gets a UTF-8 temporary copy of
  the first 256 KB (sniffing the whole 5 MB test file took 70 ms, the sample 20).
* **Reading: Python's C ``csv`` module** with the sniffed dialect. DuckDB's
  ``read_csv`` gives no per-row line numbers (needed for the audit trail, and
  not derivable once quoted cells span lines), errors on ragged rows unless
  given ``null_padding``/``strict_mode=false`` (the caller must see a row with
  too many cells to reject it), and then refuses quoted newlines unless
  ``parallel=false``. The C reader
  handles quoted multi-line cells, ragged rows and 1 MB cells (after raising
  ``csv.field_size_limit``, process-wide, once at import). 100 000 rows x 7
  columns (5 MB): 0.25 s, vs 0.21 s for DuckDB ``read_csv(...).fetchall()`` and
  0.10 s for DuckDB ``create table as select * from read_csv(...)``. The cyclic
  GC is paused while reading (it cost a quarter of the time).
* **xlsx: python-calamine** (Rust, fast). Dates come back as ``datetime.date``
  (also for a datetime at midnight), whole numbers as ``3.0``, error cells
  (``#N/A``) as ``''``; they are turned into ISO text and ``"3"`` here.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gc
import io
import os
import re
import tempfile
import threading
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .common import BadFileError

__all__ = [
    "FileFormatError",
    "Table",
    "read_table",
    "normalise_header",
    "parse_int",
    "parse_decimal",
    "parse_date",
    "parse_month",
]

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
DELIMITERS = (";", ",", "\t")

# One free-text cell may be large (a pasted e-mail thread); the default limit is 128 KiB.
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))

UNREADABLE = "Filen är inte en läsbar CSV- eller Excel-fil."


class FileFormatError(BadFileError):
    """A file that cannot be read as a table. ``reason`` is a Swedish sentence for
    the coordinator who sent the file."""

    def __init__(self, path: str | os.PathLike, reason: str):
        super().__init__(reason)
        self.path = Path(path)
        self.args = (f"{self.path.name}: {reason}",)


@dataclass
class Table:
    path: Path
    columns: list[str]
    rows: list[list[str | None]]
    row_numbers: list[int]
    encoding: str
    delimiter: str | None
    sheet: str | None
    header_row: int | None = None  # 1-based line/row of the header in the file
    _index: dict[str, int] | None = field(default=None, repr=False, compare=False)

    def column_index(self, name: str) -> int | None:
        """Position of a column, matched like the contract matches headers (trimmed,
        case-folded, inner whitespace collapsed); the first one if repeated."""
        if self._index is None:
            index: dict[str, int] = {}
            for i, column in enumerate(self.columns):
                index.setdefault(normalise_header(column), i)
            self._index = index
        return self._index.get(normalise_header(name))

    def __len__(self) -> int:
        return len(self.rows)


_WS = re.compile(r"\s+")


def normalise_header(text: str | None) -> str:
    """Header text as compared: BOM removed, trimmed, case-folded, whitespace collapsed."""
    if text is None:
        return ""
    return _WS.sub(" ", text.replace("\ufeff", "")).strip().casefold()


# --------------------------------------------------------------------------- reading


def read_table(
    path: str | os.PathLike,
    *,
    header: bool = True,
    expected_columns: list[str] | None = None,
) -> Table:
    """Read a CSV (``.csv``, ``.txt``, ``.tsv``) or Excel (``.xlsx``, ``.xlsm``) file
    as text; raises :class:`FileFormatError` for an empty, binary, truncated or
    unsupported file. See the module docstring for what is accepted.

    ``header=False``: every non-empty row is data, columns are named
    ``column1``..``columnN``. ``expected_columns`` (with ``header=True``): the header
    is the first row that contains all of them, after trimming and case-folding;
    rows above it (titles) are skipped."""
    path = Path(path)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # building 100k small lists triggers the cyclic GC constantly (~25 % of the time)
    try:
        return _read_table(path, header, expected_columns)
    finally:
        if gc_was_enabled:
            gc.enable()


def _read_table(path: Path, header: bool, expected_columns: list[str] | None) -> Table:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise FileFormatError(path, "Det gamla Excel-formatet (.xls) stöds inte. Spara filen som .xlsx.")
    if suffix not in CSV_SUFFIXES | XLSX_SUFFIXES:
        raise FileFormatError(
            path, f"Filtypen {suffix or '(ingen)'} stöds inte. Skicka en CSV- eller Excel-fil (.xlsx)."
        )
    started = _take_started(path)
    try:
        if started is not None and started.error is not None:
            raise started.error
        data = started.data if started is not None else path.read_bytes()
    except OSError as exc:
        raise FileFormatError(path, f"Filen kan inte öppnas ({exc.strerror or exc}).") from exc
    if not data.strip():
        raise FileFormatError(path, "Filen är tom.")

    if data.startswith(b"PK\x03\x04"):
        cells, numbers, sheet = _xlsx_cells(path)  # also an .xlsx renamed to .csv
        encoding = "xlsx"
        grids = [(None, cells, numbers)]
    elif suffix in XLSX_SUFFIXES:
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise FileFormatError(
                path, "Filen är i det gamla Excel-formatet (.xls) eller lösenordsskyddad. Spara den som .xlsx utan lösenord."
            )
        raise FileFormatError(path, "Filen heter .xlsx men är ingen läsbar Excel-fil.")
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileFormatError(path, "Filen är en Excel-fil i det gamla formatet (.xls). Spara den som .xlsx eller CSV.")
    else:
        sheet = None
        if started is not None and started.decoded is not None:
            if isinstance(started.decoded, FileFormatError):
                raise started.decoded
            text, encoding, sniffed = started.decoded
        else:
            text, encoding = _decode(path, data)
            sniffed = _sniff_delimiter(text)
        grids = _LazyGrids(text, sniffed)

    # Find the header row (trying other separators for CSV if the sniffed one fails).
    first_error: FileFormatError | None = None
    for delimiter, cells, numbers in grids:
        try:
            table = _build(path, cells, numbers, header, expected_columns)
        except FileFormatError as exc:
            if first_error is None:
                first_error = exc
            if not (header and expected_columns):
                break
            continue
        table.encoding = encoding
        table.delimiter = delimiter
        table.sheet = sheet
        return table
    assert first_error is not None
    raise first_error


@dataclass
class _Started:
    """A CSV file's bytes, read, decoded and sniffed ahead (see `prefetch`)."""

    data: bytes | None
    error: OSError | None  # reading failed
    decoded: tuple[str, str, str] | FileFormatError | None  # (text, encoding, separator); None: not a plain CSV


def _start(path: Path) -> _Started:
    """What _read_table does first for a CSV file, in the same order of checks."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _Started(None, exc, None)
    decoded = None
    if (path.suffix.lower() in CSV_SUFFIXES and data.strip()
            and not data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))):
        try:
            text, encoding = _decode(path, data)
            decoded = (text, encoding, _sniff_delimiter(text))
        except FileFormatError as exc:
            decoded = exc
    return _Started(data, None, decoded)


_started: dict[Path, Future] = {}
_pool: ThreadPoolExecutor | None = None
_pool_pid: int | None = None


def prefetch(paths: list[Path]) -> None:
    """Read, decode and sniff these CSV files in a background thread, for `read_table` to take.
    DuckDB's sniffer (most of a small file's read time) runs without holding the GIL, so it
    overlaps the Python parsing of the file before. Call `forget` for files not read."""
    global _pool, _pool_pid
    paths = [Path(p) for p in paths if Path(p).suffix.lower() in CSV_SUFFIXES]
    if not paths:
        return
    with _duck_lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool, _pool_pid = ThreadPoolExecutor(max_workers=1, thread_name_prefix="csv-prefetch"), os.getpid()
            _started.clear()
        for path in paths:
            if path not in _started:
                _started[path] = _pool.submit(_start, path)


def forget(paths: list[Path]) -> None:
    """Drop what `prefetch` read for these files and `read_table` did not take."""
    for path in paths:
        future = _started.pop(Path(path), None)
        if future is not None:
            future.cancel()


def _take_started(path: Path) -> _Started | None:
    future = _started.pop(path, None)
    return future.result() if future is not None else None


class _LazyGrids:
    """CSV parses to try: the sniffed separator first, then the others (parsed only
    if the first one has no matching header)."""

    def __init__(self, text: str, sniffed: str):
        self.text = text
        self.order = [sniffed] + [d for d in DELIMITERS if d != sniffed]

    def __iter__(self):
        for delimiter in self.order:
            cells, numbers = _parse_csv(self.text, delimiter)
            yield delimiter, cells, numbers


def _build(
    path: Path,
    cells: list[list[str | None]],
    numbers: list[int],
    header: bool,
    expected_columns: list[str] | None,
) -> Table:
    """From non-empty rows (trimmed, ``None`` for empty) to a Table."""
    if not cells:
        raise FileFormatError(path, "Filen är tom.")
    header_at: int | None = None
    if header:
        if expected_columns:
            header_at = _find_header(path, cells, numbers, expected_columns)
        else:
            header_at = 0
        columns_raw = cells[header_at]
        data = cells[header_at + 1 :]
        data_numbers = numbers[header_at + 1 :]
    else:
        columns_raw = []
        data = cells
        data_numbers = numbers

    # Width: the header's without trailing empty cells. Cells past it stay on their
    # row (rows are already right-trimmed, so what is left there is real data the
    # caller must see and reject); shorter rows are padded with None.
    if header:
        width = len(columns_raw)
        columns = [(c or "").replace("\ufeff", "").strip() for c in columns_raw]
    else:
        width = max((len(row) for row in data), default=0)
        columns = [f"column{i + 1}" for i in range(width)]
    rows = [row + [None] * (width - len(row)) if len(row) < width else row for row in data]
    return Table(
        path=path,
        columns=columns,
        rows=rows,
        row_numbers=list(data_numbers),
        encoding="",
        delimiter=None,
        sheet=None,
        header_row=numbers[header_at] if header_at is not None else None,
    )


def _find_header(
    path: Path, cells: list[list[str | None]], numbers: list[int], expected: list[str]
) -> int:
    wanted = [normalise_header(c) for c in expected]
    best_missing: list[str] | None = None
    best_row = None
    for i, row in enumerate(cells):
        present = {normalise_header(c) for c in row if c}
        missing = [orig for orig, norm in zip(expected, wanted) if norm not in present]
        if not missing:
            return i
        if len(missing) < len(expected) and (best_missing is None or len(missing) < len(best_missing)):
            best_missing, best_row = missing, numbers[i]
    reason = f"Hittar ingen rubrikrad med kolumnerna {', '.join(expected)}."
    if best_missing is not None:
        reason += f" Närmast är rad {best_row}, där {', '.join(best_missing)} saknas."
    raise FileFormatError(path, reason)


# --------------------------------------------------------------------------- CSV


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        try:
            text, encoding = data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise FileFormatError(path, "Filen börjar som UTF-8 men innehåller ogiltiga tecken.") from exc
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export: UTF-16 with BOM, tab-separated.
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise FileFormatError(path, UNREADABLE) from exc
    elif b"\x00" in data[:65536]:
        raise FileFormatError(path, UNREADABLE)
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError as exc:
                # Bytes that are undefined in Windows-1252 (0x81, 0x8D, 0x8F, 0x90, 0x9D).
                raise FileFormatError(
                    path, "Filen är varken UTF-8 eller Windows-1252 och kan inte läsas som CSV."
                ) from exc
    if _looks_binary(text):
        raise FileFormatError(path, UNREADABLE)
    return text, encoding


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    return len(_CONTROL.findall(sample)) > max(2, len(sample) // 1000)


_duck = None
_duck_pid = None
_duck_lock = threading.Lock()
SNIFF_SAMPLE = 256 * 1024  # characters of the file given to the sniffer


def _duckdb_cursor():
    """A cursor on one in-memory DuckDB per process (connecting costs ~20 ms)."""
    global _duck, _duck_pid
    import duckdb

    with _duck_lock:
        if _duck is None or _duck_pid != os.getpid():
            _duck, _duck_pid = duckdb.connect(), os.getpid()
        return _duck.cursor()


PLAIN_LINES = 50  # lines `_plain_delimiter` looks at


def _plain_delimiter(text: str) -> str | None:
    """The separator when the first lines leave no doubt, else None (the sniffer decides): no
    quote in them, and exactly one of the separators splits every one of them into the same
    number (>1) of cells. A title row, a ragged row, a quoted cell, a second separator just as
    regular (a decimal comma in every row) all go to the sniffer. Most exports are this plain,
    and the sniffer costs ~2 ms a file (a temporary file and a query): seconds in a national run."""
    lines = [line for line in text[:SNIFF_SAMPLE].splitlines()[:PLAIN_LINES] if line.strip()]
    if len(lines) < 2 or any('"' in line for line in lines):
        return None
    regular = [d for d in DELIMITERS if len({line.count(d) for line in lines}) == 1 and lines[0].count(d) > 0]
    return regular[0] if len(regular) == 1 else None


def _sniff_delimiter(text: str) -> str:
    """Separator by `_plain_delimiter` when the file is that plain, else DuckDB's sniffer, run
    on a UTF-8 copy of the file's start; a consistency count if it fails or answers something
    outside the contract."""
    plain = _plain_delimiter(text)
    if plain is not None:
        return plain
    sample = text[:SNIFF_SAMPLE]
    if len(text) > SNIFF_SAMPLE:
        cut = max(sample.rfind("\n"), sample.rfind("\r"))
        if cut > 0:
            sample = sample[: cut + 1]
    delimiter = None
    try:
        fd, tmp = tempfile.mkstemp(suffix=".csv", prefix="sniff-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(sample)
            with _duckdb_cursor() as cur:
                row = cur.execute(
                    "select Delimiter from sniff_csv(?, null_padding=true, strict_mode=false, all_varchar=true, "
                    "quote='\"', escape='\"')",
                    [tmp],
                ).fetchone()
            delimiter = row[0] if row else None
        finally:
            os.unlink(tmp)
    except Exception:  # noqa: BLE001 - any sniffer failure falls back to counting
        delimiter = None
    # DuckDB answers "," when it finds nothing better (also for one-column files).
    if delimiter in DELIMITERS and (delimiter != "," or _fallback_delimiter(sample) in (",", None)):
        return delimiter
    return _fallback_delimiter(sample) or ";"


def _fallback_delimiter(text: str) -> str | None:
    """The separator that splits the first lines into the most rows of one common
    width (>1). ``None`` if no separator splits anything."""
    sample = text[:200_000]
    best, best_score = None, (0, 0)
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, strict=False)
        widths = Counter()
        try:
            for i, row in enumerate(reader):
                if i >= 200:
                    break
                while row and not row[-1].strip():
                    row.pop()
                if row:
                    widths[len(row)] += 1
        except csv.Error:
            continue
        common = [(count, width) for width, count in widths.items() if width > 1]
        if not common:
            continue
        score = max(common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _parse_csv(text: str, delimiter: str) -> tuple[list[list[str | None]], list[int]]:
    """Non-empty rows, trimmed, right-trimmed of empty cells, with the line each
    record starts on."""

    def reader():
        return csv.reader(
            io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True, strict=False
        )

    records = list(reader())
    lines = text.count("\n") + text.count("\r") - text.count("\r\n")
    if text and text[-1] not in "\r\n":
        lines += 1
    if len(records) == lines:  # no record spans lines: record i is on line i + 1
        starts: list[int] | range = range(1, lines + 1)
    else:  # quoted line breaks: ask the reader where each record starts
        starts, line, tracking = [], 0, reader()
        for _ in tracking:
            starts.append(line + 1)
            line = tracking.line_num

    cells: list[list[str | None]] = []
    numbers: list[int] = []
    append_cells, append_number, strip = cells.append, numbers.append, str.strip
    for record, start in zip(records, starts):
        row = list(map(strip, record))
        if not row or "" in row:
            row = [c or None for c in row]
            while row and row[-1] is None:
                row.pop()
            if not row:
                continue
        append_cells(row)
        append_number(start)
    return cells, numbers


# --------------------------------------------------------------------------- xlsx


def _xlsx_cells(path: Path) -> tuple[list[list[str | None]], list[int], str]:
    try:
        import python_calamine as pc

        workbook = pc.CalamineWorkbook.from_path(str(path))
        try:
            metas = workbook.sheets_metadata
            names = [
                m.name
                for m in metas
                if m.visible == pc.SheetVisibleEnum.Visible and m.typ == pc.SheetTypeEnum.WorkSheet
            ] or workbook.sheet_names
            if not names:
                raise FileFormatError(path, "Excel-filen har inget kalkylblad.")
            sheet = workbook.get_sheet_by_name(names[0])
            values = sheet.to_python()
            first_row = sheet.start[0] + 1 if sheet.start else 1
        finally:
            workbook.close()
    except FileFormatError:
        raise
    except Exception as exc:  # noqa: BLE001 - calamine raises several error types
        name = type(exc).__name__
        if name == "PasswordError":
            reason = "Excel-filen är lösenordsskyddad. Spara den utan lösenord."
        elif name in ("ZipError", "XmlError"):
            reason = "Excel-filen är skadad eller ofullständig och kan inte läsas."
        else:
            reason = UNREADABLE
        raise FileFormatError(path, reason) from exc

    cells: list[list[str | None]] = []
    numbers: list[int] = []
    for i, raw in enumerate(values):
        row = [_cell_text(v) for v in raw]
        while row and row[-1] is None:
            row.pop()
        if row:
            cells.append(row)
            numbers.append(first_row + i)
    if not cells:
        raise FileFormatError(path, f"Första bladet ({names[0]}) i Excel-filen innehåller ingen tabell.")
    return cells, numbers, names[0]


def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.microsecond:
            value = (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.replace(microsecond=0).isoformat(timespec="seconds")
    if isinstance(value, dt.timedelta):
        seconds = round(value.total_seconds())
        sign = "-" if seconds < 0 else ""
        h, rest = divmod(abs(seconds), 3600)
        return f"{sign}{h}:{rest // 60:02d}:{rest % 60:02d}"
    return str(value).strip() or None


def _float_text(value: float) -> str | None:
    if value != value or value in (float("inf"), float("-inf")):
        return None
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


# --------------------------------------------------------------------------- values

_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")
_INT = re.compile(r"([+-]?)(\d+)(?:[.,](0{1,2}))?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:[.,]\d+)?")
_DEC = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)")


def _clean_number(text: str, what: str) -> str:
    s = text.strip().replace("\u2212", "-")
    if _SPACES.search(s):
        if not _GROUPED.fullmatch(s):
            raise ValueError(f"{what} {text.strip()!r} har felaktiga tusentalsavgränsare.")
        s = _SPACES.sub("", s)
    return s


def parse_int(text: str | None) -> int | None:
    """A whole number: ``"1234"``, ``"1 234"``, ``"1\\u00a0234"``, ``"-3"``; ``"12,0"``
    and ``"12.00"`` (one or two zero decimals, as spreadsheets export counts) are 12.
    ``None`` for an empty cell. ``ValueError`` for ``"abc"``, ``"1,5"`` and the
    ambiguous ``"1,000"``/``"1.000"``."""
    if text is None or not text.strip():
        return None
    s = _clean_number(text, "Heltalet")
    m = _INT.fullmatch(s)
    if not m:
        raise ValueError(f"{text.strip()!r} är inte ett heltal.")
    value = int(m.group(2))
    return -value if m.group(1) == "-" else value


def parse_decimal(text: str | None) -> float:
    """A decimal number: ``"123,4"`` (Swedish comma), ``"123.4"``, ``"1 234,5"``.
    ``ValueError`` for empty, ``"abc"``, ``"1,234.5"`` (both marks) or bad grouping."""
    if text is None or not text.strip():
        raise ValueError("Värdet saknas.")
    s = _clean_number(text, "Talet")
    if not _DEC.fullmatch(s):
        raise ValueError(f"{text.strip()!r} är inte ett tal.")
    return float(s.replace(",", "."))


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?")
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_SERIAL = re.compile(r"(\d{5})(?:[.,]\d+)?")
_MONTH = re.compile(r"(\d{4})(?:-|M)(\d{1,2})")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _check_time(h, m, s) -> None:
    if h is not None and not (int(h) < 24 and int(m) < 60 and int(s or 0) < 60):
        raise ValueError


def parse_date(text: str | None) -> dt.date:
    """A date from ``YYYY-MM-DD``, ``DD/MM/YYYY``, ``YYYY-MM-DD HH:MM[:SS]`` (also
    with ``T``), or an Excel serial day number such as ``"45413"`` (2024-05-01).
    The time of day, if any, is dropped."""
    if text is None or not text.strip():
        raise ValueError("Datum saknas.")
    s = text.strip()
    try:
        if m := _ISO_DATE.fullmatch(s):
            _check_time(m.group(4), m.group(5), m.group(6))
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _DMY.fullmatch(s):
            _check_time(m.group(4), m.group(5), m.group(6))
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if m := _SERIAL.fullmatch(s):
            return _EXCEL_EPOCH + dt.timedelta(days=int(m.group(1)))
    except ValueError:
        pass
    raise ValueError(f"Ogiltigt datum {s!r}: väntade ÅÅÅÅ-MM-DD, DD/MM/ÅÅÅÅ eller ett Excel-datum.")


def parse_month(text: str | None) -> dt.date:
    """The first day of a month from ``YYYY-MM`` (also ``YYYY-M`` and SCB's
    ``2024M05``), or any date :func:`parse_date` accepts."""
    if text is None or not text.strip():
        raise ValueError("Månad saknas.")
    s = text.strip()
    if m := _MONTH.fullmatch(s):
        month = int(m.group(2))
        if 1 <= month <= 12:
            return dt.date(int(m.group(1)), month, 1)
    else:
        try:
            return parse_date(s).replace(day=1)
        except ValueError:
            pass
    raise ValueError(f"Ogiltig månad {s!r}: väntade ÅÅÅÅ-MM, ett datum eller ett Excel-datum.")

