"""Read the rows of BTCTurk's history endpoints into `Fill` and `Transfer`. Pure, no I/O.

Published answers differ in shape: the documentation of 2018 shows JSON numbers and no
`orderId`; the one of 2021 strings for amounts; today's adds `preciseAmount`; ccxt captured
every field, the timestamp too, as a string. Ids have grown past 2**53, so they are kept as
text. Each reader takes every shape seen, keeps what it can, skips a row it cannot use and says
so in a `DataNote`, and never guesses a figure: a missing fee or tax is taken as zero and noted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from balance_bot.btcturk.errors import BadResponse
from balance_bot.btcturk.fields import number, whole
from balance_bot.btcturk.models import DataNote, Fill, History, Side, Transfer, TransferKind
from balance_bot.btcturk.parsing import listed_rows

HistoryEndpoint = Literal["trades", "crypto", "fiat"]
BOOKS: tuple[HistoryEndpoint, ...] = ("trades", "crypto", "fiat")
PAGE_CAP = 200  # the most rows one answer holds
_MAX_MS = 10**14
_ZERO = Decimal(0)
_SIDES: dict[str, Side] = {"buy": "buy", "sell": "sell"}
_KINDS: dict[str, TransferKind] = {"deposit": "deposit", "withdrawal": "withdrawal"}


class _Unusable(Exception):
    """A row lacks a field the record cannot do without."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def parse_fills(data: Any, notes: list[DataNote] | None = None) -> list[Fill]:
    """Return the usable fills of `GET /api/v1/users/transactions/trade` data."""
    sink: list[DataNote] = [] if notes is None else notes
    rows = _rows(data, "trades", sink)
    fills = [fill for row in rows if (fill := _fill(row, sink)) is not None]
    if rows and not fills:
        raise BadResponse("BTCTurk trade history held no usable row")
    return fills


def parse_transfers(
    data: Any, endpoint: Literal["crypto", "fiat"], notes: list[DataNote] | None = None
) -> list[Transfer]:
    """Return the usable deposits and withdrawals of `/transactions/crypto` or `/fiat` data."""
    sink: list[DataNote] = [] if notes is None else notes
    rows = _rows(data, endpoint, sink)
    transfers = [t for row in rows if (t := _transfer(row, endpoint, sink)) is not None]
    if rows and not transfers:
        raise BadResponse(f"BTCTurk {endpoint} history held no usable row")
    return transfers


def page_span(data: Any) -> tuple[int, int | None]:
    """Return how many rows an answer held, usable or not, and the oldest timestamp among them."""
    if not isinstance(data, list):
        return 0, None
    stamps = [ms for row in data if isinstance(row, dict) and (ms := _ms(row.get("timestamp")))]
    return len(data), min(stamps, default=None)


def _rows(data: Any, endpoint: HistoryEndpoint, notes: list[DataNote]) -> list[dict[str, Any]]:
    if data is None:  # an empty history has been answered with `data: null`
        notes.append(DataNote(endpoint, "missing", "data", ""))
        return []
    return listed_rows(data, endpoint, f"{endpoint} history rows", notes)


def _fill(row: dict[str, Any], notes: list[DataNote]) -> Fill | None:
    numerator, denominator = row.get("numeratorSymbol"), row.get("denominatorSymbol")
    pair = f"{numerator}{denominator}" if _text(numerator) and _text(denominator) else ""
    try:
        if not pair:
            raise _Unusable("numeratorSymbol")
        fill_id = _id(row, "id")
        at_ms = _stamp(row, "trades", pair, notes)
        price = _figure(row, "price", "trades", pair, notes, texts=True)
        amount = _fill_amount(row, pair, notes)
        side = _side(row.get("orderType"), amount, pair, notes)
    except _Unusable as unusable:
        notes.append(DataNote("trades", "skipped", unusable.field, pair))
        return None
    order_id = _optional_id(row, "orderId")
    if order_id is None:
        notes.append(DataNote("trades", "derived", "orderId", pair))
        order_id = fill_id  # each fill stands for its own order
    return Fill(
        id=fill_id,
        order_id=order_id,
        at_ms=at_ms,
        numerator=str(numerator),
        denominator=str(denominator),
        side=side,
        price=abs(price),
        amount=abs(amount),
        fee=abs(_cost(row, "fee", "trades", pair, notes, texts=True)),
        tax=abs(_cost(row, "tax", "trades", pair, notes, texts=True)),
        fee_currency=str(denominator),
    )


def _transfer(
    row: dict[str, Any], endpoint: Literal["crypto", "fiat"], notes: list[DataNote]
) -> Transfer | None:
    asset = row.get("currencySymbol")
    subject = asset.strip() if isinstance(asset, str) else ""
    try:
        if not subject:
            raise _Unusable("currencySymbol")
        transfer_id = _id(row, "id")
        at_ms = _stamp(row, endpoint, subject, notes)
        amount = _figure(row, "amount", endpoint, subject, notes, texts=False)
        kind = _kind(row.get("balanceType"), amount, endpoint, subject, notes)
    except _Unusable as unusable:
        notes.append(DataNote(endpoint, "skipped", unusable.field, subject))
        return None
    return Transfer(
        id=transfer_id,
        kind=kind,
        asset=subject,
        at_ms=at_ms,
        amount=abs(amount),
        fee=abs(_cost(row, "fee", endpoint, subject, notes, texts=False)),
        tax=abs(_cost(row, "tax", endpoint, subject, notes, texts=False)),
        fiat=endpoint == "fiat",
    )


def _fill_amount(row: dict[str, Any], pair: str, notes: list[DataNote]) -> Decimal:
    """Return the signed amount, the exact `preciseAmount` when sent (`amount` is rounded)."""
    precise = number(row.get("preciseAmount"))
    if precise is not None:
        return precise
    return _figure(row, "amount", "trades", pair, notes, texts=True)


def _side(value: Any, amount: Decimal, pair: str, notes: list[DataNote]) -> Side:
    """Return buy or sell from `orderType`, else from the sign of the amount (sells are < 0)."""
    side = _SIDES.get(value.strip().lower()) if isinstance(value, str) else None
    if side is not None:
        return side
    if amount == 0:
        raise _Unusable("orderType")
    notes.append(DataNote("trades", "missing" if value is None else "type", "orderType", pair))
    return "sell" if amount < 0 else "buy"


def _kind(
    value: Any, amount: Decimal, endpoint: HistoryEndpoint, subject: str, notes: list[DataNote]
) -> TransferKind:
    """Return deposit or withdrawal from `balanceType`, else from the sign of the amount."""
    kind = _KINDS.get(value.strip().lower()) if isinstance(value, str) else None
    if kind is not None:
        return kind
    if amount == 0:
        raise _Unusable("balanceType")
    notes.append(DataNote(endpoint, "missing" if value is None else "type", "balanceType", subject))
    return "withdrawal" if amount < 0 else "deposit"


def _figure(
    row: dict[str, Any],
    name: str,
    endpoint: HistoryEndpoint,
    subject: str,
    notes: list[DataNote],
    *,
    texts: bool,
) -> Decimal:
    """Return a required amount; `texts` says whether strings (else numbers) are the usual type."""
    value = row.get(name)
    figure = number(value)
    if figure is None:
        raise _Unusable(name)
    if isinstance(value, str) != texts:
        notes.append(DataNote(endpoint, "type", name, subject))
    return figure


def _cost(
    row: dict[str, Any],
    name: str,
    endpoint: HistoryEndpoint,
    subject: str,
    notes: list[DataNote],
    *,
    texts: bool,
) -> Decimal:
    """Return a fee or tax; zero, and noted, when absent or unreadable."""
    if row.get(name) is None:
        notes.append(DataNote(endpoint, "defaulted", name, subject))
        return _ZERO
    try:
        return _figure(row, name, endpoint, subject, notes, texts=texts)
    except _Unusable:
        notes.append(DataNote(endpoint, "defaulted", name, subject))
        return _ZERO


def _stamp(
    row: dict[str, Any], endpoint: HistoryEndpoint, subject: str, notes: list[DataNote]
) -> int:
    value = row.get("timestamp")
    milliseconds = _ms(value)
    if milliseconds is None:
        raise _Unusable("timestamp")
    if not isinstance(value, int):
        notes.append(DataNote(endpoint, "type", "timestamp", subject))
    return milliseconds


def _ms(value: Any) -> int | None:
    """Return a Unix time in ms from an integer, a whole JSON number or a digit string."""
    milliseconds = whole(value)
    return milliseconds if milliseconds is not None and 0 < milliseconds < _MAX_MS else None


def _id(row: dict[str, Any], name: str) -> str:
    identifier = _optional_id(row, name)
    if identifier is None:
        raise _Unusable(name)
    return identifier


def _optional_id(row: dict[str, Any], name: str) -> str | None:
    """Return an id sent as an integer or a string, as text; None when absent or unusable."""
    value = row.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip() and len(value) <= 64:
        return value.strip()
    return None


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


MAX_WINDOW_MS = 30 * 86_400_000  # longer date ranges may be refused


def windows(start_ms: int, end_ms: int) -> list[tuple[int, int]]:
    """Split [start_ms, end_ms] into consecutive inclusive windows of at most 30 days."""
    if end_ms < start_ms:
        raise ValueError("the history window ends before it starts")
    spans = []
    while start_ms <= end_ms:
        last = min(end_ms, start_ms + MAX_WINDOW_MS - 1)
        spans.append((start_ms, last))
        start_ms = last + 1
    return spans


def history_of(fills: list[Fill], transfers: list[Transfer], start_ms: int, end_ms: int) -> History:
    """Return the records inside [start_ms, end_ms], each id once per endpoint, oldest first."""
    unique_fills = {f.id: f for f in fills if start_ms <= f.at_ms <= end_ms}
    unique_transfers = {(t.fiat, t.id): t for t in transfers if start_ms <= t.at_ms <= end_ms}
    return History(
        fills=tuple(sorted(unique_fills.values(), key=lambda f: (f.at_ms, _id_order(f.id)))),
        transfers=tuple(
            sorted(unique_transfers.values(), key=lambda t: (t.at_ms, _id_order(t.id)))
        ),
    )


@dataclass(frozen=True, slots=True)
class Crowded:
    """A millisecond at which an endpoint holds a full answer of rows (`PAGE_CAP` or more).

    An answer holds the newest `PAGE_CAP` rows of its window, and no window is narrower than
    one millisecond: past that many rows at one moment, BTCTurk cannot return the rest to any
    client. The reader stores what it got, so such a moment is one with `PAGE_CAP` rows kept.
    """

    book: HistoryEndpoint
    at_ms: int
    rows: int  # the rows kept at that moment; any beyond them were not returned


def crowded_moments(fills: Iterable[Fill], transfers: Iterable[Transfer]) -> tuple[Crowded, ...]:
    """Return the moments whose rows may not all have been returned, oldest first."""
    counts: Counter[tuple[HistoryEndpoint, int]] = Counter(("trades", f.at_ms) for f in fills)
    counts.update((book_of(t), t.at_ms) for t in transfers)
    found = [Crowded(book, at_ms, n) for (book, at_ms), n in counts.items() if n >= PAGE_CAP]
    return tuple(sorted(found, key=lambda c: (c.at_ms, c.book)))


def crowded_since(fills: Iterable[Fill], transfers: Iterable[Transfer]) -> dict[str, int]:
    """Return, for each asset that rows at a crowded moment touch (rows BTCTurk did not
    return there may have moved it too), the first such moment, in ms."""
    fills, transfers = list(fills), list(transfers)
    moments = {(c.book, c.at_ms) for c in crowded_moments(fills, transfers)}
    touched = [
        (asset, f.at_ms)
        for f in fills
        if ("trades", f.at_ms) in moments
        for asset in (f.numerator, f.denominator, f.fee_currency)
    ]
    touched += [(t.asset, t.at_ms) for t in transfers if (book_of(t), t.at_ms) in moments]
    first: dict[str, int] = {}
    for asset, at_ms in touched:
        first[asset] = min(first.get(asset, at_ms), at_ms)
    return first


def crowded_orders(fills: Iterable[Fill]) -> frozenset[str]:
    """Return the orders with a fill at a crowded moment: more of their fills may be missing."""
    fills = list(fills)
    moments = {c.at_ms for c in crowded_moments(fills, ())}
    return frozenset(f.order_id for f in fills if f.at_ms in moments)


def book_of(transfer: Transfer) -> HistoryEndpoint:
    """Return the endpoint that lists `transfer`."""
    return "fiat" if transfer.fiat else "crypto"


def _id_order(identifier: str) -> tuple[int, str]:
    """Order numeric ids by value (shorter digit strings are smaller numbers)."""
    return len(identifier), identifier
