"""`make templates [SURVEY=export.csv]`: python -m pipelines.input_templates [--survey PATH]."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import ConfigError, load_municipality
from ..ingest.common import BadFileError
from ..settings import Settings
from . import template_dir, write_templates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.input_templates",
        description="Skriver mallar för partnerrapporter och lokalpolisens utdrag, och med --survey "
        "ett utkast till questions.yaml, i $LAGESBILD_OUTPUT_DIR/mallar/.",
    )
    parser.add_argument("--survey", type=Path, help="en enkätexport (CSV eller xlsx) att bygga questions.yaml från")
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    try:
        municipality = load_municipality(settings.municipality_file)
    except ConfigError as exc:
        for line in exc.lines:  # one FEL line per problem, as `make run` prints them
            print(f"FEL {line}", file=sys.stderr)
        return 1
    target = template_dir(settings.output_dir)
    try:
        written = write_templates(municipality, target, as_of=settings.as_of, survey=args.survey)
    except BadFileError as exc:
        print(f"FEL {args.survey}: {exc.reason}", file=sys.stderr)
        return 1
    print(f"Mallar för {municipality.name} i {target}:")
    for item in written:
        print(f"  {item.path.name}: {item.description}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
