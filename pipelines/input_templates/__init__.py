"""Fill-in templates for the people who send the municipality data (`make templates`).

Bad rows mostly come from spreadsheets each partner invents; a template with the
loader's own columns, drop-down lists and checks prevents most of them. Written into
one folder per municipality (today `$LAGESBILD_OUTPUT_DIR/mallar/`):

- partnerrapport.xlsx / .csv: the partner template (DATA-CONTRACT §2.5);
- lokalpolis.xlsx / .csv: the local police extract (§2.4);
- questions.yaml: with a survey export, a skeleton of the question catalogue (§2.3).

Nothing here decides what a loader accepts: the columns, categories, areas and limits
are read from the loaders, the dbt seeds and municipality.yaml.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..config import ConfigError, Municipality, load_questions
from . import forms, questions, workbook

PARTNER = "partnerrapport"
POLICE_LOCAL = "lokalpolis"
QUESTIONS = "questions.yaml"
FOLDER = "mallar"


@dataclass(frozen=True)
class Written:
    path: Path
    description: str  # Swedish, for the console


def template_dir(output_dir: Path, municipality_folder: str | None = None) -> Path:
    """Where the templates go: output/mallar, or output/mallar/<folder> for one of several
    municipalities."""
    base = output_dir / FOLDER
    return base / municipality_folder if municipality_folder else base


def write_templates(
    municipality: Municipality, target: Path, *, as_of: dt.date, survey: Path | None = None
) -> list[Written]:
    """Write every template into `target`; the questions skeleton only with a survey export.
    A survey export that cannot be read raises the reader's FileFormatError (a Swedish reason)."""
    target.mkdir(parents=True, exist_ok=True)
    written: list[Written] = []
    for name, template, what in (
        (PARTNER, forms.partner_template(municipality, as_of), "partnerrapport"),
        (POLICE_LOCAL, forms.police_local_template(municipality, as_of), "utdrag från lokalpolisen"),
    ):
        xlsx, csv = target / f"{name}.xlsx", target / f"{name}.csv"
        workbook.write_xlsx(template, xlsx)
        workbook.write_csv(template, csv)
        lists = " och ".join(c.name for c in template.columns if c.choices)
        written.append(Written(xlsx, f"mall för {what} i Excel: rullistor för {lists}, kontroller, "
                                     f"hjälptexter och ett blad med instruktioner och ett exempel"))
        written.append(Written(csv, f"samma mall som CSV (bara rubrikraden: {';'.join(template.header)})"))
    if survey is not None:
        written.append(write_questions(survey, municipality, target / QUESTIONS))
    return written


def write_questions(survey: Path, municipality: Municipality, path: Path) -> Written:
    skeleton = questions.build(survey, municipality)
    path.write_text(skeleton.text, encoding="utf-8")
    try:
        load_questions(path)
        verdict = "validerar som den är, men kontrollera förslagen"
    except ConfigError:
        verdict = f"validerar inte ännu: fyll i de {skeleton.todos} ställen som är märkta {questions.TODO}"
    left_out = f", {len(skeleton.left_out)} kolumner som pekar ut den svarande utelämnade" if skeleton.left_out else ""
    return Written(path, f"utkast till frågekatalog från {survey.name}: {skeleton.questions} frågor{left_out}; {verdict}")
