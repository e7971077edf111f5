"""The /pnl report and its texts: rows, order, withheld figures, 100 assets, the summary line."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from btcturk.models import Balance, Fill, Side, Ticker
from core.cost_basis import build_cost_basis
from core.export import CsvLabels, export_csv, export_rows
from core.i18n import Lang, View
from core.pnl import pnl_report
from core.split import split_message
from core.texts.pnl import pnl_message, summary_pnl_line
from core.valuation import Portfolio, value_portfolio

D = Decimal
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
VIEW = View(Lang("en"), ZoneInfo("Europe/Istanbul"), NOW)
YEAR = (int(datetime(2026, 1, 1, tzinfo=UTC).timestamp() * 1000), 10**14)


def fill(n: int, asset: str, side: Side, amount: str, price: str, at: int = YEAR[0] + 1) -> Fill:
    return Fill(
        f"{asset}{n}",
        "o",
        at + n,
        asset,
        "TRY",
        side,
        D(price),
        D(amount),
        D(0),
        D(0),
        "TRY",
    )


def portfolio(held: dict[str, str], prices: dict[str, str]) -> Portfolio:
    balances = [Balance(a, a, D(v), D(0), D(v), None, None, 8, None) for a, v in held.items()]
    balances.append(Balance("TRY", "TRY", D(1000), D(0), D(1000), None, None, 2, None))
    tickers = [Ticker(a + "TRY", a, "TRY", D(p), None, None) for a, p in prices.items()]
    return value_portfolio(balances, tickers, "TRY", NOW)


def test_rows_are_sorted_by_absolute_pnl_and_sold_out_assets_of_the_year_are_kept() -> None:
    fills = [
        fill(1, "BTC", "buy", "1", "100"),
        fill(2, "ETH", "buy", "1", "100"),
        fill(3, "XRP", "buy", "2", "10"),
        fill(4, "XRP", "sell", "2", "5"),  # sold out at a loss of 10
    ]
    basis = build_cost_basis(fills, [], "TRY", lambda a, t: None)
    report = pnl_report(
        basis, portfolio({"BTC": "1", "ETH": "1"}, {"BTC": "90", "ETH": "150"}), 2026, *YEAR
    )
    assert [r.asset for r in report.rows] == ["ETH", "BTC", "XRP"]  # 50, then 10 and 10 by name
    xrp = report.rows[2]
    assert xrp.unrealized is None and xrp.realized_year == D(-10)
    assert report.unrealized == D(40)
    assert report.realized_year == D(-10)
    assert report.unrealized_pct == D(20)


def test_an_asset_held_without_history_withholds_its_figures_but_not_the_others() -> None:
    basis = build_cost_basis([fill(1, "BTC", "buy", "1", "100")], [], "TRY", lambda a, t: None)
    report = pnl_report(
        basis, portfolio({"BTC": "1", "DOGE": "5"}, {"BTC": "110", "DOGE": "1"}), 2026, *YEAR
    )
    doge = next(r for r in report.rows if r.asset == "DOGE")
    assert not doge.complete and doge.unrealized is None and doge.average_cost is None
    assert report.rows[-1].asset == "DOGE"  # incomplete rows last
    text = pnl_message(report, VIEW)
    assert "DOGE  incomplete history" in text
    assert summary_pnl_line(report, None, VIEW) == (
        "Unrealized P&amp;L: +10.00 TRY (+10.00%) (without DOGE: incomplete history)"
    )
    alone = pnl_report(basis, portfolio({"DOGE": "5"}, {"DOGE": "1"}), 2026, *YEAR)
    assert summary_pnl_line(alone, None, VIEW) == "Unrealized P&amp;L: incomplete history (DOGE)"


def test_a_hundred_assets_split_into_valid_messages() -> None:
    fills = [fill(i, f"A{i:03d}", "buy", "1", str(100 + i)) for i in range(100)]
    basis = build_cost_basis(fills, [], "TRY", lambda a, t: None)
    held = {f"A{i:03d}": "1" for i in range(100)}
    report = pnl_report(basis, portfolio(held, {a: "150" for a in held}), 2026, *YEAR)
    parts = split_message(pnl_message(report, VIEW))
    assert len(parts) >= 2
    assert all(len(p) <= 4096 and p.count("<pre>") == p.count("</pre>") for p in parts)
    assert "A000" in parts[-1] or "A000" in "".join(parts)


def test_the_summary_line_compares_with_yesterday() -> None:
    basis = build_cost_basis([fill(1, "BTC", "buy", "1", "100")], [], "TRY", lambda a, t: None)
    report = pnl_report(basis, portfolio({"BTC": "1"}, {"BTC": "90"}), 2026, *YEAR)
    line = summary_pnl_line(report, D(5), VIEW)
    assert line == "Unrealized P&amp;L: -10.00 TRY (-10.00%), ▼ -15.00 since yesterday"


def test_the_csv_lists_each_sale_with_its_basis() -> None:
    fills = [fill(1, "BTC", "buy", "2", "100"), fill(2, "BTC", "sell", "1", "150")]
    basis = build_cost_basis(fills, [], "TRY", lambda a, t: None)
    rows = export_rows(fills, [], basis, lambda a, t: None, *YEAR)
    labels = CsvLabels(
        ("time", "type"),
        ("day", "total"),
        {"buy": "B", "sell": "S", "spend": "P", "deposit": "D", "withdrawal": "W"},
        {"acquisition": "?", "price": "?"},
    )
    text = export_csv(rows, [("2026-11-24", D("12.346"))], labels, ZoneInfo("UTC"))
    lines = text.removeprefix("\ufeff").splitlines()
    assert lines[0] == "time,type"
    assert lines[2].split(",")[1:] == [
        "S",
        "BTC",
        "BTCTRY",
        "1",
        "150",
        "TRY",
        "150.00",
        "0",
        "0",
        "0.00",
        "100.00",
        "50.00",
        "BTC2",
        "",  # nothing unknown
    ]
    assert lines[-1] == "2026-11-24,12.35"
