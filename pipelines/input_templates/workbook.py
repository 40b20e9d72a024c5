"""A fill-in template as an Excel workbook and as its CSV twin.

The loaders read the first visible sheet of an .xlsx, header on the first non-empty
row (pipelines/ingest/readers.py), so the layout is fixed by that: the data sheet
comes first, header on row 1, nothing else on it. The instructions, with their worked
example row, are on a second sheet that is never read as data; the drop-down lists
live on a third, hidden sheet, so that editing the instructions cannot break them.
"""

from __future__ import annotations

import codecs
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

# Validation and formats cover this many data rows (a partner file has hundreds at most).
ROWS = 10_000
LIST_SHEET = "Listor"
INSTRUCTION_SHEET = "Instruktioner"
FAR_DATE = dt.date(2099, 12, 31)


@dataclass(frozen=True)
class Column:
    """One column of a template: its header, how wide it is, what the tooltip says,
    and what Excel accepts in it."""

    name: str
    width: float
    required: bool
    help: str  # the tooltip (input message), at most 255 characters
    explanation: str  # the longer text on the instruction sheet
    example: object  # the worked example's value
    validation: dict | None = None  # xlsxwriter data_validation options (without the input message)
    number_format: str | None = None
    choices: tuple[str, ...] = ()  # a drop-down list (validation 'list' from the hidden sheet)
    choices_strict: bool = True  # False: a value outside the list is allowed after a warning
    choices_error: str = ""


@dataclass(frozen=True)
class Template:
    """A template: the data sheet's name and columns, and the instruction sheet's text."""

    sheet: str
    title: str
    columns: tuple[Column, ...]
    intro: tuple[str, ...]
    sections: tuple[tuple[str, tuple[str, ...]], ...] = field(default_factory=tuple)

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]


def write_csv(template: Template, path: Path) -> None:
    """The header row only, ';'-separated, UTF-8 with BOM and CRLF: Excel opens it with
    å, ä, ö intact and one column per field."""
    path.write_bytes(codecs.BOM_UTF8 + (";".join(template.header) + "\r\n").encode("utf-8"))


def write_xlsx(template: Template, path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    try:
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                    "valign": "top"})
        data = workbook.add_worksheet(template.sheet)
        instructions = workbook.add_worksheet(INSTRUCTION_SHEET)
        lists = workbook.add_worksheet(LIST_SHEET)
        list_ranges = _write_lists(lists, template.columns)
        lists.hide()

        data.freeze_panes(1, 0)
        data.set_row(0, 30)
        for i, column in enumerate(template.columns):
            fmt = workbook.add_format({"num_format": column.number_format}) if column.number_format else None
            data.set_column(i, i, column.width, fmt)
            data.write_string(0, i, column.name, bold)
            data.data_validation(1, i, ROWS, i, _validation(column, list_ranges.get(column.name), xl_rowcol_to_cell(1, i)))
        data.autofilter(0, 0, 0, len(template.columns) - 1)
        data.activate()
        _write_instructions(workbook, instructions, template, bold)
    finally:
        workbook.close()


def _write_lists(sheet, columns: tuple[Column, ...]) -> dict[str, str]:
    """Each drop-down list as a column of the hidden sheet; {column name: its range}."""
    ranges: dict[str, str] = {}
    for j, column in enumerate(c for c in columns if c.choices):
        sheet.write_string(0, j, column.name)
        for i, choice in enumerate(column.choices, start=1):
            sheet.write_string(i, j, choice)
        letter = xl_col_to_name(j)
        ranges[column.name] = f"={LIST_SHEET}!${letter}$2:${letter}${len(column.choices) + 1}"
    return ranges


def _validation(column: Column, list_range: str | None, first_cell: str) -> dict:
    """The column's data validation with its Swedish tooltip (Excel: at most 32 characters
    of title, 255 of message). A custom formula names the range's first cell as {cell}."""
    options = dict(column.validation or {})
    if options.get("validate") == "custom":
        options["value"] = options["value"].format(cell=first_cell)
    if list_range:
        options = {
            "validate": "list",
            "source": list_range,
            "error_type": "stop" if column.choices_strict else "warning",
            "error_title": column.name,
            "error_message": column.choices_error or f"Välj ett värde i listan för {column.name}.",
        }
    if not options:
        options = {"validate": "any"}
    options.setdefault("ignore_blank", True)
    options["input_title"] = column.name[:32]
    options["input_message"] = column.help[:255]
    return options


def _write_instructions(workbook, sheet, template: Template, header_format) -> None:
    title = workbook.add_format({"bold": True, "font_size": 14})
    heading = workbook.add_format({"bold": True, "font_size": 11})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    cell = workbook.add_format({"text_wrap": True, "valign": "top", "border": 1})
    width = len(template.columns)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, max(2, width - 1), 26)
    sheet.set_column(2, 2, 70)
    sheet.set_column(3, 3, 28)

    row = 0
    sheet.write_string(row, 0, template.title, title)
    row += 2
    for paragraph in template.intro:
        sheet.merge_range(row, 0, row, 2, paragraph, wrap)
        sheet.set_row(row, 15 * max(1, len(paragraph) // 95 + 1))
        row += 1

    row += 1
    # The worked example is a column of this table, not a row under the template's header:
    # a sheet that repeats the header could be read as data if a partner moved it first.
    sheet.write_string(row, 0, "Kolumnerna, med en ifylld exempelrad", heading)
    row += 1
    for j, text in enumerate(("Kolumn", "Måste fyllas i", "Vad du skriver", "Exempel")):
        sheet.write_string(row, j, text, header_format)
    row += 1
    for column in template.columns:
        sheet.write_string(row, 0, column.name, cell)
        sheet.write_string(row, 1, "ja" if column.required else "nej", cell)
        sheet.write_string(row, 2, column.explanation, cell)
        value = column.example
        if isinstance(value, dt.date):
            date_format = {"valign": "top", "border": 1, "num_format": column.number_format or "yyyy-mm-dd"}
            sheet.write_datetime(row, 3, dt.datetime.combine(value, dt.time()), workbook.add_format(date_format))
        elif isinstance(value, int):
            sheet.write_number(row, 3, value, cell)
        else:
            sheet.write_string(row, 3, str(value or ""), cell)
        sheet.set_row(row, 15 * max(1, len(column.explanation) // 80 + 1))
        row += 1

    for name, paragraphs in template.sections:
        row += 1
        sheet.write_string(row, 0, name, heading)
        row += 1
        for paragraph in paragraphs:
            sheet.merge_range(row, 0, row, 2, paragraph, wrap)
            sheet.set_row(row, 15 * max(1, len(paragraph) // 95 + 1))
            row += 1
