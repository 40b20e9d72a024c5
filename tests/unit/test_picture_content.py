"""Quotes chosen for the report: never a personal message."""

import re

import pytest

from pipelines.picture.marts import PERSONAL


@pytest.mark.parametrize("answer, personal", [
    ("Mörkt och otryggt vid busstationen på kvällarna.", False),
    ("Jag heter Per Påhittad, personnummer [personnummer], och vill bli kontaktad.", True),
    ("Ring mig på [telefon] om cyklarna som försvinner vid hamnen.", True),
    ("[namn] brukar stå vid kiosken på kvällarna.", True),
    ("Skriv till mig, mitt namn finns hos er.", True),
])
def test_an_answer_that_was_redacted_or_names_its_writer_is_never_quoted(answer, personal):
    assert bool(re.search(PERSONAL, answer)) is personal


@pytest.mark.parametrize("first_read", ["Östby", "Almby"])
def test_an_answer_given_in_two_areas_is_quoted_under_the_same_area_whatever_the_read_order(first_read):
    import duckdb

    from pipelines.picture.marts import Marts, Shared

    con = duckdb.connect()
    con.execute("create schema intermediate; create schema marts")
    con.execute("create table marts.dim_area (kommun_code varchar, area_id varchar, area_name varchar)")
    con.execute("insert into marts.dim_area values ('0382', 'a', 'Almby'), ('0382', 'o', 'Östby')")
    con.execute("create table intermediate.int_survey_free_text "
                "(period varchar, kommun_code varchar, area_id varchar, answer_text varchar)")
    same = "Mörkt och otryggt vid busstationen på kvällarna."
    order = ["o", "a"] if first_read == "Östby" else ["a", "o"]
    for area in order:  # one thread, so DuckDB reads them back in this order without an order by
        con.execute("insert into intermediate.int_survey_free_text values ('2026-T2', '0382', ?, ?)", [area, same])
    con.execute("set threads = 1")
    shared = Shared.__new__(Shared)  # only what quotes() reads: the answers, read for all at once
    shared.con, shared.only, shared._free_text = con, None, None
    marts = Marts.__new__(Marts)
    marts.con, marts.code, marts.shared = con, "0382", shared
    assert marts.quotes("2026-T2") == [("Almby", same)]
