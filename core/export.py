"""The `/export [year]` document: every trade, deposit and withdrawal with its values in the
quote currency and each disposal's basis and realized P&L, then the daily portfolio values.

A CSV a spreadsheet opens directly: UTF-8 with a byte-order mark (so Excel reads the Turkish
letters), comma-separated, dot decimals without grouping, times as ISO text in the chat's zone.
Pure, Decimal only.

Right, or saying where it is not:
- a figure that cannot be told is an empty cell with its reason in the last column (`Gap`),
  never a zero: a sale whose units the history never brought in has no basis and no P&L;
- each realized P&L sits on a row of the asset it belongs to: a buy paid in USDT (`XUSDT`)
  also disposes of USDT, on a `spend` row of its own;
- comment rows (`# …`) before the header say what the file leaves out;
- a text cell is never a formula (`safe_cell`); figures stay numbers, negative ones too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from typing import Literal

from btcturk.history import Crowded
from btcturk.models import Fill, Transfer
from core.cost_basis import CostBasis, PriceAt, Sale

ExportKind = Literal["buy", "sell", "spend", "deposit", "withdrawal"]
KINDS: tuple[ExportKind, ...] = ("buy", "sell", "spend", "deposit", "withdrawal")
Gap = Literal["acquisition", "price"]  # why a figure is left empty: see `ExportRow.gap`
GAPS: tuple[Gap, ...] = ("acquisition", "price")
ONE = Decimal(1)
ZERO = Decimal(0)
BOM = "\ufeff"
COMMENT = "# "
_TIE_ORDER = {"deposit": 0, "buy": 1, "sell": 1, "spend": 1, "withdrawal": 2}  # as the basis reads
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class CsvLabels:
    """The words of the document, in the reader's language."""

    columns: tuple[str, ...]
    daily_columns: tuple[str, ...]
    kinds: Mapping[str, str]
    gaps: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One record of the year; a figure is None when it does not apply or is not known.

    `gap` says why a figure that applies is unknown: `acquisition` (the history does not
    show what the units disposed of cost) or `price` (no price in the quote that day).
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


@dataclass(frozen=True, slots=True)
class YearExport:
    """The year's rows and what the file may lack.

    `crowded`: moments at which BTCTurk returned a full answer within one millisecond (rows
    past it could not be read); `read_until`: set when the history could not be read just
    before the export, to the end of what was read.
    """

    year: int
    rows: list[ExportRow]
    crowded: tuple[Crowded, ...] = ()
    read_until: datetime | None = None

    def realized(self) -> tuple[Decimal, tuple[str, ...]]:
        """Return the realized P&L of the rows that have one, and the assets left out."""
        return realized_total(self.rows)


def export_rows(
    fills: Iterable[Fill],
    transfers: Iterable[Transfer],
    basis: CostBasis,
    price_at: PriceAt,
    start_ms: int,
    end_ms: int,
) -> list[ExportRow]:
    """Return the records with start_ms <= time < end_ms, oldest first."""
    quote = basis.quote
    sales: dict[tuple[str, str], list[Sale]] = {}
    for position in basis.assets.values():
        for sale in position.sales:
            if start_ms <= sale.at_ms < end_ms:
                sales.setdefault((sale.record_id, sale.asset), []).append(sale)
    rows = []
    for fill in fills:
        if start_ms <= fill.at_ms < end_ms:
            rate = ONE if fill.denominator == quote else price_at(fill.denominator, fill.at_ms)
            rows.append(_fill_row(fill, quote, rate, sales.get((fill.id, fill.numerator))))
            if fill.side == "buy" and fill.denominator != quote:
                rows.append(_spend_row(fill, quote, rate, sales.get((fill.id, fill.denominator))))
    for transfer in transfers:
        if start_ms <= transfer.at_ms < end_ms:
            rows.append(_transfer_row(transfer, quote, price_at))
    rows.sort(key=lambda r: (r.at_ms, _TIE_ORDER[r.kind], len(r.record_id), r.record_id))
    return rows


def _fill_row(
    fill: Fill, quote: str, rate: Decimal | None, disposed: list[Sale] | None
) -> ExportRow:
    """Return a fill's row; a sell carries the basis and P&L of what it disposed of."""
    gap: Gap | None = "price" if rate is None else None
    cost = realized = None
    if fill.side == "sell" and rate is not None and fill.numerator != quote:
        if disposed and all(s.known for s in disposed):
            cost = sum((s.cost for s in disposed), ZERO)
            realized = sum((s.pnl for s in disposed), ZERO)
        else:
            gap = "acquisition"
    return ExportRow(
        at_ms=fill.at_ms,
        kind=fill.side,
        asset=fill.numerator,
        pair=fill.numerator + fill.denominator,
        amount=fill.amount,
        price=fill.price,
        currency=fill.denominator,
        value=None if rate is None else fill.price * fill.amount * rate,
        fee=fill.fee,
        tax=fill.tax,
        fees_value=None if rate is None else (fill.fee + fill.tax) * rate,
        cost=cost,
        realized=realized,
        record_id=fill.id,
        gap=gap,
    )


def _spend_row(
    fill: Fill, quote: str, rate: Decimal | None, disposed: list[Sale] | None
) -> ExportRow:
    """Return the disposal of the currency a buy was paid in (USDT for `GLMRUSDT`)."""
    spent = fill.price * fill.amount + fill.fee + fill.tax
    gap: Gap | None = None
    cost = realized = None
    if rate is None:
        gap = "price"
    elif disposed and all(s.known for s in disposed):
        cost = sum((s.cost for s in disposed), ZERO)
        realized = sum((s.pnl for s in disposed), ZERO)
    else:
        gap = "acquisition"
    return ExportRow(
        at_ms=fill.at_ms,
        kind="spend",
        asset=fill.denominator,
        pair=fill.numerator + fill.denominator,
        amount=spent,
        price=rate,
        currency=quote,
        value=None if rate is None else spent * rate,
        fee=None,
        tax=None,
        fees_value=None,
        cost=cost,
        realized=realized,
        record_id=fill.id,
        gap=gap,
    )


def _transfer_row(transfer: Transfer, quote: str, price_at: PriceAt) -> ExportRow:
    unit = ONE if transfer.asset == quote else price_at(transfer.asset, transfer.at_ms)
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
        gap=None if unit is not None else "price",
    )


def realized_total(rows: Iterable[ExportRow]) -> tuple[Decimal, tuple[str, ...]]:
    """Return the sum of the realized P&L told, and the assets whose disposals lack one."""
    total, left_out = ZERO, set()
    for row in rows:
        if row.realized is not None:
            total += row.realized
        elif row.kind in ("sell", "spend"):
            left_out.add(row.asset)
    return total, tuple(sorted(left_out))


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
                _plain(row.price),
                safe_cell(row.currency),
                _money(row.value),
                _plain(row.fee),
                _plain(row.tax),
                _money(row.fees_value),
                _money(row.cost),
                _money(row.realized),
                safe_cell(row.record_id),
                "" if row.gap is None else safe_cell(labels.gaps[row.gap]),
            ]
        )
    if daily:
        writer.writerow([])
        writer.writerow([safe_cell(c) for c in labels.daily_columns])
        for day, total in daily:
            writer.writerow([safe_cell(day), _money(total)])
    return BOM + out.getvalue()


def safe_cell(text: str) -> str:
    """Return a text cell a spreadsheet shows as text, never runs as a formula (OWASP)."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _plain(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _money(value: Decimal | None) -> str:
    return "" if value is None else format(value.quantize(CENT), "f")
