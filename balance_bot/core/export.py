"""The `/export [year]` document: every trade, deposit and withdrawal with its values in the
quote currency and each disposal's basis and realized P&L, then the daily portfolio values.

A CSV a spreadsheet opens directly: UTF-8 with a byte-order mark (so Excel reads the Turkish
letters), comma-separated, dot decimals without grouping, times as ISO text in the chat's zone.
Pure, Decimal only.

Right, or saying where it is not:
- a figure that cannot be told is an empty cell with its reason in the last column (`Gap`),
  never a zero: a sale whose units the history never brought in has no basis and no P&L; a
  value of today waits for the day's close, and says so;
- each realized P&L sits on a row of the asset it belongs to: a buy paid in USDT (`XUSDT`)
  also disposes of USDT, on a `spend` row of its own;
- the realized total is /pnl's (`RealizedTotal`): it leaves out the same assets, for the same
  reasons; the rows of an asset the history does not account for keep their figures, with a
  note; a value at a price the bot saw at the time says so in the same column;
- comment rows (`# …`) before the header say what the file leaves out;
- a text cell is never a formula (`safe_cell`); figures stay numbers, negative ones too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from decimal import Decimal, localcontext
from typing import Literal

from balance_bot.btcturk.history import Crowded
from balance_bot.btcturk.models import Fill, Transfer
from balance_bot.core.cost_basis import (
    SEEN,
    CostBasis,
    Missing,
    PriceAt,
    Sale,
    TransferPrice,
    Unknown,
    transfer_key,
)
from balance_bot.core.pnl import Left, PnlReport

ExportKind = Literal["buy", "sell", "spend", "deposit", "withdrawal"]
KINDS: tuple[ExportKind, ...] = ("buy", "sell", "spend", "deposit", "withdrawal")
Gap = Literal["acquisition", "price", "today", "loading", "cost_today", "cost_loading"]
GAPS: tuple[Gap, ...] = ("acquisition", "price", "today", "loading", "cost_today", "cost_loading")
_GAP_OF: dict[Unknown, Gap] = {"today": "today", "loading": "loading"}  # the rest: "price"
_COST_GAP_OF: dict[Unknown, Gap] = {"today": "cost_today", "loading": "cost_loading"}
ONE = Decimal(1)
ZERO = Decimal(0)
BOM = "\ufeff"
COMMENT = "# "
_TIE_ORDER = {"deposit": 0, "buy": 1, "sell": 1, "spend": 1, "withdrawal": 2}  # as the basis reads
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CENT = Decimal("0.01")
RATE_DIGITS = 12  # significant digits of a rate in the price column (its values are exact)


@dataclass(frozen=True, slots=True)
class CsvLabels:
    """The words of the document, in the reader's language."""

    columns: tuple[str, ...]
    daily_columns: tuple[str, ...]
    kinds: Mapping[str, str]
    gaps: Mapping[str, str]
    seen: str = ""  # the note of a value at a price the bot saw at the time
    incomplete: Callable[[str], str] | None = None  # the note on the rows of such an asset


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One record of the year; a figure is None when it does not apply or is not known.

    `gap` says why a figure that applies is unknown: `acquisition` (the history does not
    show what the units disposed of cost), `price` (no price in the quote that day), `today`
    (valued at the day's close, once the day is over) or `loading` (the day's prices are
    still being read); `cost_today` and `cost_loading`: the value is known, the cost of the
    units disposed of waits so. `seen`: the value is at a price the bot saw at the time;
    `incomplete`: the history does not account for the asset held now (its figures are left
    out of the realized total).
    """

    at_ms: int
    kind: ExportKind
    asset: str
    pair: str  # "" for a transfer
    amount: Decimal
    price: Decimal | None  # in `currency`
    currency: str  # what the price and the fee are in
    value: Decimal | None
    fee: Decimal | None  # None on a spend row: the buy's own row carries it
    tax: Decimal | None
    fees_value: Decimal | None
    cost: Decimal | None  # the basis of what a disposal gave up
    realized: Decimal | None
    record_id: str
    gap: Gap | None = None
    seen: bool = False
    incomplete: bool = False


@dataclass(frozen=True, slots=True)
class RealizedTotal:
    """The year's realized P&L as /pnl tells it, and what the caption says with it.

    `left_out`: the assets it leaves out and why, as /pnl names them; `unknown`: it leaves out
    every asset; `rows_sum`: the realized cells of the assets it counts, each rounded to 0.01,
    added up (the file's own sum); `checked`: False when no balances could be read, so the
    history was not checked against what is held.
    """

    amount: Decimal
    left_out: Left
    rows_sum: Decimal
    checked: bool = True
    unknown: bool = False
    until: tuple[tuple[str, int], ...] = ()  # assets counted up to a crowded moment (ms)


@dataclass(frozen=True, slots=True)
class YearExport:
    """The year's rows, their realized total, and what the file may lack.

    `crowded`: moments at which BTCTurk returned a full answer within one millisecond (rows
    past it could not be read); `read_until`: set when the history could not be read just
    before the export, to the end of what was read; `read_refused`: because the key lacks the
    Account permission (it is not read forward until it has it again).
    """

    year: int
    rows: list[ExportRow]
    total: RealizedTotal
    crowded: tuple[Crowded, ...] = ()
    read_until: datetime | None = None
    read_refused: bool = False


def _no_reason(asset: str, at_ms: int) -> Unknown:
    return "past_price"


def export_rows(
    fills: Iterable[Fill],
    transfers: Iterable[Transfer],
    basis: CostBasis,
    price_at: PriceAt,
    start_ms: int,
    end_ms: int,
    *,
    missing: Missing = _no_reason,
    transfer_prices: Mapping[tuple[str, str], TransferPrice] | None = None,
    fill_rates: Mapping[str, TransferPrice] | None = None,
    incomplete: Collection[str] = (),
) -> list[ExportRow]:
    """Return the records with start_ms <= time < end_ms, oldest first.

    Values as the cost basis took them: a transfer's recorded price and a fill's recorded rate
    first, else `price_at` (`missing` tells why it has none). The rows of the `incomplete`
    assets are noted so.
    """
    quote = basis.quote
    recorded, rates = transfer_prices or {}, fill_rates or {}
    sales: dict[tuple[str, str], list[Sale]] = {}
    unvalued: dict[tuple[str, str], Unknown] = {}
    for position in basis.assets.values():
        for sale in position.sales:
            if start_ms <= sale.at_ms < end_ms:
                sales.setdefault((sale.record_id, sale.asset), []).append(sale)
        for left in position.unvalued:
            unvalued[(left.record_id, left.asset)] = left.why
    rows = []
    for fill in fills:
        if start_ms <= fill.at_ms < end_ms:
            rate = _rate(fill, quote, rates.get(fill.id), price_at, missing)
            rows.append(_fill_row(fill, quote, rate, sales, unvalued))
            if fill.side == "buy" and fill.denominator != quote:
                rows.append(_spend_row(fill, quote, rate, sales, unvalued))
    for transfer in transfers:
        if start_ms <= transfer.at_ms < end_ms:
            price = recorded.get(transfer_key(transfer))
            rows.append(_transfer_row(transfer, quote, price, price_at, missing))
    rows.sort(key=lambda r: (r.at_ms, _TIE_ORDER[r.kind], len(r.record_id), r.record_id))
    if incomplete:
        rows = [replace(r, incomplete=True) if r.asset in incomplete else r for r in rows]
    return rows


@dataclass(frozen=True, slots=True)
class _Rate:
    """A fill's rate in the quote currency, or why it is unknown, and whether it was seen."""

    unit: Decimal | None
    gap: Gap | None = None
    seen: bool = False


def _rate(
    fill: Fill,
    quote: str,
    recorded: TransferPrice | None,
    price_at: PriceAt,
    missing: Missing,
) -> _Rate:
    if fill.denominator == quote:
        return _Rate(ONE)
    if recorded is not None:
        return _Rate(recorded.unit, seen=recorded.source == SEEN)
    unit = price_at(fill.denominator, fill.at_ms)
    if unit is not None:
        return _Rate(unit)
    return _Rate(None, _gap(missing(fill.denominator, fill.at_ms)))


def _gap(why: Unknown) -> Gap:
    """Return the note of a value that cannot be told yet, or at all."""
    return _GAP_OF.get(why, "price")


def _disposal(
    key: tuple[str, str],
    sales: Mapping[tuple[str, str], list[Sale]],
    unvalued: Mapping[tuple[str, str], Unknown],
) -> tuple[Decimal | None, Decimal | None, Gap | None]:
    """Return the basis and the P&L of what a fill disposed of (its value known), or why
    they are unknown: its cost waits for a day's prices, or is not known at all."""
    disposed = sales.get(key)
    if disposed and all(s.known for s in disposed):
        cost = sum((s.cost for s in disposed), ZERO)
        return cost, sum((s.pnl for s in disposed), ZERO), None
    why = unvalued.get(key)
    return None, None, ("acquisition" if why is None else _COST_GAP_OF.get(why, "acquisition"))


def _fill_row(
    fill: Fill,
    quote: str,
    rate: _Rate,
    sales: Mapping[tuple[str, str], list[Sale]],
    unvalued: Mapping[tuple[str, str], Unknown],
) -> ExportRow:
    """Return a fill's row; a sell carries the basis and P&L of what it disposed of."""
    gap = rate.gap
    cost = realized = None
    if fill.side == "sell" and rate.unit is not None and fill.numerator != quote:
        cost, realized, gap = _disposal((fill.id, fill.numerator), sales, unvalued)
    unit = rate.unit
    return ExportRow(
        at_ms=fill.at_ms,
        kind=fill.side,
        asset=fill.numerator,
        pair=fill.numerator + fill.denominator,
        amount=fill.amount,
        price=fill.price,
        currency=fill.denominator,
        value=None if unit is None else fill.price * fill.amount * unit,
        fee=fill.fee,
        tax=fill.tax,
        fees_value=None if unit is None else (fill.fee + fill.tax) * unit,
        cost=cost,
        realized=realized,
        record_id=fill.id,
        gap=gap,
        seen=rate.seen,
    )


def _spend_row(
    fill: Fill,
    quote: str,
    rate: _Rate,
    sales: Mapping[tuple[str, str], list[Sale]],
    unvalued: Mapping[tuple[str, str], Unknown],
) -> ExportRow:
    """Return the disposal of the currency a buy was paid in (USDT for `GLMRUSDT`)."""
    spent = fill.price * fill.amount + fill.fee + fill.tax
    unit, gap = rate.unit, rate.gap
    cost = realized = None
    if unit is not None:
        cost, realized, gap = _disposal((fill.id, fill.denominator), sales, unvalued)
    return ExportRow(
        at_ms=fill.at_ms,
        kind="spend",
        asset=fill.denominator,
        pair=fill.numerator + fill.denominator,
        amount=spent,
        price=unit,
        currency=quote,
        value=None if unit is None else spent * unit,
        fee=None,
        tax=None,
        fees_value=None,
        cost=cost,
        realized=realized,
        record_id=fill.id,
        gap=gap,
        seen=rate.seen,
    )


def _transfer_row(
    transfer: Transfer,
    quote: str,
    recorded: TransferPrice | None,
    price_at: PriceAt,
    missing: Missing,
) -> ExportRow:
    gap: Gap | None = None
    if transfer.asset == quote:
        unit: Decimal | None = ONE
    elif recorded is not None:
        unit = recorded.unit
    else:
        unit = price_at(transfer.asset, transfer.at_ms)
        gap = None if unit is not None else _gap(missing(transfer.asset, transfer.at_ms))
    return ExportRow(
        at_ms=transfer.at_ms,
        kind=transfer.kind,
        asset=transfer.asset,
        pair="",
        amount=transfer.amount,
        price=unit,
        currency=quote,
        value=None if unit is None else transfer.amount * unit,
        fee=transfer.fee,
        tax=transfer.tax,
        fees_value=None if unit is None else (transfer.fee + transfer.tax) * unit,
        cost=None,
        realized=None,
        record_id=transfer.id,
        gap=gap,
        seen=recorded is not None and recorded.source == SEEN and transfer.asset != quote,
    )


def realized_of(rows: Iterable[ExportRow], report: PnlReport, *, checked: bool) -> RealizedTotal:
    """Return the year's realized P&L as `report` (/pnl's, over the same year) tells it, with
    the sum of the file's rounded cells of the assets it counts."""
    left = report.realized_without
    out = {asset for asset, _ in left}
    until = dict(report.counted_until)
    rows_sum = sum(
        (
            r.realized.quantize(CENT)
            for r in rows
            if r.realized is not None
            and r.asset not in out
            and r.at_ms < until.get(r.asset, r.at_ms + 1)
        ),
        ZERO,
    )
    every = bool(left) and len(left) == len(report.rows)
    return RealizedTotal(
        report.realized_year,
        left,
        rows_sum,
        checked,
        every,
        report.counted_until,
    )


def export_csv(
    rows: Sequence[ExportRow],
    daily: Sequence[tuple[str, Decimal]],
    labels: CsvLabels,
    tz: tzinfo,
    notes: Sequence[str] = (),
) -> str:
    """Return the comment rows, the year's records, then the daily portfolio values, as CSV."""
    out = io.StringIO()
    writer = csv.writer(out)
    for note in notes:
        writer.writerow([safe_cell(COMMENT + note)])
    writer.writerow([safe_cell(c) for c in labels.columns])
    for row in rows:
        moment = datetime.fromtimestamp(row.at_ms / 1000, UTC).astimezone(tz)
        writer.writerow(
            [
                moment.isoformat(sep=" ", timespec="seconds"),
                safe_cell(labels.kinds[row.kind]),
                safe_cell(row.asset),
                safe_cell(row.pair),
                _plain(row.amount),
                _plain(row.price if row.kind in ("buy", "sell") else _significant(row.price)),
                safe_cell(row.currency),
                _money(row.value),
                _plain(row.fee),
                _plain(row.tax),
                _money(row.fees_value),
                _money(row.cost),
                _money(row.realized),
                safe_cell(row.record_id),
                safe_cell(_notes(row, labels)),
            ]
        )
    if daily:
        writer.writerow([])
        writer.writerow([safe_cell(c) for c in labels.daily_columns])
        for day, total in daily:
            writer.writerow([safe_cell(day), _money(total)])
    return BOM + out.getvalue()


def _notes(row: ExportRow, labels: CsvLabels) -> str:
    """Return the row's note: why a figure is empty, where its value comes from."""
    notes = [] if row.gap is None else [labels.gaps[row.gap]]
    if row.seen and labels.seen:
        notes.append(labels.seen)
    if row.incomplete and labels.incomplete is not None:
        notes.append(labels.incomplete(row.asset))
    return "; ".join(notes)


def safe_cell(text: str) -> str:
    """Return a text cell a spreadsheet shows as text, never runs as a formula (OWASP)."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _plain(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _significant(value: Decimal | None) -> Decimal | None:
    """Return a rate to RATE_DIGITS significant digits: a transfer's price or a spent
    currency's is often found by a division (1 / USDTTRY) of 28 digits and more; the values
    beside it are computed from the rate unrounded."""
    if value is None or value == 0:
        return value
    with localcontext() as context:
        context.prec = RATE_DIGITS
        return value.quantize(Decimal(1).scaleb(value.adjusted() - RATE_DIGITS + 1))


def _money(value: Decimal | None) -> str:
    return "" if value is None else format(value.quantize(CENT), "f")
