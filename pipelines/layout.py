"""The data directory's layout: one municipality, or a region of several (DATA-CONTRACT §6).

A data dir is either one municipality's folder (DATA-CONTRACT §2), or a region:

    <data dir>/kommuner/<code>-<name>/   each laid out as §2 (municipality.yaml, surveys/, ...)
    <data dir>/police/events|bra|local/  shared sources, loaded once for all

This module only finds folders and reads each municipality.yaml's `code` and `name`
cheaply (without validating it: the municipality_config asset validates, and reports a
broken file in Swedish). Everything that needs "whose is this folder/file/output" asks here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

REGION_FOLDER = "kommuner"
MUNICIPALITY_FILE = "municipality.yaml"
ANALYSIS_FOLDER = "analysis"  # analysis/<period>.md: the coordinator's own analysis (DATA-CONTRACT §2.7)
# Shared sources at the root of a region (settings.SOURCE_DIRS keys); the others are per municipality.
SHARED_SOURCES = ("police_events", "police_bra", "police_local", "scb", "kolada", "kolada_kpis")
REGION_OUTPUT = "region"
_CODE_PREFIX = re.compile(r"^(\d{4})(?:[-_ ]+|$)")


@dataclass(frozen=True)
class MunicipalityDir:
    """One municipality's folder. `code` is the key; the folder name is only for people."""

    path: Path
    code: str
    name: str
    # relative to the data dir, POSIX, with a trailing slash; "" for a single-municipality data dir
    prefix: str

    @property
    def municipality_file(self) -> Path:
        return self.path / MUNICIPALITY_FILE

    @property
    def pledges_file(self) -> Path:
        return self.path / "pledges.yaml"

    @property
    def actions_file(self) -> Path:
        return self.path / "actions.yaml"

    @property
    def questions_file(self) -> Path:
        return self.path / "surveys" / "questions.yaml"

    @property
    def analysis_dir(self) -> Path:
        return self.path / ANALYSIS_FOLDER

    def source_dir(self, folder: str) -> Path:
        """`folder` is a value of settings.SOURCE_DIRS ("partners", "police/local", ...)."""
        return self.path / folder

    @property
    def output_name(self) -> str:
        """The folder name of this municipality's outputs in a region: 0382-osthammar."""
        return f"{self.code}-{slug(self.name)}"


def analysis_name(period: str) -> str:
    """The coordinator's analysis of `period` within a municipality's folder: analysis/2026-T2.md.
    The report names it so (not by the full path): a report is the same alone and in a region,
    on any machine."""
    return f"{ANALYSIS_FOLDER}/{period}.md"


def slug(name: str) -> str:
    """Östhammar -> osthammar, Upplands Väsby -> upplands-vasby (file-name safe, ASCII)."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "kommun"


def is_region(data_dir: Path) -> bool:
    return (data_dir / REGION_FOLDER).is_dir()


_identities: dict[tuple, tuple[str, str]] = {}  # (folder, the file's mtime and size) -> (code, name)


def _read_identity(path: Path) -> tuple[str, str]:
    """code and name of a municipality folder, from its municipality.yaml when readable,
    else from the folder name (0360-tierp -> "0360", "tierp"); validation is not done here.
    Parsed again only when the file changed: the folders are listed for every report path,
    and parsing 290 files each time made a national run quadratic."""
    try:
        stat = (path / MUNICIPALITY_FILE).stat()
        key = (path, stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = (path, None, None)
    if key not in _identities:
        _identities[key] = _parse_identity(path)
    return _identities[key]


def _safe_load(text: str):
    """yaml.safe_load on libyaml when PyYAML has it (about ten times faster); what only the
    Python parser reads is still read."""
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return yaml.safe_load(text)


def _parse_identity(path: Path) -> tuple[str, str]:
    data = {}
    try:
        loaded = _safe_load((path / MUNICIPALITY_FILE).read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            data = loaded
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        pass
    match = _CODE_PREFIX.match(path.name)
    code = str(data.get("code") or (match.group(1) if match else path.name)).strip()
    if code.isdigit() and len(code) < 4:  # an unquoted 0382 read as the number 382
        code = code.zfill(4)
    name = str(data.get("name") or (path.name[match.end():] if match else path.name)).strip()
    return code, name


def municipality_dirs(data_dir: Path) -> list[MunicipalityDir]:
    """Every municipality folder of the data dir, in folder-name order. A region folder
    without municipality.yaml is still listed (its code from the folder name), so that
    loading it reports the missing file instead of silently leaving it out."""
    if not is_region(data_dir):
        code, name = _read_identity(data_dir)
        return [MunicipalityDir(data_dir, code, name, "")]
    folders = sorted(
        p for p in (data_dir / REGION_FOLDER).iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    )
    result = []
    for folder in folders:
        code, name = _read_identity(folder)
        result.append(MunicipalityDir(folder, code, name, f"{REGION_FOLDER}/{folder.name}/"))
    return result


def shared_source_dir(data_dir: Path, folder: str) -> Path | None:
    """The root folder of a shared source in a region (`folder` a value of SOURCE_DIRS);
    None in a single-municipality data dir, where the municipality's own folder is the root."""
    return data_dir / folder if is_region(data_dir) else None


def owner_of(source_file: str, dirs: list[MunicipalityDir]) -> str | None:
    """The code of the municipality whose folder holds `source_file` (relative to the data
    dir, POSIX); None for a shared file at the root of a region."""
    for entry in dirs:
        if entry.prefix == "" or source_file.startswith(entry.prefix):
            return entry.code
    return None


def municipality_output_dir(output_dir: Path, entry: MunicipalityDir, region: bool) -> Path:
    """Where a municipality's reports go: output/<period>/ alone, output/<code>-<name>/<period>/ in a region."""
    return output_dir / entry.output_name if region else output_dir
