"""Turn BTCTurk's HTTP answers into models or the right `BtcTurkError`. Pure, no I/O.

The exchange does not keep to its documented envelope: authentication errors come as HTTP 401
with `success: true`, maintenance uses a string `code`, and the CDN in front of it answers with
HTML pages. So the HTTP status and the message are read before `success`, and every JSON parse
is guarded. JSON numbers are parsed into `Decimal`, so no float ever touches a price.
"""

from __future__ import annotations

import functools
import json
import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from btcturk.errors import AuthError, BadResponse, RateLimited, StampRejected, Unavailable
from btcturk.models import Balance, Ticker
from core.amounts import AmountError, parse_decimal

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_PRECISION = 40
_UNREADABLE = object()
_SUCCESS_CODES = frozenset({"0", "SUCCESS"})
_DOWN_MARKERS = frozenset({"INTERNAL_ERROR", "500", "502", "503", "504"})
_AUTH_PREFIXES = ("unauthorized", "invalid signature")
_AUTH_HINT = "check the API key, its permissions, its IP restriction and the clock"
_MAX_SHOWN = 120
_MAX_MS = 10**14  # year 5138: any stamp beyond is garbage


class UnreadableResponse(BadResponse):
    """A 2xx answer whose body is not JSON (an HTML page, an empty body, garbage): transient."""


def decode_answer(
    status: int, body: bytes, content_type: str | None, *, retry_after: str | None = None
) -> Any:
    """Return the JSON of a usable answer, or raise the error its status and message mean."""
    payload = _load_json(body)
    readable = payload is not _UNREADABLE
    message = _field_text(payload, "message")
    code = _field_text(payload, "code")
    lowered = message.lower()
    html = not readable and _looks_like_html(body, content_type)
    if "invalid nonce" in lowered:
        raise StampRejected(f"BTCTurk refused the request stamp: {_clip(message)}; check the clock")
    if status == 401 or lowered.startswith(_AUTH_PREFIXES) or (status == 403 and not html):
        detail = f": {_clip(message)}" if message else ""
        raise AuthError(f"BTCTurk refused the API key (HTTP {status}{detail}); {_AUTH_HINT}")
    if status == 429 or code == "429" or message == "TOO_MANY_REQUESTS":
        raise RateLimited("BTCTurk rate limit reached", _parse_retry_after(retry_after))
    if "SYSTEM_UNDER_MAINTENANCE" in (message, code):
        raise Unavailable("BTCTurk is under maintenance")
    if status >= 500 or message in _DOWN_MARKERS or code in _DOWN_MARKERS:
        raise Unavailable(f"BTCTurk is unavailable (HTTP {status})")
    ok = 200 <= status < 300
    if not readable:
        what = _describe_unreadable(body, html)
        if ok:
            raise UnreadableResponse(f"BTCTurk answered with {what} (HTTP {status})")
        raise Unavailable(f"BTCTurk is unavailable (HTTP {status}, {what})")
    if not ok:
        detail = f": {_clip(message)}" if message else ""
        raise BadResponse(f"BTCTurk rejected the request (HTTP {status}{detail})")
    return payload


def parse_envelope(
    status: int, body: bytes, content_type: str | None, *, retry_after: str | None = None
) -> Any:
    """Return the `data` of an enveloped answer, or raise the error the answer means."""
    payload = decode_answer(status, body, content_type, retry_after=retry_after)
    if not isinstance(payload, dict):
        raise BadResponse("BTCTurk answered without its usual envelope")
    if payload.get("success") is not True:
        reason = _field_text(payload, "message") or _field_text(payload, "code") or "no reason"
        raise BadResponse(f"BTCTurk refused the request: {_clip(reason)}")
    code = _field_text(payload, "code")
    if code and code not in _SUCCESS_CODES:
        raise BadResponse(f"BTCTurk answered with code {_clip(code)}")
    if "data" not in payload:
        raise BadResponse("BTCTurk answered without data")
    return payload["data"]


def parse_balances(data: Any) -> list[Balance]:
    """Return the balances of `GET /api/v1/users/balances` data."""
    return [_quick_balance(row) or _balance(row) for row in _rows(data, "balances")]


def _quick_balance(row: dict[str, Any]) -> Balance | None:
    """Parse a well-formed row fast; None sends anything unusual to the checking parser.

    A poll reads the same amounts again and again, so their Decimals are remembered by text.
    """
    try:
        asset, name = row["asset"], row["assetname"]
        precision, stamp = row["precision"], row["timestamp"]
        amounts = _amounts(
            row["balance"], row["locked"], row["free"], row["orderFund"], row["requestFund"]
        )
    except (KeyError, TypeError, AmountError):
        return None
    if not (
        type(asset) is str
        and asset
        and type(name) is str
        and name
        and type(precision) is int
        and 0 <= precision <= _MAX_PRECISION
        and type(stamp) is int
        and 0 <= stamp < _MAX_MS
    ):
        return None
    return Balance(asset, name, *amounts, precision, _moment(stamp))


@functools.lru_cache(maxsize=64)
def _moment(milliseconds: int) -> datetime:
    """Return the UTC time of a stamp; the rows of one answer share theirs."""
    return _EPOCH + timedelta(milliseconds=milliseconds)


@functools.lru_cache(maxsize=4096)
def _amounts(*texts: object) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal]:
    """Return the Decimals of a row's five amount strings (AmountError/TypeError otherwise)."""
    if not all(type(text) is str for text in texts):
        raise TypeError("amounts are not strings")
    balance, locked, free, order_fund, request_fund = (parse_decimal(str(t)) for t in texts)
    return balance, locked, free, order_fund, request_fund


def parse_tickers(data: Any) -> list[Ticker]:
    """Return the tickers of `GET /api/v2/ticker` data."""
    return [_ticker(row) for row in _rows(data, "tickers")]


def parse_server_time(body: bytes) -> int:
    """Return `serverTime` (ms) from the body of `GET /api/v2/server/time`."""
    payload = _load_json(body)
    if not isinstance(payload, dict) or "serverTime" not in payload:
        raise BadResponse("BTCTurk server time answer has no serverTime")
    milliseconds = _integer(payload["serverTime"], "server time", "serverTime")
    if not 0 < milliseconds < _MAX_MS:
        raise BadResponse("BTCTurk server time is out of range")
    return milliseconds


def _balance(row: dict[str, Any]) -> Balance:
    asset = _text(row, "asset", "balance row")
    where = f"balance of {asset}"
    return Balance(
        asset=asset,
        asset_name=_text(row, "assetname", where),
        balance=_decimal(row, "balance", where),
        locked=_decimal(row, "locked", where),
        free=_decimal(row, "free", where),
        order_fund=_decimal(row, "orderFund", where),
        request_fund=_decimal(row, "requestFund", where),
        precision=_precision(row, where),
        timestamp=_timestamp(row, where),
    )


def _ticker(row: dict[str, Any]) -> Ticker:
    pair = _text(row, "pair", "ticker")
    where = f"ticker {pair}"
    return Ticker(
        pair=pair,
        numerator=_text(row, "numeratorSymbol", where),
        denominator=_text(row, "denominatorSymbol", where),
        last=_decimal(row, "last", where),
        daily_percent=_decimal(row, "dailyPercent", where),
        timestamp=_timestamp(row, where),
    )


def _rows(data: Any, what: str) -> list[dict[str, Any]]:
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise BadResponse(f"BTCTurk {what} are not a list of objects")
    return data


def _field(row: dict[str, Any], name: str, where: str) -> Any:
    if row.get(name) is None:
        raise BadResponse(f"{where}: field {name!r} is missing")
    return row[name]


def _text(row: dict[str, Any], name: str, where: str) -> str:
    value = _field(row, name, where)
    if not isinstance(value, str) or not value:
        raise BadResponse(f"{where}: field {name!r} is not a name")
    return value


def _decimal(row: dict[str, Any], name: str, where: str) -> Decimal:
    value = _field(row, name, where)
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise BadResponse(f"{where}: field {name!r} is not a number")
    try:
        return parse_decimal(str(value))
    except AmountError:
        raise BadResponse(f"{where}: field {name!r} is not a number") from None


def _integer(value: Any, where: str, name: str) -> int:
    if isinstance(value, Decimal) and value.adjusted() < 20 and value == value.to_integral_value():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    raise BadResponse(f"{where}: field {name!r} is not a whole number")


def _precision(row: dict[str, Any], where: str) -> int:
    precision = _integer(_field(row, "precision", where), where, "precision")
    if not 0 <= precision <= _MAX_PRECISION:
        raise BadResponse(f"{where}: field 'precision' is out of range")
    return precision


def _timestamp(row: dict[str, Any], where: str) -> datetime:
    milliseconds = _integer(_field(row, "timestamp", where), where, "timestamp")
    try:
        return _EPOCH + timedelta(milliseconds=milliseconds)
    except OverflowError:
        raise BadResponse(f"{where}: field 'timestamp' is out of range") from None


def _load_json(body: bytes) -> Any:
    try:
        return json.loads(body, parse_float=Decimal, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return _UNREADABLE


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _field_text(payload: Any, name: str) -> str:
    if not isinstance(payload, dict):
        return ""
    value = payload.get(name)
    return "" if value is None or isinstance(value, dict | list) else str(value).strip()


def _looks_like_html(body: bytes, content_type: str | None) -> bool:
    return "html" in (content_type or "").lower() or body.lstrip()[:1] == b"<"


def _describe_unreadable(body: bytes, html: bool) -> str:
    if html:
        return "a web page"
    return "an empty answer" if not body.strip() else "something that is not JSON"


def _parse_retry_after(header: str | None) -> float | None:
    """Return the seconds of a `Retry-After: <seconds>` header; None for absent, dates or junk."""
    try:
        seconds = float((header or "").strip())
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"
