"""One German reading of numbers and dates, whatever the entry point."""

import datetime
from decimal import Decimal

import pytest

from registry.parsing import parse_date, parse_number

NUMBERS = [
    ("1.250", Decimal("1250")),
    ("1.250,5", Decimal("1250.5")),
    ("1,5", Decimal("1.5")),
    ("9,50 €", Decimal("9.50")),
    ("80 m²", Decimal("80")),
    ("12.5", Decimal("12.5")),
    ("1 250,5", Decimal("1250.5")),
    ("120", Decimal("120")),
]


@pytest.mark.parametrize(("text", "value"), NUMBERS)
def test_german_numbers_read_as_people_mean_them(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["ca. 80", "80-100", "NaN", "Infinity", "1e309", "abc", "", "1,2,3"])
def test_numbers_that_are_not_exact_are_refused_naming_the_value(text):
    with pytest.raises(ValueError, match="keine Zahl"):
        parse_number(text)


@pytest.mark.parametrize("text", ["01.12.2026", "2026-12-01", "01.12.26"])
def test_dates_in_the_written_forms(text):
    assert parse_date(text) == datetime.date(2026, 12, 1)


def test_a_wrong_date_names_the_value():
    with pytest.raises(ValueError, match="31.02.2026"):
        parse_date("31.02.2026")
