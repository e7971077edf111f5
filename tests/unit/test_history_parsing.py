"""The history readers take every published row shape, skip what they cannot use, and say so."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from balance_bot.btcturk.errors import BadResponse
from balance_bot.btcturk.history import (
    MAX_WINDOW_MS,
    history_of,
    page_span,
    parse_fills,
    parse_transfers,
    windows,
)
from balance_bot.btcturk.models import DataNote, Fill, Transfer


def loads(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


def trade_row(**fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": 1181163798924649598,
        "timestamp": 1663848223334,
        "amount": "-0.3384",
        "fee": "-0.06297817",
        "tax": "-0.01133607",
        "price": "122.00",
        "numeratorSymbol": "ETHW",
        "denominatorSymbol": "TRY",
        "orderType": "sell",
        "orderId": 10938696222,
    }
    row.update(fields)
    return {key: value for key, value in row.items() if value is not None}


def transfer_row(**fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "balanceType": "Withdrawal",
        "currencySymbol": "XRP",
        "id": 516136,
        "timestamp": 1544079921450,
        "funds": Decimal("8.9"),
        "amount": -1,
        "fee": Decimal("0.25"),
        "tax": 0,
    }
    row.update(fields)
    return {key: value for key, value in row.items() if value is not None}


def kinds(notes: list[DataNote]) -> set[tuple[str, str, str]]:
    return {(note.endpoint, note.kind, note.field) for note in notes}


def test_a_sell_becomes_magnitudes_with_the_fee_in_the_denominator() -> None:
    notes: list[DataNote] = []
    [fill] = parse_fills([trade_row()], notes)
    assert fill == Fill(
        id="1181163798924649598",
        order_id="10938696222",
        at_ms=1663848223334,
        numerator="ETHW",
        denominator="TRY",
        side="sell",
        price=Decimal("122.00"),
        amount=Decimal("0.3384"),
        fee=Decimal("0.06297817"),
        tax=Decimal("0.01133607"),
        fee_currency="TRY",
    )
    assert notes == []


def test_the_precise_amount_wins_over_the_rounded_one() -> None:
    row = trade_row(preciseAmount=Decimal("-0.3384081100000000"))
    [fill] = parse_fills([row])
    assert fill.amount == Decimal("0.33840811")


def test_old_rows_with_numbers_and_no_order_id_are_read_and_noted() -> None:
    data = loads(
        '[{"price": 4.77, "numeratorSymbol": "USDT", "denominatorSymbol": "TRY",'
        ' "orderType": "buy", "id": 5553442, "timestamp": 1533313928057, "amount": 2.09,'
        ' "fee": -0.0152074094832, "tax": -0.002737333706976}]'
    )
    notes: list[DataNote] = []
    [fill] = parse_fills(data, notes)
    assert (fill.side, fill.amount, fill.fee) == (
        "buy",
        Decimal("2.09"),
        Decimal("0.0152074094832"),
    )
    assert fill.order_id == "5553442"
    assert kinds(notes) == {
        ("trades", "type", "price"),
        ("trades", "type", "amount"),
        ("trades", "type", "fee"),
        ("trades", "type", "tax"),
        ("trades", "derived", "orderId"),
    }


def test_every_field_as_text_is_read_and_the_text_timestamp_noted() -> None:
    row = trade_row(id="320874372", orderId="2606935102", timestamp="1618916479593")
    notes: list[DataNote] = []
    [fill] = parse_fills([row], notes)
    assert (fill.id, fill.order_id, fill.at_ms) == ("320874372", "2606935102", 1618916479593)
    assert kinds(notes) == {("trades", "type", "timestamp")}


@pytest.mark.parametrize(
    ("order_type", "amount", "side", "note"),
    [
        (None, "-0.5", "sell", "missing"),
        (None, "0.5", "buy", "missing"),
        ("SELL", "-0.5", "sell", None),
        ("Buy", "0.5", "buy", None),
        ("stop", "-0.5", "sell", "type"),
    ],
)
def test_the_side_comes_from_order_type_else_from_the_sign(
    order_type: str | None, amount: str, side: str, note: str | None
) -> None:
    notes: list[DataNote] = []
    [fill] = parse_fills([trade_row(orderType=order_type, amount=amount)], notes)
    assert fill.side == side
    assert fill.amount == Decimal("0.5")
    expected = {("trades", note, "orderType")} if note else set()
    assert kinds(notes) == expected


def test_a_bad_row_is_skipped_with_a_note_and_the_rest_kept() -> None:
    good = trade_row(id=2)
    rows = [
        trade_row(id=1, price="abc"),
        good,
        trade_row(id=3, timestamp=None),
        trade_row(id=None),
        trade_row(id=4, numeratorSymbol=None),
        trade_row(id=5, orderType=None, amount="0"),
        "not a row",
    ]
    notes: list[DataNote] = []
    fills = parse_fills(rows, notes)
    assert [fill.id for fill in fills] == ["2"]
    assert kinds(notes) == {
        ("trades", "skipped", "price"),
        ("trades", "skipped", "timestamp"),
        ("trades", "skipped", "id"),
        ("trades", "skipped", "numeratorSymbol"),
        ("trades", "skipped", "orderType"),
        ("trades", "skipped", "row"),
    }


def test_a_missing_fee_is_zero_and_noted_never_guessed() -> None:
    notes: list[DataNote] = []
    [fill] = parse_fills([trade_row(fee=None, tax="junk")], notes)
    assert (fill.fee, fill.tax) == (Decimal(0), Decimal(0))
    assert kinds(notes) == {("trades", "defaulted", "fee"), ("trades", "defaulted", "tax")}


def test_an_answer_of_only_unusable_rows_is_a_bad_response() -> None:
    with pytest.raises(BadResponse):
        parse_fills([trade_row(price=None)])
    with pytest.raises(BadResponse):
        parse_transfers({"rows": []}, "crypto")


def test_an_empty_or_null_history_is_no_rows() -> None:
    notes: list[DataNote] = []
    assert parse_fills([], notes) == []
    assert parse_transfers(None, "fiat", notes) == []
    assert kinds(notes) == {("fiat", "missing", "data")}


def test_a_withdrawal_becomes_magnitudes() -> None:
    notes: list[DataNote] = []
    [transfer] = parse_transfers([transfer_row()], "crypto", notes)
    assert transfer == Transfer(
        id="516136",
        kind="withdrawal",
        asset="XRP",
        at_ms=1544079921450,
        amount=Decimal(1),
        fee=Decimal("0.25"),
        tax=Decimal(0),
        fiat=False,
    )
    assert notes == []


def test_a_fiat_deposit_with_text_amounts_is_read_and_noted() -> None:
    row = transfer_row(balanceType="Deposit", currencySymbol="TRY", amount="1000", fee="0", tax="0")
    notes: list[DataNote] = []
    [transfer] = parse_transfers([row], "fiat", notes)
    assert (transfer.kind, transfer.amount, transfer.fiat) == ("deposit", Decimal(1000), True)
    assert kinds(notes) == {
        ("fiat", "type", "amount"),
        ("fiat", "type", "fee"),
        ("fiat", "type", "tax"),
    }


def test_a_transfer_without_balance_type_takes_the_sign() -> None:
    notes: list[DataNote] = []
    rows = [transfer_row(balanceType=None, id=1), transfer_row(balanceType=None, id=2, amount=3)]
    withdrawal, deposit = parse_transfers(rows, "crypto", notes)
    assert (withdrawal.kind, deposit.kind) == ("withdrawal", "deposit")
    assert kinds(notes) == {("crypto", "missing", "balanceType")}


def test_a_transfer_without_currency_is_skipped() -> None:
    notes: list[DataNote] = []
    kept = parse_transfers([transfer_row(currencySymbol=""), transfer_row(id=9)], "crypto", notes)
    assert [t.id for t in kept] == ["9"]
    assert kinds(notes) == {("crypto", "skipped", "currencySymbol")}


def test_page_span_counts_every_row_and_finds_the_oldest() -> None:
    rows = [trade_row(timestamp=30), {"timestamp": "20"}, {"id": 1}, "junk"]
    assert page_span(rows) == (4, 20)
    assert page_span(None) == (0, None)


def test_windows_split_at_thirty_days_without_gaps_or_overlaps() -> None:
    spans = windows(0, 2 * MAX_WINDOW_MS + 5)
    assert spans == [
        (0, MAX_WINDOW_MS - 1),
        (MAX_WINDOW_MS, 2 * MAX_WINDOW_MS - 1),
        (2 * MAX_WINDOW_MS, 2 * MAX_WINDOW_MS + 5),
    ]
    assert windows(7, 7) == [(7, 7)]
    with pytest.raises(ValueError, match="ends before"):
        windows(8, 7)


def test_history_of_keeps_each_id_once_inside_the_window_oldest_first() -> None:
    [late] = parse_fills([trade_row(id=10, timestamp=300)])
    [early] = parse_fills([trade_row(id=9, timestamp=100)])
    [outside] = parse_fills([trade_row(id=8, timestamp=5000)])
    [crypto] = parse_transfers([transfer_row(id=10, timestamp=200)], "crypto")
    [fiat] = parse_transfers([transfer_row(id=10, timestamp=150, currencySymbol="TRY")], "fiat")
    history = history_of([late, early, late, outside], [crypto, fiat, crypto], 0, 1000)
    assert [f.id for f in history.fills] == ["9", "10"]
    assert [(t.fiat, t.id) for t in history.transfers] == [(True, "10"), (False, "10")]
