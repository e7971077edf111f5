"""Properties of btcturk.amounts.parse_decimal: any text gives a Decimal or AmountError, exactly."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from balance_bot.btcturk.amounts import AmountError, parse_decimal

NUMBER_LIKE = st.from_regex(
    r"\A[ \t]{0,2}[+-]?[0-9]{0,45}([.,][0-9]{0,45})?([eE][+-]?[0-9]{1,7})?[ \t]{0,2}\Z"
)
SEPARATORS = st.sampled_from([".", ","])


def parse_or_none(text: str) -> Decimal | None:
    """Return the amount, None for AmountError; any other exception fails the test."""
    try:
        value = parse_decimal(text)
    except AmountError:
        return None
    assert type(value) is Decimal
    assert value.is_finite()
    return value


@settings(max_examples=300, deadline=None)
@given(st.text())
@example("")
@example("1.500,5")
@example("١٢٣")  # Arabic-Indic digits: \d in Python, not a plain number here
@example("1e999999999999")
@example("NaN")
@example("-inf")
@example("0x10")
@example("1_000")
def test_any_text_is_an_amount_or_an_amount_error(text: str) -> None:
    parse_or_none(text)


@settings(max_examples=300, deadline=None)
@given(NUMBER_LIKE)
def test_number_like_text_is_an_amount_or_an_amount_error(text: str) -> None:
    value = parse_or_none(text)
    if value is not None:  # what was accepted is what was written, whatever the separator
        assert value == Decimal(text.strip().replace(",", "."))


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(
        min_value=-(10**20), max_value=10**20, places=16, allow_nan=False, allow_infinity=False
    ),
    SEPARATORS,
)
def test_exchange_amounts_round_trip_exactly(amount: Decimal, separator: str) -> None:
    text = format(amount, "f").replace(".", separator)

    assert parse_decimal(text) == amount
    assert parse_decimal(f" {text} ") == amount
