"""The `/export [year]` document: every trade, deposit and withdrawal with its values in the
quote currency and each sale's basis and realized P&L, then the daily portfolio values.

A CSV a spreadsheet opens directly: UTF-8 with a byte-order mark (so Excel reads the Turkish
letters), comma-separated, dot decimals without grouping, times as ISO text in the chat's zone.
Pure, Decimal only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from typing import Literal

from btcturk.models import Fill, Transfer
from core.cost_basis import CostBasis, PriceAt

ExportKind = Literal["buy", "sell", "deposit", "withdrawal"]
KINDS: tuple[ExportKind, ...] = ("buy", "sell", "deposit", "withdrawal")
ONE = Decimal(1)
BOM = "\ufeff"
_TIE_ORDER = {"deposit": 0, "buy": 1, "sell": 1, "withdrawal": 2}  # as the cost basis reads them
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class CsvLabels:
    """The words of the document, in the reader's language."""

    columns: tuple[str, ...]
    daily_columns: tuple[str, ...]
    kinds: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One record of the year; values in the quote currency are None when not known."""

    at_ms: int
    kind: ExportKind
    asset: str
    pair: str  # "" for a transfer
    amount: Decimal
    price: Decimal | None  # in `currency`
    currency: str  # what the price and the fee are in
    value: Decimal | None
    fee: Decimal
    tax: Decimal
    fees_value: Decimal | None
    cost: Decimal | None  # the basis of what a sale disposed of
    realized: Decimal | None
    record_id: str


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
    sales: dict[str, list[tuple[Decimal, Decimal]]] = {}
    for position in basis.assets.values():
        for sale in position.sales:
            sales.setdefault(sale.record_id, []).append((sale.cost, sale.pnl))
    rows = []
    for fill in fills:
        if not start_ms <= fill.at_ms < end_ms:
            continue
        rate = ONE if fill.denominator == quote else price_at(fill.denominator, fill.at_ms)
        disposed = sales.get(fill.id)
        rows.append(
            ExportRow(
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
                cost=None if disposed is None else sum((c for c, _ in disposed), Decimal(0)),
                realized=None if disposed is None else sum((p for _, p in disposed), Decimal(0)),
                record_id=fill.id,
            )
        )
    for transfer in transfers:
        if not start_ms <= transfer.at_ms < end_ms:
            continue
        unit = ONE if transfer.asset == quote else price_at(transfer.asset, transfer.at_ms)
        rows.append(
            ExportRow(
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
            )
        )
    rows.sort(key=lambda r: (r.at_ms, _TIE_ORDER[r.kind], len(r.record_id), r.record_id))
    return rows


def export_csv(
    rows: Sequence[ExportRow],
    daily: Sequence[tuple[str, Decimal]],
    labels: CsvLabels,
    tz: tzinfo,
) -> str:
    """Return the year's records, then the stored daily portfolio values, as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(labels.columns)
    for row in rows:
        moment = datetime.fromtimestamp(row.at_ms / 1000, UTC).astimezone(tz)
        writer.writerow(
            [
                moment.isoformat(sep=" ", timespec="seconds"),
                labels.kinds[row.kind],
                row.asset,
                row.pair,
                _plain(row.amount),
                _plain(row.price),
                row.currency,
                _money(row.value),
                _plain(row.fee),
                _plain(row.tax),
                _money(row.fees_value),
                _money(row.cost),
                _money(row.realized),
                row.record_id,
            ]
        )
    if daily:
        writer.writerow([])
        writer.writerow(labels.daily_columns)
        for day, total in daily:
            writer.writerow([day, _money(total)])
    return BOM + out.getvalue()


def _plain(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _money(value: Decimal | None) -> str:
    return "" if value is None else format(value.quantize(CENT), "f")
