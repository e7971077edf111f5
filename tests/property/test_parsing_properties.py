"""Properties of btcturk.parsing: any answer becomes data or a BtcTurkError, never a crash.

Bodies are real JSON text, decoded the way the client decodes it (numbers as Decimal), so the
shapes are exactly those the exchange or the CDN in front of it could send.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from balance_bot.btcturk.errors import BadResponse, BtcTurkError
from balance_bot.btcturk.models import Balance
from balance_bot.btcturk.parsing import parse_balances, parse_envelope

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
AMOUNT_TEXT = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=16).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=16).map(
        lambda d: format(d, "f").replace(".", ",")
    ),
    st.sampled_from(["0", "", " ", "1.500,5", "1e999999", "NaN", "-0", "1_0"]),
)
FIELD_VALUES = {
    "asset": st.sampled_from(["BTC", "TRY", "", "A<B>&"]) | JSON_VALUES,
    "assetname": st.sampled_from(["Bitcoin", "<script>"]) | JSON_VALUES,
    "balance": AMOUNT_TEXT | JSON_VALUES,
    "locked": AMOUNT_TEXT | JSON_VALUES,
    "free": AMOUNT_TEXT | JSON_VALUES,
    "orderFund": AMOUNT_TEXT | JSON_VALUES,
    "requestFund": AMOUNT_TEXT | JSON_VALUES,
    "precision": st.integers(min_value=-5, max_value=100) | JSON_VALUES,
    "timestamp": st.integers(min_value=-(10**20), max_value=10**20) | JSON_VALUES,
}
# Rows near the real shape: every field present or not, each value plausible or anything.
BALANCE_ROWS = st.fixed_dictionaries({}, optional=FIELD_VALUES)
DATA = st.lists(BALANCE_ROWS, max_size=4) | JSON_VALUES
ENVELOPES = st.fixed_dictionaries(
    {},
    optional={
        "success": st.booleans() | JSON_VALUES,
        "code": st.sampled_from([0, "0", "SUCCESS", 429, 500, "SYSTEM_UNDER_MAINTENANCE", 1037])
        | JSON_VALUES,
        "message": st.sampled_from(
            [None, "", "Unauthorized - Invalid Nonce", "INTERNAL_ERROR", "TOO_MANY_REQUESTS"]
        )
        | JSON_VALUES,
        "data": DATA,
    },
)
STATUSES = st.sampled_from([200, 201, 204, 400, 401, 403, 404, 429, 500, 502, 503, 504]) | (
    st.integers(min_value=100, max_value=599)
)
CONTENT_TYPES = st.sampled_from([None, "application/json", "text/html; charset=utf-8", ""])


def decoded(value: Any) -> Any:
    """Return `value` as the client sees it after JSON text: numbers with a point are Decimal."""
    return json.loads(json.dumps(value), parse_float=Decimal)


def check_balances(balances: list[Balance]) -> None:
    for row in balances:
        assert isinstance(row, Balance)
        assert row.asset
        for amount in (row.balance, row.locked, row.free):
            assert type(amount) is Decimal
            assert amount.is_finite()
        optional = row.request_fund
        assert optional is None or (type(optional) is Decimal and optional.is_finite())
        assert 0 <= row.precision <= 40


@settings(max_examples=200, deadline=None)
@given(DATA)
def test_any_data_gives_balances_or_bad_response(data: Any) -> None:
    try:
        balances = parse_balances(decoded(data))
    except BadResponse:
        return
    check_balances(balances)


@settings(max_examples=200, deadline=None)
@given(ENVELOPES | JSON_VALUES, STATUSES, CONTENT_TYPES, st.sampled_from([None, "1", "x", "-5"]))
def test_any_json_answer_gives_data_or_an_exchange_error(
    payload: Any, status: int, content_type: str | None, retry_after: str | None
) -> None:
    body = json.dumps(payload).encode()
    try:
        data = parse_envelope(status, body, content_type, retry_after=retry_after)
        balances = parse_balances(data)
    except BtcTurkError:
        return
    assert 200 <= status < 300  # only a success status ever gives data
    check_balances(balances)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200), STATUSES, CONTENT_TYPES)
def test_any_bytes_give_data_or_an_exchange_error(
    body: bytes, status: int, content_type: str | None
) -> None:
    try:
        parse_balances(parse_envelope(status, body, content_type))
    except BtcTurkError:
        return
