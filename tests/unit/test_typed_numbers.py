"""Tests for core.typed_numbers: the rule that reads a typed number, in each language."""

from __future__ import annotations

from decimal import Decimal

import pytest

from balance_bot.core.i18n import LANGUAGES
from balance_bot.core.typed_numbers import (
    ENGLISH,
    TURKISH,
    AmbiguousNumber,
    Marks,
    NotANumber,
    number_marks,
    read_number,
    spaced_number,
    write_grouped,
    write_number,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "en", "tr"),
    [
        ("3600000", "3600000", "3600000"),  # 1. digits alone
        ("3,600,000.50", "3600000.50", "3600000.50"),  # 2. both marks: the last is decimal
        ("3.600.000,50", "3600000.50", "3600000.50"),
        ("3,600.5", "3600.5", "3600.5"),
        ("3,600,000", "3600000", "3600000"),  # 3. one mark, several times: thousands
        ("3.600.000", "3600000", "3600000"),
        ("3,6", "3.6", "3.6"),  # 4. cannot group thousands: decimal
        ("3.6", "3.6", "3.6"),
        ("0,500", "0.500", "0.500"),
        ("1234,567", "1234.567", "1234.567"),
        (",5", "0.5", "0.5"),
        ("5.", "5", "5"),
        ("3.600", "3.600", None),  # 5. the chat's decimal mark / 6. ambiguous
        ("3,600", None, "3.600"),
        (" +41.5 ", "41.5", "41.5"),
        ("-2,5", "-2.5", "-2.5"),
        ("1e6", "1E+6", "1E+6"),
        ("25E+2", "2.5E+3", "2.5E+3"),
    ],
)
def test_each_rule_in_both_languages(text: str, en: str | None, tr: str | None) -> None:
    for marks, expected in ((ENGLISH, en), (TURKISH, tr)):
        if expected is None:
            with pytest.raises(AmbiguousNumber):
                read_number(text, marks)
        else:
            value = read_number(text, marks)
            assert value == D(expected)
            assert str(value) == str(D(expected))  # exact, trailing zeros kept


@pytest.mark.parametrize(
    ("text", "marks", "as_decimal", "as_thousands"),
    [
        ("3,600", ENGLISH, "3.6", "3600"),
        ("50,000", ENGLISH, "50", "50000"),
        ("3.600", TURKISH, "3.6", "3600"),
        ("-999.999", TURKISH, "-999.999", "-999999"),
        ("1,000e3", ENGLISH, "1000", "1000000"),
    ],
)
def test_an_ambiguous_number_carries_both_readings(
    text: str, marks: Marks, as_decimal: str, as_thousands: str
) -> None:
    with pytest.raises(AmbiguousNumber) as caught:
        read_number(text, marks)
    assert caught.value.readings == (D(as_decimal), D(as_thousands))
    assert caught.value.text == text


@pytest.mark.parametrize(
    "text",
    ["", " ", ".", ",", "+", "1,23,456", "1,2345,678", "1.234,567.8", "3,600,", "1,5,6",
     "0,600,000", "012,345.6", "1 000", "abc", "1e", "nan", "inf", "3,6e", "1e99999",
     "٣", "1" * 65, "--1", "1_000", "3.600.000.50,5"],
)  # fmt: skip
def test_what_is_not_a_number(text: str) -> None:
    for marks in (ENGLISH, TURKISH):
        with pytest.raises(NotANumber):
            read_number(text, marks)


@pytest.mark.parametrize(
    ("value", "en", "tr"),
    [("3600000.5", "3600000.5", "3600000,5"), ("1E+6", "1000000", "1000000"),
     ("0.000001", "0.000001", "0,000001"), ("1.234", "1.234", "1,234")],
)  # fmt: skip
def test_written_in_plain_digits_and_read_back(value: str, en: str, tr: str) -> None:
    assert (write_number(D(value), ENGLISH), write_number(D(value), TURKISH)) == (en, tr)
    assert read_number(en, ENGLISH) == read_number(tr, TURKISH) == D(value)


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_every_language_has_the_marks_its_figures_are_printed_with(code: str) -> None:
    from babel.numbers import get_decimal_symbol, get_group_symbol

    marks = number_marks(code)
    assert (marks.group, marks.decimal) == (get_group_symbol(code), get_decimal_symbol(code))


@pytest.mark.parametrize(
    ("value", "en", "tr"),
    [("3600000", "3,600,000", "3.600.000"), ("40000000.50", "40,000,000.50", "40.000.000,50"),
     ("999", "999", "999"), ("1234.5", "1,234.5", "1.234,5"), ("-1000", "-1,000", "-1.000")],
)  # fmt: skip
def test_written_grouped_as_the_bot_prints_figures(value: str, en: str, tr: str) -> None:
    assert (write_grouped(D(value), ENGLISH), write_grouped(D(value), TURKISH)) == (en, tr)


@pytest.mark.parametrize(
    ("words", "marks", "found"),
    [
        (["3", "600", "000"], ENGLISH, (3, "3600000")),
        (["3", "600", "000", "cooldown", "6h"], ENGLISH, (3, "3600000")),
        (["40", "000", "000,50"], TURKISH, (3, "40000000.50")),
        (["40", "000", "000.50"], ENGLISH, (3, "40000000.50")),
        (["3", "600"], TURKISH, (2, "3600")),
        (["3"], ENGLISH, None),
        (["3", "60"], ENGLISH, None),
        (["3600", "000"], ENGLISH, None),
        (["3", "600,000"], ENGLISH, None),
        (["3", "urgent"], ENGLISH, None),
    ],
)
def test_a_number_typed_with_spaces_is_found_with_its_words(
    words: list[str], marks: Marks, found: tuple[int, str] | None
) -> None:
    expected = None if found is None else (found[0], D(found[1]))
    assert spaced_number(words, marks) == expected
