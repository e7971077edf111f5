"""Turn BTCTurk's HTTP answers into models or the right `BtcTurkError`. Pure, no I/O.

The exchange does not keep to its documented envelope: authentication errors come as HTTP 401
with `success: true`, maintenance uses a string `code`, and the CDN in front of it answers with
HTML pages. So the HTTP status and the message are read before `success`, and every JSON parse
is guarded. JSON numbers are parsed into `Decimal`, so no float ever touches a price.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

from balance_bot.btcturk.amounts import MAX_PRECISION
from balance_bot.btcturk.errors import (
    AuthError,
    BadResponse,
    RateLimited,
    StampRejected,
    Unavailable,
)
from balance_bot.btcturk.fields import number, whole
from balance_bot.btcturk.models import Balance, DataNote, NoteEndpoint, Ticker

_UNREADABLE = object()
_SUCCESS_CODES = frozenset({"0", "SUCCESS"})
_DOWN_MARKERS = frozenset({"INTERNAL_ERROR", "500", "502", "503", "504"})
_AUTH_PREFIXES = ("unauthorized", "invalid signature")
_AUTH_HINT = "check the API key, its permissions, its IP restriction and the clock"
_MAX_SHOWN = 120
_MAX_MS = 10**14  # year 5138: any stamp beyond is garbage
_BAD = object()  # an amount that is present but not a number
_ZERO = Decimal(0)
FIAT_ASSETS = frozenset({"TRY", "USD", "EUR", "GBP"})
FIAT_PRECISION = 2
CRYPTO_PRECISION = 8


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
        raise StampRejected(
            f"BTCTurk refused the request stamp: {_clip(message)}; check the clock", _clip(message)
        )
    if status == 401 or lowered.startswith(_AUTH_PREFIXES) or (status == 403 and not html):
        detail = f": {_clip(message)}" if message else ""
        raise AuthError(
            f"BTCTurk refused the API key (HTTP {status}{detail}); {_AUTH_HINT}", _clip(message)
        )
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
    if payload.get("success", "data" in payload) is not True:  # data alone is an answer too
        reason = _field_text(payload, "message") or _field_text(payload, "code") or "no reason"
        raise BadResponse(f"BTCTurk refused the request: {_clip(reason)}")
    code = _field_text(payload, "code")
    if code and code not in _SUCCESS_CODES:
        raise BadResponse(f"BTCTurk answered with code {_clip(code)}")
    if "data" not in payload:
        raise BadResponse("BTCTurk answered without data")
    return payload["data"]


def parse_balances(data: Any, notes: list[DataNote] | None = None) -> list[Balance]:
    """Return the usable balances of `GET /api/v1/users/balances` data.

    A row needs an asset and a balance; whatever else it lacks is derived, defaulted or left
    out, and said in `notes`. A row without them is skipped and noted. Only an answer with no
    usable row at all is a `BadResponse`.
    """
    sink: list[DataNote] = [] if notes is None else notes
    rows = [_balance(row, sink) for row in listed_rows(data, "balances", "balances", sink)]
    usable = [row for row in rows if row is not None]
    if rows and not usable:
        raise BadResponse("BTCTurk balances held no usable row")
    return usable


def parse_tickers(data: Any, notes: list[DataNote] | None = None) -> list[Ticker]:
    """Return the usable tickers of `GET /api/v2/ticker` data; a row without a price is skipped."""
    sink: list[DataNote] = [] if notes is None else notes
    rows = [_ticker(row, sink) for row in listed_rows(data, "tickers", "tickers", sink)]
    usable = [row for row in rows if row is not None]
    if not usable:
        raise BadResponse("BTCTurk tickers held no usable price")
    return usable


def parse_server_time(payload: Any) -> int:
    """Return `serverTime` (ms) from the decoded answer of `GET /api/v2/server/time`."""
    if not isinstance(payload, dict) or "serverTime" not in payload:
        raise BadResponse("BTCTurk server time answer has no serverTime")
    milliseconds = _integer(payload["serverTime"], "server time", "serverTime")
    if not 0 < milliseconds < _MAX_MS:
        raise BadResponse("BTCTurk server time is out of range")
    return milliseconds


def _balance(row: dict[str, Any], notes: list[DataNote]) -> Balance | None:
    asset = row.get("asset")
    if type(asset) is not str or not asset:
        notes.append(DataNote("balances", "skipped", "asset", ""))
        return None
    balance = _amount(row, "balance", asset, notes)
    locked = _amount(row, "locked", asset, notes)
    free = _amount(row, "free", asset, notes)
    amounts = {"balance": balance, "locked": locked, "free": free}
    unusable = next((name for name, value in amounts.items() if value is _BAD), None)
    if balance is None:
        unusable = "balance"
    if unusable is not None:
        notes.append(DataNote("balances", "skipped", unusable, asset))
        return None
    locked, free = _locked_and_free(balance, locked, free, asset, notes)
    request_fund = _optional_amount(row, "requestFund", asset, notes)
    name = row.get("assetname")
    if type(name) is not str or not name:
        notes.append(DataNote("balances", "missing", "assetname", asset))
        name = asset
    precision = _precision(row, asset, notes)
    order_fund = number(row.get("orderFund"))  # quiet: only /orders reads it, and says so
    return Balance(asset, name, balance, locked, free, request_fund, precision, order_fund)


def _locked_and_free(
    balance: Decimal,
    locked: Decimal | None,
    free: Decimal | None,
    asset: str,
    notes: list[DataNote],
) -> tuple[Decimal, Decimal]:
    """Return (locked, free), deriving a missing one from the balance and the other."""
    if locked is not None and free is not None:
        return locked, free
    if free is not None:
        notes.append(DataNote("balances", "derived", "locked", asset))
        return balance - free, free
    if locked is not None:
        notes.append(DataNote("balances", "derived", "free", asset))
        return locked, balance - locked
    notes.append(DataNote("balances", "defaulted", "locked", asset))
    return _ZERO, balance


def _amount(row: dict[str, Any], name: str, asset: str, notes: list[DataNote]) -> Any:
    """Return a row's amount: a Decimal, None when absent, `_BAD` when it is not a number.

    Amounts are strings with a dot or a comma; a JSON number is accepted too, and noted.
    """
    value = row.get(name)
    if value is None:
        return None
    if type(value) in (int, Decimal):
        notes.append(DataNote("balances", "type", name, asset))
    figure = number(value)
    return _BAD if figure is None else figure


def _optional_amount(
    row: dict[str, Any], name: str, asset: str, notes: list[DataNote]
) -> Decimal | None:
    value = _amount(row, name, asset, notes)
    if value is None:
        notes.append(DataNote("balances", "missing", name, asset))
        return None
    if value is _BAD:
        notes.append(DataNote("balances", "type", name, asset))
        return None
    assert isinstance(value, Decimal)
    return value


def _precision(row: dict[str, Any], asset: str, notes: list[DataNote]) -> int:
    """Return the row's precision; without a usable one, 2 for fiat money and 8 otherwise."""
    value = row.get("precision")
    if type(value) is int and 0 <= value <= MAX_PRECISION:
        return value
    try:
        precision = _integer(value, "", "precision") if value is not None else None
    except BadResponse:
        precision = None
    if precision is not None and 0 <= precision <= MAX_PRECISION:
        notes.append(DataNote("balances", "type", "precision", asset))
        return precision
    notes.append(DataNote("balances", "defaulted", "precision", asset))
    return FIAT_PRECISION if asset in FIAT_ASSETS else CRYPTO_PRECISION


def _ticker(row: dict[str, Any], notes: list[DataNote]) -> Ticker | None:
    sides = _sides(row, notes)
    if sides is None:
        return None
    numerator, denominator = sides
    pair = row.get("pair")
    if type(pair) is not str or not pair:
        pair = numerator + denominator
    last = number(row.get("last"))
    if last is None or last <= 0:  # a price of 0 is no price: never a value
        notes.append(DataNote("tickers", "skipped", "last", pair))
        return None
    return Ticker(pair=pair, numerator=numerator, denominator=denominator, last=last)


def _sides(row: dict[str, Any], notes: list[DataNote]) -> tuple[str, str] | None:
    """Return a pair's (numerator, denominator), from `pairNormalized` when the row lacks them."""
    numerator, denominator = row.get("numeratorSymbol"), row.get("denominatorSymbol")
    if type(numerator) is str and numerator and type(denominator) is str and denominator:
        return numerator, denominator
    subject = str(row.get("pair") or row.get("pairNormalized") or "")
    normalized = row.get("pairNormalized")
    if type(normalized) is str and normalized.count("_") == 1:
        numerator, denominator = normalized.split("_")
        if numerator and denominator:
            notes.append(DataNote("tickers", "derived", "numeratorSymbol", subject))
            return numerator, denominator
    notes.append(DataNote("tickers", "skipped", "numeratorSymbol", subject))
    return None


def listed_rows(
    data: Any, endpoint: NoteEndpoint, what: str, notes: list[DataNote]
) -> list[dict[str, Any]]:
    """Return the objects of a list answer; a non-object item is skipped and noted."""
    if not isinstance(data, list):
        raise BadResponse(f"BTCTurk {what} are not a list")
    rows = []
    for row in data:
        if isinstance(row, dict):
            rows.append(row)
        else:
            notes.append(DataNote(endpoint, "skipped", "row", ""))
    if data and not rows:
        raise BadResponse(f"BTCTurk {what} are not a list of objects")
    return rows


def _integer(value: Any, where: str, name: str) -> int:
    found = whole(value)
    if found is None:
        raise BadResponse(f"{where}: field {name!r} is not a whole number")
    return found


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
