"""`make pdf KOMMUN=0382 PERIOD=2026-T2`: the PDF of a lägesbild the run wrote without one
(LAGESBILD_PDF, DATA-CONTRACT §4.2); KOMMUN=region: of the regional overview, several codes
with commas. WeasyPrint paginates the HTML on disk, so the PDF says what that HTML says; a
later run that re-renders the tertial (its figures changed) removes it again unless
LAGESBILD_PDF selects it.

    python -m pipelines.picture.pdf [--kommun 0382[,0381|region]] [--period 2026-T2]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from ..settings import Settings
from .render import write_pdf

REGION = "region"
_PERIOD = re.compile(r"\d{4}-T[1-3]")


def html_of(settings: Settings, code: str | None, period: str | None) -> Path:
    """The HTML the PDF is made from: the lägesbild of `code` (None: the single municipality's)
    or the overview (`region`), of `period` (None: the newest tertial that has one)."""
    name = "oversikt.html" if code == REGION else "lagesbild.html"
    if code == REGION:
        base = settings.region_dir("x").parent
    elif code is None or not settings.is_region:
        base = settings.output_dir
    else:
        base = settings.municipality_output_dir(code)
    if period is None:
        found = sorted(p.parent.name for p in base.glob(f"*/{name}") if _PERIOD.fullmatch(p.parent.name))
        if not found:
            raise FileNotFoundError(f"ingen {name} under {base}: kör `make run` först")
        period = found[-1]
    path = base / period / name
    if not path.exists():
        raise FileNotFoundError(f"{path} finns inte: kör `make run` först (eller ange ett annat PERIOD)")
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kommun", help="kommunkod(er) med komma emellan, eller region (översikten)")
    ap.add_argument("--period", help="tertialet, t.ex. 2026-T2 (utan: det senaste)")
    args = ap.parse_args(argv)
    settings = Settings.from_env()
    codes = [c.strip() for c in args.kommun.split(",") if c.strip()] if args.kommun else [None]
    if codes == [None] and settings.is_region:
        print("Ange KOMMUN=<kod> (eller region för översikten): datamappen har flera kommuner.", file=sys.stderr)
        return 2
    try:
        for code in codes:
            html = html_of(settings, code, args.period)
            path, seconds = write_pdf(html.read_text(encoding="utf-8"), html.with_suffix(".pdf"))
            print(f"{path} ({seconds:.1f} s)")
    except (FileNotFoundError, KeyError) as exc:
        print(f"Ingen PDF: {exc}" if isinstance(exc, FileNotFoundError) else f"Ingen kommun med kod {exc}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
