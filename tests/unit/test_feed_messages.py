"""Tests for btcturk.feed_messages: frames of the private feed into events, tolerantly."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from balance_bot.btcturk.feed_messages import (
    BalanceUpdated,
    Frame,
    OrderEvent,
    UserTrade,
    event_of,
    login_result,
    parse_fill,
    parse_frame,
)
from balance_bot.btcturk.models import Fill

# A fill as the REST trade history shows it (strings, a negative amount for a sell).
SELL_ROW: dict[str, Any] = {
    "price": "4135000.00",
    "numeratorSymbol": "BTC",
    "denominatorSymbol": "TRY",
    "orderType": "sell",
    "orderId": 19541227653,
    "id": 1633411442,
    "timestamp": 1735866257711,
    "amount": "-0.00120000",
    "preciseAmount": -0.0012,
    "fee": "-9.9240",
    "tax": "-1.7863",
    "orderClientId": "a1b2",
}


def frame(kind: int, **body: Any) -> str:
    return json.dumps([kind, {"type": kind, **body}])


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "{}",
        '{"type": 201}',
        "[201]",
        "[201, {}, 3]",
        '[201, "x"]',
        '["balance", {}]',
        "[true, {}]",
        "[null, {}]",
        "[1.5, {}]",
        "[" * 100_000,
        '"' + "x" * 1_000_010 + '"',
    ],
)
def test_garbage_is_not_a_frame(text: str) -> None:
    assert parse_frame(text) is None


def test_a_frame_reads_its_type_and_body() -> None:
    assert parse_frame(frame(201)) == Frame(201, {"type": 201})
    assert parse_frame('["423", {"price": 1.25}]') == Frame(423, {"price": Decimal("1.25")})


def test_version_subscription_results_and_tickers_are_no_events() -> None:
    for text in (
        frame(991, current="5.2.0", min="2.3.0"),
        frame(100, ok=True, message="join|ticker:USDTTRY"),
        frame(402, PS="USDTTRY", LA=42.15),
        frame(114, ok=True, message="success"),
        frame(7777, anything="new"),
    ):
        parsed = parse_frame(text)
        assert parsed is not None
        assert event_of(parsed) is None


def test_login_answers() -> None:
    refused = frame(114, ok=False, message="Unauthorized - Invalid Public key")
    assert login_result(_parsed(refused)) == (False, "Unauthorized - Invalid Public key")
    assert login_result(_parsed(frame(114, ok=True, message="success"))) == (True, "success")
    assert login_result(_parsed(frame(114, ok="true"))) == (False, "")  # only JSON true is ok
    assert login_result(_parsed(frame(114, ok=False, message=None))) == (False, "")
    assert login_result(_parsed(frame(114, publicKey="echo"))) is None  # not an answer
    assert login_result(_parsed(frame(201, ok=True))) is None


def test_private_events() -> None:
    assert event_of(_parsed(frame(201))) == BalanceUpdated({"type": 201})
    for kind, name in ((441, "match"), (451, "inserted"), (452, "deleted"), (453, "updated")):
        event = event_of(_parsed(frame(kind, id=5)))
        assert event == OrderEvent(name, {"type": kind, "id": 5})  # type: ignore[arg-type]


def test_a_user_trade_carries_its_row_and_fill() -> None:
    event = event_of(_parsed(frame(423, **SELL_ROW)))
    assert isinstance(event, UserTrade)
    assert event.row["orderClientId"] == "a1b2"
    assert event.fill == Fill(
        id="1633411442",
        order_id="19541227653",
        at_ms=1735866257711,
        numerator="BTC",
        denominator="TRY",
        side="sell",
        price=Decimal("4135000.00"),
        amount=Decimal("0.00120000"),
        fee=Decimal("9.9240"),
        tax=Decimal("1.7863"),
        fee_currency="TRY",
    )


def test_fill_reads_numbers_commas_and_missing_fees() -> None:
    row = {**SELL_ROW, "orderType": "buy", "price": 4135000, "amount": "0,5"}
    del row["fee"], row["tax"], row["preciseAmount"]
    fill = parse_fill(json.loads(json.dumps(row), parse_float=Decimal))
    assert fill is not None
    assert (fill.side, fill.price, fill.amount) == ("buy", Decimal(4135000), Decimal("0.5"))
    assert (fill.fee, fill.tax) == (Decimal(0), Decimal(0))
    assert all(type(v) is Decimal for v in (fill.price, fill.amount, fill.fee, fill.tax))


def test_a_trade_row_without_its_side_or_order_is_read_as_the_rest_history_reads_it() -> None:
    row = {**SELL_ROW, "orderType": None, "orderId": ""}
    fill = parse_fill(row)
    assert fill is not None
    assert (fill.side, fill.order_id) == ("sell", "1633411442")  # the sign; its own order


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("price", "abc"),
        ("price", True),
        ("amount", None),
        ("numeratorSymbol", ""),
        ("timestamp", "yesterday"),
        ("timestamp", True),
        ("id", None),
    ],
)
def test_a_trade_row_without_what_a_fill_needs_has_no_fill(field: str, value: object) -> None:
    row = {**SELL_ROW, field: value}
    assert parse_fill(row) is None
    event = event_of(Frame(423, row))
    assert isinstance(event, UserTrade)  # the event still wakes the poll
    assert event.fill is None


def _parsed(text: str) -> Frame:
    parsed = parse_frame(text)
    assert parsed is not None
    return parsed
