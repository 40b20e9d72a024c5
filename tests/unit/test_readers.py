"""pipelines.ingest.readers: every format of DATA-CONTRACT.md 2.6, and the bad files."""

from __future__ import annotations

import datetime as dt

import pytest
import xlsxwriter

from pipelines.ingest import readers
from pipelines.ingest.common import file_sha256
from pipelines.ingest.readers import (
    FileFormatError,
    parse_date,
    parse_decimal,
    parse_int,
    parse_month,
    read_table,
)

PARTNER = ["Datum", "Partner", "Kategori", "Område", "Plats", "Antal", "Beskrivning"]


def write(tmp_path, name, data: bytes | str, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def reason(path, **kwargs) -> str:
    with pytest.raises(FileFormatError) as info:
        read_table(path, **kwargs)
    assert info.value.path == path
    return info.value.reason


# ------------------------------------------------------------------ CSV dialects


def test_bra_file_utf8_bom_semicolon_crlf(tmp_path):
    path = write(
        tmp_path,
        "Anmälda brott 2024.csv",
        "\ufeffKommun;Antal;Per 100 000 inv.\r\nAle kommun;1 234;5 678,9\r\nHela landet;1\u00a0500\u00a0000;14 000\r\n",
    )
    t = read_table(path)
    assert t.columns == ["Kommun", "Antal", "Per 100 000 inv."]
    assert t.rows == [["Ale kommun", "1 234", "5 678,9"], ["Hela landet", "1\u00a0500\u00a0000", "14 000"]]
    assert t.row_numbers == [2, 3]
    assert (t.encoding, t.delimiter, t.sheet, t.header_row) == ("utf-8-sig", ";", None, 1)


def test_comma_file_with_quoted_newlines_separators_and_quotes(tmp_path):
    text = (
        "Datum,Partner,Kategori,Område,Plats,Antal,Beskrivning\n"
        '2024-05-01,Coop,snatteri,Alunda,"Butik, entré",2,"Rad ett\nrad två; semikolon, komma"\n'
        '2024-05-02,ICA,klotter,Alunda,Skolan,,"Han sa ""hej"""\n'
        "2024-05-03,ICA,klotter,Alunda,Skolan,1,Kort\n"
    )
    t = read_table(write(tmp_path, "p.csv", text))
    assert t.delimiter == ","
    assert t.columns == PARTNER
    assert t.rows == [
        ["2024-05-01", "Coop", "snatteri", "Alunda", "Butik, entré", "2", "Rad ett\nrad två; semikolon, komma"],
        ["2024-05-02", "ICA", "klotter", "Alunda", "Skolan", None, 'Han sa "hej"'],
        ["2024-05-03", "ICA", "klotter", "Alunda", "Skolan", "1", "Kort"],
    ]
    # The record that spans lines 2-3 starts on line 2; the next one is on line 4.
    assert t.row_numbers == [2, 4, 5]


def test_tab_separated(tmp_path):
    t = read_table(write(tmp_path, "t.csv", "Månad\tOmråde\tAntal\n2024-01\tAlunda\t3\n2024-02\tGimo\t..\n"))
    assert t.delimiter == "\t"
    assert t.columns == ["Månad", "Område", "Antal"]
    assert t.rows == [["2024-01", "Alunda", "3"], ["2024-02", "Gimo", ".."]]


def test_windows_1252_with_swedish_letters(tmp_path):
    text = "Månad;Område;Brottskategori;Antal\r\n2024-01;Öregrund;Stöld – ringa;3\r\n2024-02;Älvkarleby;skadegörelse;5\r\n"
    path = write(tmp_path, "lokal.csv", text, encoding="cp1252")
    assert b"\xe5" in path.read_bytes()  # really cp1252, not UTF-8
    t = read_table(path)
    assert t.encoding == "cp1252"
    assert t.columns == ["Månad", "Område", "Brottskategori", "Antal"]
    assert t.rows == [["2024-01", "Öregrund", "Stöld – ringa", "3"], ["2024-02", "Älvkarleby", "skadegörelse", "5"]]


def test_utf16_unicode_text_export(tmp_path):
    path = write(tmp_path, "u.txt", "Område\tAntal\r\nÖregrund\t2\r\n", encoding="utf-16")
    t = read_table(path)
    assert (t.encoding, t.delimiter) == ("utf-16", "\t")
    assert t.rows == [["Öregrund", "2"]]


def test_cells_are_trimmed_and_empty_is_none(tmp_path):
    t = read_table(write(tmp_path, "s.csv", "  a ; b;c\n 1 ;  ;\u00a0x\u00a0\n"))
    assert t.columns == ["a", "b", "c"]
    assert t.rows == [["1", None, "x"]]


def test_trailing_empty_columns_and_rows_are_dropped(tmp_path):
    text = "a;b;c;;\n1;2;3;;\n;;;;\n4;;6;;\n;;;;\n\n\n"
    t = read_table(write(tmp_path, "tr.csv", text))
    assert t.columns == ["a", "b", "c"]
    assert t.rows == [["1", "2", "3"], ["4", None, "6"]]
    assert t.row_numbers == [2, 4]


def test_ragged_rows_are_padded_or_kept(tmp_path):
    text = "Månad;Område;Brottskategori;Antal\n2024-01;Gimo;stöld;3\n2024-02;Gimo;inbrott;4;extra;mer\n2024-03;Gimo\n"
    t = read_table(write(tmp_path, "r.csv", text))
    assert t.delimiter == ";"  # DuckDB's plain sniffer answers "," for this file
    assert t.rows == [
        ["2024-01", "Gimo", "stöld", "3"],
        ["2024-02", "Gimo", "inbrott", "4", "extra", "mer"],
        ["2024-03", "Gimo", None, None],
    ]


def test_title_rows_above_header_in_csv(tmp_path):
    text = "Partnerrapport, Östhammar, 2024\n\nDatum;Partner;Kategori;Antal\n2024-05-01;Coop;snatteri;1\n2024-05-02;ICA;snatteri;\n"
    path = write(tmp_path, "titel.csv", text)
    t = read_table(path, expected_columns=["datum", "KATEGORI", " Antal "])
    assert t.delimiter == ";"
    assert t.columns == ["Datum", "Partner", "Kategori", "Antal"]
    assert t.header_row == 3
    assert t.rows == [["2024-05-01", "Coop", "snatteri", "1"], ["2024-05-02", "ICA", "snatteri", None]]
    assert t.row_numbers == [4, 5]
    # Without expected_columns the first non-empty row is the header.
    assert read_table(path).columns == ["Partnerrapport, Östhammar, 2024"]


def test_missing_expected_columns_named_in_swedish(tmp_path):
    path = write(tmp_path, "fel.csv", "Rapport\nDatum;Partner;Antal\n2024-05-01;Coop;1\n")
    assert reason(path, expected_columns=["Datum", "Kategori", "Område"]) == (
        "Hittar ingen rubrikrad med kolumnerna Datum, Kategori, Område. Närmast är rad 2, där Kategori, Område saknas."
    )
    assert reason(path, expected_columns=["Månad", "Antal x"]) == (
        "Hittar ingen rubrikrad med kolumnerna Månad, Antal x."
    )


def test_other_separators_are_tried_when_the_sniffed_one_has_no_header(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "_sniff_delimiter", lambda text: ",")
    path = write(tmp_path, "s.csv", "Titel, med komma\nMånad;Antal\n2024-01;3\n")
    t = read_table(path, expected_columns=["Månad", "Antal"])
    assert t.delimiter == ";"
    assert t.rows == [["2024-01", "3"]]


def test_headerless_file(tmp_path):
    t = read_table(write(tmp_path, "bra 2015.csv", "Ale kommun;1 234;5 678,9\nHela landet;1 500 000;14 000\n"), header=False)
    assert t.columns == ["column1", "column2", "column3"]
    assert t.rows == [["Ale kommun", "1 234", "5 678,9"], ["Hela landet", "1 500 000", "14 000"]]
    assert t.row_numbers == [1, 2]
    assert t.header_row is None


def test_header_only_gives_zero_rows(tmp_path):
    t = read_table(write(tmp_path, "h.csv", "Datum;Partner;Antal\r\n"))
    assert t.columns == ["Datum", "Partner", "Antal"]
    assert t.rows == [] and t.row_numbers == []


def test_one_megabyte_cell(tmp_path):
    big = "Lång text; med semikolon, och komma. " * 28_000  # > 1 MB, above csv's default field limit
    assert len(big) > 1_000_000
    text = f'id;Beskrivning\n1;"{big}"\n2;kort\n'
    t = read_table(write(tmp_path, "big.csv", text))
    assert t.delimiter == ";"
    assert t.rows[0] == ["1", big.strip()]
    assert t.rows[1] == ["2", "kort"]
    assert t.row_numbers == [2, 3]


def test_many_rows_keep_their_line_numbers(tmp_path):
    lines = ["Månad;Antal"] + [f"2024-01;{i}" for i in range(20_000)]
    lines.insert(15_000, '2024-02;"två\nrader"')
    t = read_table(write(tmp_path, "m.csv", "\n".join(lines) + "\n"))
    assert len(t.rows) == 20_001
    assert t.rows[14_999] == ["2024-02", "två\nrader"]
    assert t.row_numbers[14_998:15_001] == [15_000, 15_001, 15_003]
    assert t.rows[-1] == ["2024-01", "19999"] and t.row_numbers[-1] == 20_003
    assert t.row_numbers[:3] == [2, 3, 4]


def test_column_index_matches_like_the_contract(tmp_path):
    t = read_table(write(tmp_path, "c.csv", "Svars-ID;  Upplever du  problem? ;Område\n1;Ja;Gimo\n"))
    assert t.column_index("upplever du problem?") == 1
    assert t.column_index("OMRÅDE") == 2
    assert t.column_index("Namn") is None


# ------------------------------------------------------------------ bad files


@pytest.mark.parametrize("content", [b"", b"   \r\n\r\n", b";;;\n;;;\n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path, content):
    assert reason(write(tmp_path, "tom.csv", content)) == "Filen är tom."


def test_binary_garbage_named_csv(tmp_path):
    garbage = bytes(range(256)) * 20
    assert reason(write(tmp_path, "skräp.csv", garbage)) == "Filen är inte en läsbar CSV- eller Excel-fil."


def test_control_characters_without_nul(tmp_path):
    garbage = bytes([1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 16, 65]) * 100
    assert reason(write(tmp_path, "skräp.csv", garbage)) == "Filen är inte en läsbar CSV- eller Excel-fil."


def test_unsupported_extension(tmp_path):
    assert reason(write(tmp_path, "rapport.pdf", b"%PDF-1.4")) == (
        "Filtypen .pdf stöds inte. Skicka en CSV- eller Excel-fil (.xlsx)."
    )
    assert reason(write(tmp_path, "gammal.xls", b"\xd0\xcf\x11\xe0rest")) == (
        "Det gamla Excel-formatet (.xls) stöds inte. Spara filen som .xlsx."
    )


def test_truncated_xlsx(tmp_path):
    good = make_xlsx(tmp_path / "hel.xlsx", [["Datum", "Antal"], ["2024-05-01", 1]])
    path = write(tmp_path, "trasig.xlsx", good.read_bytes()[:1500])
    assert reason(path) == "Excel-filen är skadad eller ofullständig och kan inte läsas."


def test_text_named_xlsx(tmp_path):
    path = write(tmp_path, "fel.xlsx", "Datum;Antal\n2024-05-01;1\n")
    assert reason(path) == "Filen heter .xlsx men är ingen läsbar Excel-fil."


def test_missing_file(tmp_path):
    assert reason(tmp_path / "finns-inte.csv").startswith("Filen kan inte öppnas")


# ------------------------------------------------------------------ xlsx


def make_xlsx(path, rows, *, start_row=0, start_col=0, hide_first=False):
    wb = xlsxwriter.Workbook(str(path))
    if hide_first:
        hidden = wb.add_worksheet("Dold")
        hidden.write(0, 0, "hemligt")
    ws = wb.add_worksheet("Rapport")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    datetime_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            at = (start_row + r, start_col + c)
            if isinstance(value, dt.datetime):
                ws.write_datetime(*at, value, datetime_fmt)
            elif isinstance(value, dt.date):
                ws.write_datetime(*at, dt.datetime.combine(value, dt.time()), date_fmt)
            elif isinstance(value, str):
                ws.write_string(*at, value)
            elif value is not None:
                ws.write(*at, value)
    if hide_first:
        ws.activate()
        hidden.hide()
    wb.close()
    return path


def test_xlsx_with_title_rows_dates_and_numbers(tmp_path):
    path = make_xlsx(
        tmp_path / "partner.xlsx",
        [
            ["Partnerrapport Coop Alunda"],
            [],
            ["Datum", "Partner", "Kategori", "Antal", "Belopp", "Tid", None, None],
            [dt.date(2024, 5, 1), "Coop", "snatteri", 3, 1234.5, dt.datetime(2024, 5, 1, 13, 45)],
            [dt.date(2024, 5, 2), "  Coop ", "klotter", 2.0, 0.1, dt.datetime(2024, 5, 2, 0, 0)],
            [],
            [45413, None, "=ingen formel", 12345678, -7, None],
        ],
        start_row=1,
        start_col=1,
    )
    t = read_table(path, expected_columns=["Datum", "Kategori", "Antal"])
    assert (t.encoding, t.delimiter, t.sheet) == ("xlsx", None, "Rapport")
    assert t.columns == ["Datum", "Partner", "Kategori", "Antal", "Belopp", "Tid"]
    assert t.header_row == 4
    assert t.rows == [
        ["2024-05-01", "Coop", "snatteri", "3", "1234.5", "2024-05-01 13:45:00"],
        ["2024-05-02", "Coop", "klotter", "2", "0.1", "2024-05-02"],
        ["45413", None, "=ingen formel", "12345678", "-7", None],
    ]
    assert t.row_numbers == [5, 6, 8]


def test_xlsx_header_on_first_non_empty_row(tmp_path):
    path = make_xlsx(tmp_path / "lokal.xlsx", [["Månad", "Område", "Antal"], [dt.date(2024, 1, 1), "Gimo", 4]], start_row=2)
    t = read_table(path)
    assert t.columns == ["Månad", "Område", "Antal"]
    assert t.rows == [["2024-01-01", "Gimo", "4"]]
    assert t.row_numbers == [4]


def test_xlsx_first_visible_sheet(tmp_path):
    path = make_xlsx(tmp_path / "dold.xlsx", [["Månad", "Antal"], ["2024-01", 1]], hide_first=True)
    t = read_table(path)
    assert t.sheet == "Rapport"
    assert t.rows == [["2024-01", "1"]]


def test_xlsx_without_table(tmp_path):
    path = make_xlsx(tmp_path / "tom.xlsx", [])
    assert reason(path) == "Första bladet (Rapport) i Excel-filen innehåller ingen tabell."


def test_xlsx_missing_expected_columns(tmp_path):
    path = make_xlsx(tmp_path / "x.xlsx", [["Titel"], ["Datum", "Antal"], ["2024-05-01", 1]])
    assert reason(path, expected_columns=["Datum", "Kategori"]) == (
        "Hittar ingen rubrikrad med kolumnerna Datum, Kategori. Närmast är rad 2, där Kategori saknas."
    )


# ------------------------------------------------------------------ values


@pytest.mark.parametrize(
    "text, expected",
    [("1234", 1234), ("1 234", 1234), ("1\u00a0234", 1234), (" 12 ", 12), ("-3", -3), ("\u22123", -3),
     ("12,0", 12), ("12.00", 12), ("0", 0), ("1 500 000", 1500000), (None, None), ("", None), ("  ", None)],
)
def test_parse_int(text, expected):
    assert parse_int(text) == expected


@pytest.mark.parametrize("text", ["abc", "1,5", "1,000", "1.000", "12 34", "..", "1e3", "3 st"])
def test_parse_int_rejects(text):
    with pytest.raises(ValueError):
        parse_int(text)


def test_parse_int_message_is_swedish():
    with pytest.raises(ValueError, match="'abc' är inte ett heltal."):
        parse_int("abc")


@pytest.mark.parametrize(
    "text, expected",
    [("123,4", 123.4), ("123.4", 123.4), ("5 678,9", 5678.9), ("1\u00a0234,5", 1234.5), ("14 000", 14000.0),
     ("-0,5", -0.5), (",5", 0.5), ("7", 7.0)],
)
def test_parse_decimal(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["abc", "1,234.5", "1.2.3", "", None, "12 34,5", "inf", "nan"])
def test_parse_decimal_rejects(text):
    with pytest.raises(ValueError):
        parse_decimal(text)


@pytest.mark.parametrize(
    "text, expected",
    [("2024-05-01", dt.date(2024, 5, 1)), ("01/05/2024", dt.date(2024, 5, 1)), ("1/5/2024", dt.date(2024, 5, 1)),
     ("2024-05-01 13:45", dt.date(2024, 5, 1)), ("2024-05-01 13:45:00", dt.date(2024, 5, 1)),
     ("2024-05-01T07:05:09", dt.date(2024, 5, 1)), ("45413", dt.date(2024, 5, 1)),
     ("45413.5729", dt.date(2024, 5, 1)), (" 2024-12-31 ", dt.date(2024, 12, 31))],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2024-02-30", "31/13/2024", "2024-05-01 25:00", "igår", "", None, "2024", "05/01/24"])
def test_parse_date_rejects(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_parse_date_message_is_swedish():
    with pytest.raises(ValueError, match="Ogiltigt datum 'igår'"):
        parse_date("igår")


@pytest.mark.parametrize(
    "text, expected",
    [("2024-05", dt.date(2024, 5, 1)), ("2024-5", dt.date(2024, 5, 1)), ("2024M05", dt.date(2024, 5, 1)),
     ("2024-05-17", dt.date(2024, 5, 1)), ("45413", dt.date(2024, 5, 1)), ("2024-05-01 00:00:00", dt.date(2024, 5, 1))],
)
def test_parse_month(text, expected):
    assert parse_month(text) == expected


@pytest.mark.parametrize("text", ["2024-13", "2024-00", "maj 2024", "", None])
def test_parse_month_rejects(text):
    with pytest.raises(ValueError):
        parse_month(text)


def test_file_sha256(tmp_path):
    path = write(tmp_path, "abc.csv", b"abc")
    assert file_sha256(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@pytest.mark.parametrize("text, expected", [
    ("Datum;Antal\n2026-03-01;1\n2026-03-02;2\n", ";"),
    ("a,b,c\n1,2,3\n", ","),
    ("a\tb\n1\t2\n", "\t"),
    ("Län;Antal\nUppsala;1,5\nGävle;2\n", ";"),  # a decimal comma in some rows: ';' alone is regular
])
def test_a_plain_file_decides_its_separator_without_the_sniffer(text, expected):
    assert readers._plain_delimiter(text) == expected


@pytest.mark.parametrize("text", [
    "Rapport mars\nDatum;Antal\n2026-03-01;1\n",  # a title row
    'Datum;Text\n2026-03-01;"a;b"\n',  # a quoted cell
    "a;b;c\n1;2\n",  # ragged
    "x,1;y\nz,2;w\n",  # two separators just as regular
    "one column\nvalue\n",
    "Datum;Antal\n",  # one line
])
def test_anything_less_plain_goes_to_the_sniffer(text):
    assert readers._plain_delimiter(text) is None


def test_the_plain_check_agrees_with_the_sniffer_on_every_shipped_csv():
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    files, decided = sorted((repo / "data").rglob("*.csv")), 0
    for path in files:
        text, _ = readers._decode(path, path.read_bytes())
        plain = readers._plain_delimiter(text)
        if plain is not None:
            decided += 1
            sample = text[: readers.SNIFF_SAMPLE]
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(readers, "_plain_delimiter", lambda text: None)
                assert readers._sniff_delimiter(sample) == plain, path
    assert decided > 0.75 * len(files)  # most exports are plain: the sniffer is the exception (80 of 93)
