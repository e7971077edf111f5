"""Tests for btcturk/fields.py: the one reader of a number or a whole number in an answer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from balance_bot.btcturk.fields import number, whole


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ("27223,7283250757643288", Decimal("27223.7283250757643288")),  # the exchange's comma
        ("27223.72", Decimal("27223.72")),
        (" 2.5 ", Decimal("2.5")),
        ("-0.5", Decimal("-0.5")),
        ("1e3", Decimal("1e3")),
        (Decimal("0.1"), Decimal("0.1")),  # a JSON number with a point, parsed exact
        (5, Decimal(5)),
        (0, Decimal(0)),
    ],
)
def test_a_number_is_read_exactly_from_text_or_json(value: Any, read: Decimal) -> None:
    found = number(value)

    assert found == read
    assert isinstance(found, Decimal)


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,  # a JSON true is no amount
        False,
        "",
        "abc",
        "1.500,5",  # grouped: the exchange never groups digits
        "NaN",
        "Infinity",
        "1e999",
        Decimal("NaN"),
        Decimal("Infinity"),
        Decimal("1E+50"),
        10**41,
        1.5,  # a float never reaches a figure (JSON is read with Decimal)
        [1],
        {"value": 1},
    ],
)
def test_what_is_not_a_finite_number_in_range_is_none(value: Any) -> None:
    assert number(value) is None


@pytest.mark.parametrize(
    ("value", "read"),
    [
        (1732521600000, 1732521600000),
        ("1732521600000", 1732521600000),
        (" 42 ", 42),
        (Decimal("1732521600000"), 1732521600000),  # a whole JSON number read as Decimal
        (Decimal("1.7325216E+12"), 1732521600000),
        (0, 0),
    ],
)
def test_a_whole_number_is_read_from_integers_texts_and_whole_decimals(
    value: Any, read: int
) -> None:
    found = whole(value)

    assert found == read
    assert type(found) is int


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        "",
        "-5",
        "1e3",
        "12.0",
        "١٢",  # digits, but not ASCII ones
        "9" * 21,
        Decimal("1.5"),
        Decimal("NaN"),
        Decimal("1E+30"),
        10**21,
        1.0,
        "abc",
    ],
)
def test_what_is_not_a_plain_whole_number_is_none(value: Any) -> None:
    assert whole(value) is None
