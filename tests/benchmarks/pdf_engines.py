"""WeasyPrint against Debian's chromium print-to-PDF on the same lägesbild HTML (issue 15, part 3).

    .venv/bin/python tests/benchmarks/pdf_engines.py [--output output] [--periods 2023-T1,2026-T2]
                                                     [--repeat 3] [--pages DIR]

Reads the lagesbild.html files of a `make run`'s output. Per report, best and median wall seconds of
`--repeat`: WeasyPrint as the pipeline calls it (pdf_variant pdf/ua-1, in-process, import
timed apart); chromium cold (`chromium --headless --print-to-pdf`, one process per report,
start included); chromium warm (one browser through Playwright, a page per report, launch and
driver included in its CPU); and each engine's CPU seconds (chromium uses both cores). Then
tests/pdf_ua.py's checks and the page count of each engine's PDF, and with --pages the
pages rendered by pdftoppm side by side (one PNG per engine and report) to look at.
Only /usr/bin/chromium is used: no browser is downloaded. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import logging
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.e2e.test_report_browser import ARGS, CHROMIUM, SECTIONS  # noqa: E402  (the browser tests' chromium)
from tests.pdf_ua import assert_pdf_ua  # noqa: E402


def weasyprint_pdf(html: Path, target: Path) -> None:
    import weasyprint

    from pipelines.picture.render import PDF_VARIANT

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    target.write_bytes(weasyprint.HTML(string=html.read_text(encoding="utf-8"),
                                       base_url=str(html.parent)).write_pdf(pdf_variant=PDF_VARIANT))


def chromium_cold(html: Path, target: Path) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([CHROMIUM, "--headless", *ARGS, f"--user-data-dir={profile}", "--no-pdf-header-footer",
                        "--generate-pdf-document-outline", f"--print-to-pdf={target}", html.as_uri()],
                       check=True, capture_output=True)


class WarmChromium:
    """One headless chromium (Debian's) kept open across reports, driven by Playwright."""

    def __enter__(self):
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        return self

    def pdf(self, html: Path, target: Path) -> None:
        page = self.browser.new_page()
        page.goto(html.as_uri(), wait_until="load")
        target.write_bytes(page.pdf(prefer_css_page_size=True, print_background=True, tagged=True, outline=True))
        page.close()

    def __exit__(self, *exc):
        self.browser.close()
        self.playwright.stop()


def pdf_ua_verdict(path: Path, title: str) -> str:
    try:
        s = assert_pdf_ua(path, title, SECTIONS)
    except AssertionError as exc:
        return f"FAILS: {str(exc).splitlines()[0][:90]}"
    return f"passes ({s['tags']['/Figure']} figures, {s['tags']['/Table']} tables)"


def pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def contact_sheet(pdf: Path, target: Path) -> None:
    """Every page of `pdf` at 40 dpi, ten to a row, in one PNG."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), f"{tmp}/p"], check=True)
        images = [Image.open(p) for p in sorted(Path(tmp).glob("p-*.png"))]
        w, h = images[0].size
        sheet = Image.new("RGB", (w * 10, h * ((len(images) + 9) // 10)), "white")
        for i, image in enumerate(images):
            sheet.paste(image, ((i % 10) * w, (i // 10) * h))
        sheet.save(target)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--output", type=Path, default=REPO / "output")
    ap.add_argument("--periods", default="2023-T1,2024-T3,2025-T2,2026-T2")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pages", type=Path, help="write contact sheets of every engine's pages here")
    args = ap.parse_args()
    periods = args.periods.split(",")
    htmls = {p: args.output / p / "lagesbild.html" for p in periods}
    missing = [str(h) for h in htmls.values() if not h.exists()]
    if missing:
        sys.exit(f"saknas (kör make run först): {', '.join(missing)}")
    work = Path(tempfile.mkdtemp(prefix="pdf-engines-"))
    seconds: dict[tuple[str, str], list[float]] = {}
    cpu: dict[str, float] = {}  # CPU seconds of all repeats: this process's, and its reaped children's

    def cpu_now() -> float:
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    def measure(engine: str, make) -> None:
        for _ in range(args.repeat):
            for period, html in htmls.items():
                start = time.perf_counter()
                make(html, work / f"{engine}-{period}.pdf")
                seconds.setdefault((engine, period), []).append(time.perf_counter() - start)

    start = time.perf_counter()
    import weasyprint  # noqa: F401

    imported = time.perf_counter() - start
    for engine, make in (("weasyprint", weasyprint_pdf), ("chromium-cold", chromium_cold)):
        used = cpu_now()
        measure(engine, make)
        cpu[engine] = cpu_now() - used
    used, start = cpu_now(), time.perf_counter()
    with WarmChromium() as browser:  # the browser's CPU is counted when Playwright's driver is reaped
        launched = time.perf_counter() - start
        measure("chromium-warm", browser.pdf)
    cpu["chromium-warm"] = cpu_now() - used

    print(f"{len(periods)} reports ({', '.join(periods)}), best / median of {args.repeat}, seconds")
    print(f"  weasyprint import {imported:.2f} s; chromium launch through Playwright {launched:.2f} s (once)")
    for engine in ("weasyprint", "chromium-cold", "chromium-warm"):
        cells = [seconds[(engine, p)] for p in periods]
        per = "  ".join(f"{p} {min(c):5.2f}/{statistics.median(c):5.2f}" for p, c in zip(periods, cells))
        total = sum(statistics.median(c) for c in cells)
        print(f"  {engine:<14} {per}   all {total:6.2f}   CPU {cpu[engine] / args.repeat:6.2f} per repeat")
    print("PDF/UA checks (tests/pdf_ua.py) and pages")
    for engine in ("weasyprint", "chromium-cold", "chromium-warm"):
        for period in periods:
            pdf = work / f"{engine}-{period}.pdf"
            verdict = pdf_ua_verdict(pdf, f"Lägesbild Östhammars kommun – {period}")
            print(f"  {engine:<14} {period}: {pages(pdf):3d} pages, PDF/UA {verdict}")
            if args.pages:
                args.pages.mkdir(parents=True, exist_ok=True)
                contact_sheet(pdf, args.pages / f"{period}-{engine}.png")
    print(f"PDFs in {work}")


if __name__ == "__main__":
    main()
