"""Tests for btcturk.parsing: envelopes, error mapping, balances, tickers and server time."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from balance_bot.btcturk.errors import (
    AuthError,
    BadResponse,
    RateLimited,
    StampRejected,
    Unavailable,
)
from balance_bot.btcturk.models import Balance, DataNote, Ticker
from balance_bot.btcturk.parsing import (
    UnreadableResponse,
    decode_answer,
    parse_balances,
    parse_envelope,
    parse_server_time,
    parse_tickers,
)

JSON = "application/json"
HTML = "text/html"
CDN_503 = b"<html><head><title>503 Service Temporarily Unavailable</title></head></html>"
CDN_504 = b"<html><head><title>504 Gateway Time-out</title></head><body></body></html>"
MAINTENANCE = (
    b'{"success":false,"message":"SYSTEM_UNDER_MAINTENANCE","code":"SYSTEM_UNDER_MAINTENANCE"}'
)
CDN_403 = b"<!DOCTYPE html><html><title>Just a moment...</title></html>"


def envelope(data: Any, *, success: bool = True, code: Any = 0, message: Any = None) -> bytes:
    """Return an enveloped JSON body."""
    return json.dumps({"data": data, "success": success, "message": message, "code": code}).encode()


def balance_row(**overrides: Any) -> dict[str, Any]:
    """Return one balance row as the reference page shows it, with `overrides` applied."""
    row: dict[str, Any] = {
        "asset": "TRY",
        "assetname": "Türk Lirası",
        "balance": "27223,7283250757643288",
        "locked": "4874,3628685722294523",
        "free": "22349,3654565035348765",
        "orderFund": "4874,3628685722294523",
        "requestFund": "0",
        "precision": 2,
        "timestamp": 1735866257711,
    }
    row.update(overrides)
    return row


TICKERS_BODY = b"""{"data": [
 {"pair": "BTCTRY", "pairNormalized": "BTC_TRY", "timestamp": 1735866257711,
  "last": 3512345.12, "high": 3600000, "low": 3400000.5, "bid": 3512000.1, "ask": 3512400.9,
  "open": 3450000, "volume": 1234.56789, "average": 3500000.3, "daily": 62345.12,
  "dailyPercent": 1.8, "numeratorSymbol": "BTC", "denominatorSymbol": "TRY", "order": 1000},
 {"pair": "XRPUSDT", "pairNormalized": "XRP_USDT", "timestamp": 1735866257711.0,
  "last": "2,4109", "dailyPercent": "-0.35", "numeratorSymbol": "XRP",
  "denominatorSymbol": "USDT"}
], "success": true, "message": null, "code": 0}"""


# --- envelope and error mapping -------------------------------------------------------------


def test_envelope_returns_data() -> None:
    assert parse_envelope(200, envelope([1, 2]), JSON) == [1, 2]


@pytest.mark.parametrize("code", [0, "0", "SUCCESS", None])
def test_envelope_accepts_success_codes(code: Any) -> None:
    assert parse_envelope(200, envelope("ok", code=code), JSON) == "ok"


def test_401_with_success_true_is_auth_error() -> None:
    body = b'{"success":true,"message":"Unauthorized - Invalid Public key","code":1037}'
    with pytest.raises(AuthError, match="Invalid Public key") as info:
        parse_envelope(401, body, JSON)
    assert not isinstance(info.value, StampRejected)


def test_empty_401_is_auth_error() -> None:
    with pytest.raises(AuthError, match="HTTP 401"):
        parse_envelope(401, b"", None)


def test_invalid_nonce_is_stamp_rejected() -> None:
    body = b'{"success":true,"message":"Unauthorized - Invalid Nonce","code":1037}'
    with pytest.raises(StampRejected, match="clock"):
        parse_envelope(401, body, JSON)


@pytest.mark.parametrize(
    "message", ["Unauthorized - Invalid Request", "Invalid Signature", "Unauthorized"]
)
def test_auth_message_is_auth_error_whatever_the_status(message: str) -> None:
    with pytest.raises(AuthError):
        parse_envelope(200, envelope(None, message=message, code=1), JSON)


@pytest.mark.parametrize("body", [b"", b'{"message":"Forbidden"}'])
def test_403_without_a_web_page_is_auth_error(body: bytes) -> None:
    with pytest.raises(AuthError):
        parse_envelope(403, body, JSON)


def test_429_is_rate_limited_with_retry_after() -> None:
    body = (
        b'{"message":"TOO_MANY_REQUESTS","success":false,"code":429,'
        b'"details":"Quota exceeded. Maximum allowed: 120 per 1m.","limit":"120","period":"1m"}'
    )
    with pytest.raises(RateLimited) as info:
        parse_envelope(429, body, JSON, retry_after="42")
    assert info.value.retry_after == 42


@pytest.mark.parametrize("header", [None, "", "Wed, 21 Oct 2015 07:28:00 GMT", "-1", "nan"])
def test_429_without_usable_retry_after(header: str | None) -> None:
    with pytest.raises(RateLimited) as info:
        parse_envelope(429, b"", None, retry_after=header)
    assert info.value.retry_after is None


def test_503_maintenance_with_string_code_is_unavailable() -> None:
    body = (
        b'{"success":false,"message":"SYSTEM_UNDER_MAINTENANCE","code":"SYSTEM_UNDER_MAINTENANCE"}'
    )
    with pytest.raises(Unavailable, match="maintenance"):
        parse_envelope(503, body, JSON)


def test_maintenance_with_status_200_is_unavailable() -> None:
    body = (
        b'{"success":false,"message":"SYSTEM_UNDER_MAINTENANCE","code":"SYSTEM_UNDER_MAINTENANCE"}'
    )
    with pytest.raises(Unavailable, match="maintenance"):
        parse_envelope(200, body, JSON)


@pytest.mark.parametrize("status", [200, 500])
def test_internal_error_is_unavailable(status: int) -> None:
    with pytest.raises(Unavailable):
        parse_envelope(status, b'{"success":false,"message":"INTERNAL_ERROR","code":500}', JSON)


@pytest.mark.parametrize(
    ("status", "body"), [(503, CDN_503), (504, CDN_504), (403, CDN_403), (502, b"")]
)
def test_cdn_pages_are_unavailable(status: int, body: bytes) -> None:
    with pytest.raises(Unavailable, match=f"HTTP {status}"):
        parse_envelope(status, body, HTML)


def test_empty_404_is_unavailable() -> None:
    with pytest.raises(Unavailable):
        parse_envelope(404, b"", None)


@pytest.mark.parametrize("content_type", [HTML, None, JSON])
def test_html_with_200_is_unreadable(content_type: str | None) -> None:
    with pytest.raises(UnreadableResponse, match="web page"):
        parse_envelope(200, b"\n  <html><body>hello</body></html>", content_type)


@pytest.mark.parametrize("body", [b'{"data": [', b"", b"\xff\xfe garbage", b"NaN", b"[1e5, NaN]"])
def test_garbage_with_200_is_unreadable(body: bytes) -> None:
    with pytest.raises(UnreadableResponse):
        parse_envelope(200, body, JSON)


def test_unreadable_is_a_bad_response() -> None:
    assert issubclass(UnreadableResponse, BadResponse)


def test_success_false_is_bad_response() -> None:
    with pytest.raises(BadResponse, match="SOMETHING_WRONG") as info:
        parse_envelope(200, envelope(None, success=False, message="SOMETHING_WRONG", code=1), JSON)
    assert not isinstance(info.value, UnreadableResponse)


@pytest.mark.parametrize("code", [1, "1", "FAILED", 0.5])
def test_unknown_code_is_bad_response(code: Any) -> None:
    with pytest.raises(BadResponse, match="code"):
        parse_envelope(200, envelope([], code=code), JSON)


@pytest.mark.parametrize(
    "body",
    [b"[1, 2]", b'"ok"', b'{"success": true, "code": 0}', b'{"data": [], "code": 7}',
     b'{"data": [], "success": null}'],
)  # fmt: skip
def test_answer_without_envelope_or_data_is_bad_response(body: bytes) -> None:
    with pytest.raises(BadResponse):
        parse_envelope(200, body, JSON)


def test_data_without_success_is_an_answer() -> None:
    assert parse_envelope(200, b'{"data": [1], "code": 0}', JSON) == [1]
    assert parse_envelope(200, b'{"data": [2]}', JSON) == [2]


@pytest.mark.parametrize("status", [400, 405, 422])
def test_client_errors_are_bad_response(status: int) -> None:
    body = b'{"success":false,"message":"Invalid pair","code":' + str(status).encode() + b"}"
    with pytest.raises(BadResponse, match=f"HTTP {status}: Invalid pair"):
        parse_envelope(status, body, JSON)


def test_long_exchange_messages_are_clipped() -> None:
    body = json.dumps({"success": False, "message": "x" * 5000, "code": 1}).encode()
    with pytest.raises(BadResponse) as info:
        parse_envelope(200, body, JSON)
    assert len(str(info.value)) < 200


def test_decode_answer_returns_json_without_envelope() -> None:
    assert decode_answer(200, b'{"serverTime": 5}', JSON) == {"serverTime": 5}


# --- balances ---------------------------------------------------------------------------------


def test_balances_parse_every_field() -> None:
    [balance] = parse_balances([balance_row()])
    assert balance == Balance(
        asset="TRY",
        asset_name="Türk Lirası",
        balance=Decimal("27223.7283250757643288"),
        locked=Decimal("4874.3628685722294523"),
        free=Decimal("22349.3654565035348765"),
        request_fund=Decimal("0"),
        precision=2,
        order_fund=Decimal("4874.3628685722294523"),
    )


def test_comma_and_dot_decimals_give_the_same_amount() -> None:
    comma = parse_balances([balance_row(balance="27223,7283250757643288")])[0].balance
    dot = parse_balances([balance_row(balance="27223.7283250757643288")])[0].balance
    assert comma == dot == Decimal("27223.7283250757643288")
    assert str(dot) == "27223.7283250757643288"


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=0, max_value=10**12, places=16))
def test_comma_and_dot_agree_for_any_amount(amount: Decimal) -> None:
    text = f"{amount:f}"
    rows = [balance_row(free=text), balance_row(free=text.replace(".", ","))]
    dot, comma = parse_balances(rows)
    assert dot.free == comma.free == amount


def test_balances_from_a_whole_answer_including_zero_rows() -> None:
    rows = [balance_row(), balance_row(asset="DOGE", assetname="Dogecoin", balance="0", free="0")]
    balances = parse_balances(parse_envelope(200, envelope(rows), JSON))
    assert [b.asset for b in balances] == ["TRY", "DOGE"]
    assert balances[1].balance == 0


def test_whole_numbers_may_come_as_text_or_integral_decimals() -> None:
    row = balance_row(precision=Decimal("8.0"), balance=12)
    [balance] = parse_balances([row])
    assert (balance.precision, balance.balance) == (8, Decimal(12))
    assert parse_balances([balance_row(precision="8")])[0].precision == 8


def notes_of(rows: list[dict[str, Any]]) -> tuple[list[Balance], set[tuple[str, str, str]]]:
    """Parse balance rows; return them and their notes as (kind, field, subject)."""
    notes: list[DataNote] = []
    balances = parse_balances(rows, notes)
    return balances, {(n.kind, n.field, n.subject) for n in notes}


@pytest.mark.parametrize("field", ["assetname", "requestFund"])
def test_a_missing_optional_balance_field_is_noted_not_fatal(field: str) -> None:
    row = balance_row()
    del row[field]
    [balance], notes = notes_of([row])
    assert balance.balance == Decimal("27223.7283250757643288")
    assert notes == {("missing", field, "TRY")}


@pytest.mark.parametrize("field", ["timestamp"])
@pytest.mark.parametrize("value", ["missing", None, "yesterday", ["1"], 10**30])
def test_a_balance_field_the_bot_does_not_read_is_never_noted(field: str, value: Any) -> None:
    row = balance_row()
    if value == "missing":
        del row[field]
    else:
        row[field] = value
    [balance], notes = notes_of([row])
    assert balance == parse_balances([balance_row()])[0]
    assert notes == set()


@pytest.mark.parametrize("value", ["missing", None, "yesterday", ["1"], True])
def test_order_fund_is_read_quietly_and_unknown_when_unusable(value: Any) -> None:
    row = balance_row()
    if value == "missing":
        del row["orderFund"]
    else:
        row["orderFund"] = value
    [balance], notes = notes_of([row])
    [documented] = parse_balances([balance_row()])
    assert balance._replace(order_fund=documented.order_fund) == documented
    assert balance.order_fund is None
    assert documented.order_fund is not None
    assert notes == set()


def test_rows_of_the_oldest_shape_keep_every_figure() -> None:
    row = {"asset": "BTC", "assetname": "Bitcoin", "balance": "29.6027353000000000",
           "locked": "0.0010000000000000", "free": "29.6017353000000000"}  # fmt: skip
    [balance], notes = notes_of([row])
    assert (balance.balance, balance.locked, balance.free) == (
        Decimal("29.6027353"),
        Decimal("0.001"),
        Decimal("29.6017353"),
    )
    assert balance.request_fund is None
    assert balance.precision == 8
    assert ("defaulted", "precision", "BTC") in notes


def test_a_precision_beyond_the_display_cap_is_defaulted() -> None:
    [kept, beyond], notes = notes_of(
        [balance_row(asset="ETH", precision=18), balance_row(asset="SHIB", precision=19)]
    )
    assert (kept.precision, beyond.precision) == (18, 8)
    assert notes == {("defaulted", "precision", "SHIB")}


@pytest.mark.parametrize(("asset", "precision"), [("TRY", 2), ("USD", 2), ("BTC", 8), ("SHIB", 8)])
def test_a_missing_precision_defaults_to_two_for_fiat_and_eight_otherwise(
    asset: str, precision: int
) -> None:
    row = balance_row(asset=asset)
    del row["precision"]
    [balance], notes = notes_of([row])
    assert balance.precision == precision
    assert ("defaulted", "precision", asset) in notes


def test_a_missing_locked_or_free_is_derived_from_the_balance() -> None:
    no_locked, no_free, neither = balance_row(), balance_row(), balance_row()
    del no_locked["locked"], no_free["free"], neither["locked"], neither["free"]
    rows, notes = notes_of([no_locked, no_free, neither])
    total = Decimal("27223.7283250757643288")
    assert (rows[0].locked, rows[0].free) == (
        Decimal("4874.3628685722294523"),
        Decimal("22349.3654565035348765"),
    )
    assert rows[1].free == total - Decimal("4874.3628685722294523")
    assert (rows[2].locked, rows[2].free) == (Decimal(0), total)
    assert {("derived", "locked", "TRY"), ("derived", "free", "TRY")} <= notes
    assert ("defaulted", "locked", "TRY") in notes


def test_a_negative_balance_is_kept_as_it_is() -> None:
    [balance], _ = notes_of([balance_row(asset="USDT", balance="-1.12826071", free="-1.12826071",
                                         locked="0")])  # fmt: skip
    assert balance.balance == Decimal("-1.12826071")


@pytest.mark.parametrize(
    "overrides",
    [
        {"balance": "1.500,5"},
        {"free": "abc"},
        {"locked": True},
        {"balance": "1e999"},
        {"balance": None},
        {"balance": ["1"]},
        {"asset": 7},
        {"asset": ""},
        {"asset": None},
    ],
)
def test_an_unusable_balance_row_is_skipped_and_the_others_kept(overrides: dict[str, Any]) -> None:
    bad = json.loads(json.dumps(balance_row(**overrides)), parse_float=Decimal)
    good = balance_row(asset="BTC")
    balances, notes = notes_of([bad, good])
    assert [b.asset for b in balances] == ["BTC"]
    assert any(kind == "skipped" for kind, _, _ in notes)


@pytest.mark.parametrize(
    "overrides",
    [
        {"requestFund": "abc"},
        {"precision": "two"},
        {"precision": -1},
        {"precision": Decimal("2.5")},
        {"assetname": 5},
    ],
)
def test_an_unusable_optional_field_is_noted_and_left_out(overrides: dict[str, Any]) -> None:
    [balance], notes = notes_of([balance_row(**overrides)])
    assert balance.balance == Decimal("27223.7283250757643288")
    [(field, _)] = overrides.items()
    assert any(f == field for _, f, _ in notes)


def test_amounts_sent_as_json_numbers_are_exact_and_noted() -> None:
    row = balance_row(balance=Decimal("0.1000000000000000055511151231257827"), locked=0, free=0)
    [balance], notes = notes_of([row])
    assert balance.balance == Decimal("0.1000000000000000055511151231257827")
    assert ("type", "balance", "TRY") in notes


def test_an_answer_with_no_usable_row_is_bad_response() -> None:
    with pytest.raises(BadResponse, match="no usable row"):
        parse_balances([{"asset": "TRY"}, {"balance": "1"}])


@pytest.mark.parametrize("data", [None, {}, "rows", [1], [[]], {"asset": "TRY"}])
def test_balances_not_a_list_of_objects_is_bad_response(data: Any) -> None:
    with pytest.raises(BadResponse):
        parse_balances(data)


def test_a_non_object_row_among_good_ones_is_skipped() -> None:
    balances, notes = notes_of([1, balance_row()])  # type: ignore[list-item]
    assert [b.asset for b in balances] == ["TRY"]
    assert ("skipped", "row", "") in notes


# --- tickers and server time ----------------------------------------------------------------


def test_tickers_are_decimal_without_float() -> None:
    btc, xrp = parse_tickers(parse_envelope(200, TICKERS_BODY, JSON))
    assert btc == Ticker(
        pair="BTCTRY",
        numerator="BTC",
        denominator="TRY",
        last=Decimal("3512345.12"),
    )
    assert str(btc.last) == "3512345.12"
    assert isinstance(btc.last, Decimal)
    assert xrp.last == Decimal("2.4109")


def test_integer_ticker_price_is_exact() -> None:
    row = {"pair": "BTCTRY", "numeratorSymbol": "BTC", "denominatorSymbol": "TRY",
           "last": 3600000, "dailyPercent": 0, "timestamp": 1}  # fmt: skip
    assert parse_tickers([row])[0].last == Decimal(3600000)


def ticker_notes(rows: list[dict[str, Any]]) -> tuple[list[Ticker], set[tuple[str, str, str]]]:
    """Parse ticker rows; return them and their notes as (kind, field, subject)."""
    notes: list[DataNote] = []
    tickers = parse_tickers(rows, notes)
    return tickers, {(n.kind, n.field, n.subject) for n in notes}


@pytest.mark.parametrize("last", ["missing", None, "n/a", True, [1], 0, "0", "0.00", "-1"])
def test_a_ticker_row_without_a_usable_price_is_skipped_alone(last: Any) -> None:
    data = parse_envelope(200, TICKERS_BODY, JSON)
    if last == "missing":
        del data[0]["last"]
    else:
        data[0]["last"] = last
    tickers, notes = ticker_notes(data)
    assert [t.pair for t in tickers] == ["XRPUSDT"]
    assert notes == {("skipped", "last", "BTCTRY")}


@pytest.mark.parametrize("field", ["dailyPercent", "timestamp", "high", "volume", "order"])
def test_a_ticker_field_the_bot_does_not_read_is_never_required_nor_noted(field: str) -> None:
    data = parse_envelope(200, TICKERS_BODY, JSON)
    data[0][field] = None
    [btc, _], notes = ticker_notes(data)
    assert btc.last == Decimal("3512345.12")
    assert notes == set()


def test_ticker_sides_come_from_pair_normalized_when_missing() -> None:
    row = {"pair": "BTCTRY", "pairNormalized": "BTC_TRY", "last": 5}
    [ticker], notes = ticker_notes([row])
    assert (ticker.numerator, ticker.denominator) == ("BTC", "TRY")
    assert ("derived", "numeratorSymbol", "BTCTRY") in notes


def test_a_ticker_without_any_side_is_skipped() -> None:
    [good], notes = ticker_notes(
        [{"pair": "ABCTRY", "last": 5}, parse_envelope(200, TICKERS_BODY, JSON)[0]]
    )
    assert good.pair == "BTCTRY"
    assert ("skipped", "numeratorSymbol", "ABCTRY") in notes


def test_a_float_ticker_price_is_refused() -> None:
    row = {"pair": "BTCTRY", "numeratorSymbol": "BTC", "denominatorSymbol": "TRY",
           "last": 1.5, "dailyPercent": 0, "timestamp": 1}  # fmt: skip
    with pytest.raises(BadResponse, match="no usable price"):
        parse_tickers([row])


def test_server_time_reads_top_level_server_time() -> None:
    body = b'{"serverTime":1735866257711,"serverTime2":"2025-01-03T01:04:17.711+00:00"}'
    assert parse_server_time(decode_answer(200, body, JSON)) == 1735866257711


@pytest.mark.parametrize(
    "body",
    [b"<html></html>", b"", b"{}", b'{"serverTime": "soon"}', b'{"serverTime": -5}', b"[1]",
     b'{"data": {"serverTime": 1}}', b'{"serverTime": 1e30}'],
)  # fmt: skip
def test_malformed_server_time_is_bad_response(body: bytes) -> None:
    with pytest.raises(BadResponse):
        parse_server_time(decode_answer(200, body, None))
