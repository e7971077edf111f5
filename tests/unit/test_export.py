"""The /export document: what each row says, what it leaves empty and why, and safe cells."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from balance_bot.btcturk.history import BOOKS, PAGE_CAP, Crowded, crowded_moments
from balance_bot.btcturk.models import Fill, Side, Transfer
from balance_bot.core.cost_basis import PriceAt, Unknown, build_cost_basis
from balance_bot.core.export import (
    CsvLabels,
    ExportRow,
    RealizedTotal,
    YearExport,
    export_csv,
    export_rows,
    realized_of,
)
from balance_bot.core.i18n import Lang, View
from balance_bot.core.pnl import history_portfolio, pnl_report
from balance_bot.core.texts.export import SHOWN, export_caption, export_notes

D = Decimal
YEAR = (int(datetime(2026, 1, 1, tzinfo=UTC).timestamp() * 1000), 10**14)
AT = YEAR[0] + 1000
LABELS = CsvLabels(
    columns=("time", "type", "asset", "pair", "amount", "price", "currency", "value", "fee"),
    daily_columns=("day", "total"),
    kinds={"buy": "B", "sell": "S", "spend": "P", "deposit": "D", "withdrawal": "W"},
    gaps={"acquisition": "no acquisition", "price": "no price"},
)


def fill(
    n: int,
    pair: tuple[str, str],
    side: Side,
    amount: str,
    price: str,
    fee: str = "0",
) -> Fill:
    return Fill(
        f"F{n}", "o", AT + n, pair[0], pair[1], side, D(price), D(amount), D(fee), D(0), pair[1]
    )


def rows_of(
    fills: list[Fill],
    transfers: Sequence[Transfer] = (),
    price_at: PriceAt = lambda a, t: None,
) -> list[ExportRow]:
    basis = build_cost_basis(fills, list(transfers), "TRY", price_at)
    return export_rows(fills, list(transfers), basis, price_at, *YEAR)


def total_of(
    fills: list[Fill],
    transfers: Sequence[Transfer] = (),
    price_at: PriceAt = lambda a, t: None,
) -> RealizedTotal:
    """Return the realized total of the rows, as /pnl counts it (what the history holds)."""
    basis = build_cost_basis(fills, list(transfers), "TRY", price_at)
    rows = export_rows(fills, list(transfers), basis, price_at, *YEAR)
    held = history_portfolio(basis, datetime(2026, 11, 25, tzinfo=UTC))
    return realized_of(rows, pnl_report(basis, held, 2026, *YEAR), checked=True)


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_a_sale_without_a_known_acquisition_leaves_basis_and_pnl_empty_and_says_why() -> None:
    fills = [
        fill(1, ("BTC", "TRY"), "buy", "1", "100"),
        fill(2, ("BTC", "TRY"), "sell", "1", "150"),
        fill(3, ("XRP", "TRY"), "sell", "50", "20"),  # never bought in the history
    ]
    rows = rows_of(fills)
    btc, xrp = rows[1], rows[2]
    assert (btc.cost, btc.realized, btc.gap) == (D(100), D(50), None)
    assert (xrp.asset, xrp.value, xrp.cost, xrp.realized) == ("XRP", D(1000), None, None)
    assert xrp.gap == "acquisition"
    total = total_of(fills)
    assert (total.amount, total.left_out) == (D(50), (("XRP", "history"),))
    [_, _, _, sold] = cells(export_csv(rows, [], LABELS, ZoneInfo("UTC")))
    assert sold[2] == "XRP" and sold[7] == "1000.00"
    assert sold[11:13] == ["", ""]
    assert sold[14] == "no acquisition"


def test_a_sale_after_units_of_unknown_cost_came_in_is_not_given_a_basis() -> None:
    deposit = Transfer("T1", "deposit", "ETH", AT, D(2), D(0), D(0), False)  # no price that day
    rows = rows_of([fill(1, ("ETH", "TRY"), "sell", "1", "120000")], [deposit])
    [deposited, sold] = rows
    assert deposited.value is None and deposited.gap == "price"
    assert sold.cost is None and sold.realized is None and sold.gap == "acquisition"


def test_a_usdt_quoted_buy_puts_the_usdt_pnl_on_a_usdt_row() -> None:
    usdt_at = {"USDT": D(34)}
    fills = [
        fill(1, ("USDT", "TRY"), "buy", "1000", "33"),  # 1,000 USDT for 33,000 TRY
        fill(2, ("GLMR", "USDT"), "buy", "100", "1", fee="1"),  # 101 USDT spent at 34 TRY
    ]
    rows = rows_of(fills, price_at=lambda asset, at_ms: usdt_at.get(asset))
    kinds = [(r.kind, r.asset, r.pair) for r in rows]
    assert kinds == [
        ("buy", "USDT", "USDTTRY"),
        ("buy", "GLMR", "GLMRUSDT"),
        ("spend", "USDT", "GLMRUSDT"),
    ]
    glmr, spent = rows[1], rows[2]
    assert glmr.realized is None and glmr.cost is None  # a buy realizes nothing of GLMR
    assert spent.amount == D(101)
    assert spent.value == D(101 * 34)
    assert spent.cost == D(101 * 33)
    assert spent.realized == D(101)  # USDT bought at 33, spent at 34
    assert spent.record_id == "F2"
    total = total_of(fills, price_at=lambda asset, at_ms: usdt_at.get(asset))
    assert (total.amount, total.left_out) == (D(101), ())


def test_a_usdt_spend_without_the_days_usdttry_is_there_with_its_reason() -> None:
    fills = [
        fill(1, ("USDT", "TRY"), "buy", "1000", "33"),
        fill(2, ("GLMR", "USDT"), "buy", "100", "1"),
    ]
    rows = rows_of(fills)  # no USDTTRY close for that day
    glmr, spent = rows[1], rows[2]
    assert glmr.value is None and glmr.gap == "price"
    assert (spent.kind, spent.asset, spent.amount) == ("spend", "USDT", D(100))
    assert spent.realized is None and spent.gap == "price"
    total = total_of(fills)
    assert (total.amount, total.left_out) == (D(0), (("USDT", "past_price"),))


def test_text_cells_cannot_become_formulas_and_numbers_stay_numbers() -> None:
    hostile = ["=HYPERLINK(1)", "+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
    fills = [fill(i, (asset, "TRY"), "buy", "1", "10") for i, asset in enumerate(hostile)]
    fills.append(fill(9, ("LOSS", "TRY"), "buy", "1", "10"))
    fills.append(fill(10, ("LOSS", "TRY"), "sell", "1", "5"))
    rows = rows_of(fills)
    text = export_csv(rows, [], LABELS, ZoneInfo("UTC"), notes=["=1+1 note"])
    table = cells(text)
    assert table[0] == ["# =1+1 note"]  # a comment row first, itself safe
    assets = [r[2] for r in table[2:8]]
    assert assets == ["'=HYPERLINK(1)", "'+1", "'-2+3", "'@SUM(A1)", "'\tTAB", "'\rCR"]
    pairs = [r[3] for r in table[2:8]]
    assert all(p.startswith("'") for p in pairs)
    loss = table[-1]
    assert loss[12] == "-5.00"  # a negative figure is a number, not text
    assert all(not c.startswith("'") for c in loss[4:13])


def test_a_moment_with_a_full_page_is_counted_per_book() -> None:
    one = fill(0, ("BTC", "TRY"), "buy", "1", "1")
    crowded = [replace(one, id=f"C{i}") for i in range(PAGE_CAP)]
    others = [fill(5, ("BTC", "TRY"), "buy", "1", "1")]
    fiat = [Transfer(f"T{i}", "deposit", "TRY", AT, D(1), D(0), D(0), True) for i in range(3)]
    assert crowded_moments(crowded + others, fiat) == (Crowded("trades", AT, PAGE_CAP),)
    assert crowded_moments(crowded[1:] + others, fiat) == ()


def test_the_caption_keeps_within_telegrams_limit_and_the_file_keeps_every_note() -> None:
    view = View(Lang("en"), ZoneInfo("Europe/Istanbul"), datetime(2026, 11, 25, tzinfo=UTC))
    crowded = tuple(
        Crowded(book, AT + i * 60_000, PAGE_CAP) for book in BOOKS for i in range(SHOWN + 3)
    )
    unknown = [fill(i, (f"COIN{i:03d}", "TRY"), "sell", "1", "1") for i in range(40)]
    made = YearExport(2026, rows_of(unknown), total_of(unknown), crowded, read_until=view.now)
    notes = export_notes(made, "TRY", view)
    caption = export_caption(made, "TRY", notes, view)
    print(caption)
    assert len(caption.encode("utf-16-le")) // 2 <= 1024
    assert caption.splitlines()[-1] == "⚠️ More notes in the first rows of the file."
    assert len(notes) == 5  # realized, three books, the failed read
    assert "and 35 more" in notes[0]


def test_the_caption_says_when_the_rounded_rows_do_not_add_up_to_the_total() -> None:
    from balance_bot.core.export import realized_of
    from balance_bot.core.pnl import pnl_report
    from balance_bot.core.valuation import Portfolio

    fills = [
        fill(1, ("BTC", "TRY"), "buy", "2", "100"),
        fill(2, ("BTC", "TRY"), "sell", "1", "100.005"),  # +0.005, a row of 0.00
        fill(3, ("BTC", "TRY"), "sell", "1", "100.005"),
    ]
    basis = build_cost_basis(fills, [], "TRY", lambda a, t: None)
    rows = export_rows(fills, [], basis, lambda a, t: None, *YEAR)
    now = datetime(2026, 11, 25, tzinfo=UTC)
    held = Portfolio("TRY", (), D(0), now, {"BTC": 8}, {})
    total = realized_of(rows, pnl_report(basis, held, 2026, *YEAR), checked=True)
    view = View(Lang("en"), ZoneInfo("Europe/Istanbul"), now)
    notes = export_notes(YearExport(2026, rows, total), "TRY", view)
    print(notes)
    assert [r.realized for r in rows[1:]] == [D("0.005"), D("0.005")]
    assert cells(export_csv(rows, [], LABELS, ZoneInfo("UTC")))[2][12] == "0.00"
    assert notes[0].startswith("Realized P&amp;L 2026: +0.01 TRY")
    assert "each rounded to 0.01, come to +0.00 TRY" in notes[1]
    whole = [
        fill(1, ("BTC", "TRY"), "buy", "1", "100"),
        fill(2, ("BTC", "TRY"), "sell", "1", "101"),
    ]
    basis = build_cost_basis(whole, [], "TRY", lambda a, t: None)
    exact = export_rows(whole, [], basis, lambda a, t: None, *YEAR)
    total = realized_of(exact, pnl_report(basis, held, 2026, *YEAR), checked=True)
    assert len(export_notes(YearExport(2026, exact, total), "TRY", view)) == 1  # they agree


def test_a_value_of_today_waits_for_the_close_and_says_so() -> None:
    fills = [
        fill(1, ("USDT", "TRY"), "buy", "1000", "33"),
        fill(2, ("GLMR", "USDT"), "buy", "100", "1"),
    ]
    basis = build_cost_basis(fills, [], "TRY", lambda a, t: None, missing=lambda a, t: "today")
    rows = export_rows(fills, [], basis, lambda a, t: None, *YEAR, missing=lambda a, t: "today")
    glmr, spent = rows[1], rows[2]
    assert (glmr.value, glmr.gap) == (None, "today")
    assert (spent.realized, spent.gap) == (None, "today")


def test_a_sale_whose_cost_waits_for_the_days_prices_says_so_of_its_cost_not_its_value() -> None:
    from balance_bot.core.texts.export import export_labels

    deposit = Transfer("T1", "deposit", "ETH", AT, D(2), D(0), D(0), False)
    fills = [fill(1, ("ETH", "TRY"), "sell", "1", "120000")]
    basis = build_cost_basis(fills, [deposit], "TRY", lambda a, t: None, missing=loading)
    rows = export_rows(fills, [deposit], basis, lambda a, t: None, *YEAR, missing=loading)
    deposited, sold = rows
    assert (deposited.value, deposited.gap) == (None, "loading")
    assert (sold.value, sold.cost, sold.realized) == (D(120000), None, None)
    assert sold.gap == "cost_loading"
    view = View(Lang("en"), ZoneInfo("Europe/Istanbul"), datetime(2026, 11, 25, tzinfo=UTC))
    note = export_csv(rows, [], export_labels("TRY", view), ZoneInfo("UTC")).splitlines()[-1]
    assert note.endswith(
        "cost unknown yet: the prices of the day these units came in are still being read;"
        " export again later"
    )


def test_a_rate_found_by_division_is_written_to_twelve_significant_digits() -> None:
    from balance_bot.core.cost_basis import TransferPrice, transfer_key

    # In USDT, a TRY deposit is valued at 1 / USDTTRY: 0.02522704339051463168516649849…
    deposit = Transfer("T1", "deposit", "TRY", AT, D(1000), D(0), D(0), True)
    rate = {transfer_key(deposit): TransferPrice(D(1) / D("39.64"), "close")}
    basis = build_cost_basis([], [deposit], "USDT", lambda a, t: None, transfer_prices=rate)
    bought = fill(1, ("XRP", "TRY"), "buy", "1", "90.123456789")  # BTCTurk's own price: as listed
    rows = export_rows([bought], [deposit], basis, lambda a, t: None, *YEAR, transfer_prices=rate)
    table = cells(export_csv(rows, [], LABELS, ZoneInfo("UTC")))
    deposited, xrp = table[1], table[2]
    assert deposited[5] == "0.0252270433905"
    assert deposited[7] == "25.23"  # 1,000 x the unrounded rate, to 0.01
    assert xrp[5] == "90.123456789"


def loading(asset: str, at_ms: int) -> Unknown:
    return "loading"


def test_each_asset_a_crowded_moment_touches_is_cut_from_its_first_one() -> None:
    from balance_bot.btcturk.history import crowded_since

    one = fill(0, ("BTC", "TRY"), "buy", "1", "1")  # at AT
    later = replace(one, at_ms=AT + 60_000)
    crowded = [replace(one, id=f"C{i}") for i in range(PAGE_CAP)]
    crowded += [replace(later, id=f"L{i}") for i in range(PAGE_CAP)]
    usdt = fill(9, ("USDT", "TRY"), "buy", "1", "40")  # not at a crowded moment
    assert crowded_since([*crowded, usdt], []) == {"BTC": AT, "TRY": AT}
