from __future__ import annotations

from decimal import Decimal

import pytest

from core import numbers


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        ("27223.7283250757643288", 2, "27,223.73"),
        ("9.7502186644553258", 8, "9.75021866"),
        ("0", 2, "0.00"),
        ("-0.001", 2, "0.00"),
        ("1234567.5", 0, "1,234,568"),
        ("0.125", 2, "0.12"),
        ("1E+3", 2, "1,000.00"),
    ],
)
def test_amount_groups_thousands_and_rounds_half_even(
    value: str, precision: int, expected: str
) -> None:
    assert numbers.amount(Decimal(value), precision) == expected


def test_signed_always_shows_the_sign() -> None:
    assert numbers.signed(Decimal("0.5"), 8) == "+0.50000000"
    assert numbers.signed(Decimal("-12"), 2) == "-12.00"


def test_price_keeps_four_significant_digits_below_one() -> None:
    assert numbers.price(Decimal("0.00041")) == "0.00041"
    assert numbers.price(Decimal("0.123456")) == "0.1235"
    assert numbers.price(Decimal("3500000")) == "3,500,000.00"


def test_percent() -> None:
    assert numbers.percent(Decimal("1.2249")) == "+1.22%"
