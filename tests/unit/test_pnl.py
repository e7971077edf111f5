"""The /pnl report and its texts: rows, order, withheld figures, 100 assets, the summary line."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from html import unescape
from zoneinfo import ZoneInfo

from balance_bot.btcturk.models import Balance, Fill, Side, Ticker
from balance_bot.core.cost_basis import build_cost_basis
from balance_bot.core.export import CsvLabels, export_csv, export_rows, realized_of
from balance_bot.core.i18n import Lang, View
from balance_bot.core.pnl import pnl_report
from balance_bot.core.split import split_message
from balance_bot.core.texts.pnl import asset_cost_line, pnl_message, summary_pnl_line
from balance_bot.core.valuation import Portfolio, value_portfolio

D = Decimal
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
VIEW = View(Lang("en"), ZoneInfo("Europe/Istanbul"), NOW)
YEAR = (int(datetime(2026, 1, 1, tzinfo=UTC).timestamp() * 1000), 10**14)


def fill(
    n: int,
    asset: str,
    side: Side,
    amount: str,
    price: str,
    at: int = YEAR[0] + 1,
    fee: str = "0",
) -> Fill:
    return Fill(
        f"{asset}{n}",
        "o",
        at + n,
        asset,
        "TRY",
        side,
        D(price),
        D(amount),
        D(fee),
        D(0),
        "TRY",
    )


def portfolio(held: dict[str, str], prices: dict[str, str]) -> Portfolio:
    balances = [Balance(a, a, D(v), D(0), D(v), None, 8) for a, v in held.items()]
    balances.append(Balance("TRY", "TRY", D(1000), D(0), D(1000), None, 2))
    tickers = [Ticker(a + "TRY", a, "TRY", D(p)) for a, p in prices.items()]
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
    assert summary_pnl_line(alone, None, VIEW) == (
        "Unrealized P&amp;L: unknown (DOGE: incomplete history)"
    )


def test_the_totals_say_when_their_rounded_rows_do_not_add_up() -> None:
    # each asset's P&L is 0.005 TRY: every row shows +0.00, each total is +0.01
    fills = [
        fill(1, "AAA", "buy", "1", "100"),
        fill(2, "BBB", "buy", "1", "100"),
        fill(3, "CCC", "buy", "1", "100"),
        fill(4, "CCC", "sell", "1", "100.005"),
        fill(5, "DDD", "buy", "1", "100"),
        fill(6, "DDD", "sell", "1", "100.005"),
    ]
    basis = build_cost_basis(fills, [], "TRY", lambda a, t: None)
    held = portfolio({"AAA": "1", "BBB": "1"}, {"AAA": "100.005", "BBB": "100.005"})
    lines = unescape(pnl_message(pnl_report(basis, held, 2026, *YEAR), VIEW)).splitlines()
    unrealized = next(i for i, line in enumerate(lines) if line.startswith("Unrealized: "))
    realized = next(i for i, line in enumerate(lines) if line.startswith("Realized 2026: "))
    rounded = "ℹ️ Each value is rounded: the rows add up to +0.00 TRY, the exact total is +0.01 TRY."

    assert lines[unrealized].startswith("Unrealized: +0.01 TRY")
    assert lines[realized].startswith("Realized 2026: +0.01 TRY")
    assert lines[unrealized + 1] == rounded
    assert lines[realized + 1] == rounded
    whole = build_cost_basis(fills[:1], [], "TRY", lambda a, t: None)
    exact = pnl_report(whole, portfolio({"AAA": "1"}, {"AAA": "110"}), 2026, *YEAR)
    assert "rounded" not in pnl_message(exact, VIEW)


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


def test_totals_name_what_they_leave_out_and_fees_follow_the_same_assets() -> None:
    # BTC sold at a profit, with fees; then 0.01 BTC arrived that the history does not list.
    fills = [
        fill(1, "BTC", "buy", "1", "100", fee="1"),
        fill(2, "BTC", "sell", "0.5", "200", fee="2"),
        fill(3, "ETH", "buy", "1", "100", fee="0.5"),
        fill(4, "ETH", "sell", "0.5", "120", fee="0.25"),
    ]
    basis = build_cost_basis(fills, [], "TRY", lambda a, t: None)
    whole = pnl_report(
        basis, portfolio({"BTC": "0.5", "ETH": "0.5"}, {"BTC": "200", "ETH": "120"}), 2026, *YEAR
    )
    assert whole.realized_year == D("47.5") + D("9.5")
    assert whole.fees_year == D("3.75")
    report = pnl_report(
        basis, portfolio({"BTC": "0.51", "ETH": "0.5"}, {"BTC": "200", "ETH": "120"}), 2026, *YEAR
    )
    assert report.realized_year == D("9.5")  # ETH alone
    assert report.fees_year == D("0.75")  # ETH's fees alone, as its realized P&L
    text = pnl_message(report, VIEW)
    print(text)
    assert "Realized 2026: +9.50 TRY · fees + taxes 2026: 0.75 TRY" in text
    assert "without BTC: incomplete history" in text.split("Realized 2026:")[1]
    assert "Unrealized: +9.75 TRY (+19.40%)" in text
    assert "without BTC: incomplete history" in text.split("Unrealized:")[1].split("Realized")[0]


def test_an_unknown_figure_is_said_never_a_zero_or_an_empty_cell() -> None:
    fills = [fill(1, "BTC", "buy", "1", "100"), fill(2, "ETH", "buy", "1", "100")]
    basis = build_cost_basis(fills, [], "TRY", lambda a, t: None)
    report = pnl_report(basis, portfolio({"BTC": "1", "ETH": "1"}, {}), 2026, *YEAR)  # no prices
    text = pnl_message(report, VIEW)
    print(text)
    assert "+0.00" not in text.split("Unrealized")[1].splitlines()[0]
    assert "Unrealized: unknown (BTC, ETH: no price)" in text
    assert text.count("unknown (no price)") == 2  # one per asset
    for line in strip_tags(text).splitlines():
        assert not line.rstrip().endswith(("now", "→", "avg")), line
    btc = next(r for r in report.rows if r.asset == "BTC")
    assert asset_cost_line(btc, "TRY", VIEW) == (
        "Average cost 100.00 TRY · unrealized unknown (no price)"
    )
    assert (
        summary_pnl_line(report, D(5), VIEW) == "Unrealized P&amp;L: unknown (BTC, ETH: no price)"
    )


def test_one_price_missing_leaves_that_asset_out_of_the_total_by_name() -> None:
    fills = [fill(1, "BTC", "buy", "1", "100"), fill(2, "GLMR", "buy", "10", "3")]
    basis = build_cost_basis(fills, [], "TRY", lambda a, t: None)
    report = pnl_report(basis, portfolio({"BTC": "1", "GLMR": "10"}, {"BTC": "110"}), 2026, *YEAR)
    text = pnl_message(report, VIEW)
    print(text)
    assert "Unrealized: +10.00 TRY (+10.00%)\n  without GLMR: no price" in text
    # Yesterday's figure had GLMR in it: no change is told against a total without it.
    assert summary_pnl_line(report, D(5), VIEW) == (
        "Unrealized P&amp;L: +10.00 TRY (+10.00%) (without GLMR: no price)"
    )


def test_pnl_lines_fit_a_phone_inside_pre() -> None:
    fills = [
        fill(1, "BTC", "buy", "1", "3004248"),
        fill(2, "GLMR", "buy", "10", "3.1"),
        fill(3, "AVAX", "buy", "2", "1180"),
        fill(4, "AVAX", "sell", "1", "1050"),
    ]
    basis = build_cost_basis(fills, [], "TRY", lambda a, t: None)
    held = portfolio({"BTC": "1", "GLMR": "10", "AVAX": "1", "XRP": "5"}, {"BTC": "3600000"})
    for lang in ("en", "tr"):
        text = pnl_message(pnl_report(basis, held, 2026, *YEAR), View(Lang(lang), VIEW.tz, NOW))
        print(text)
        for block in text.split("<pre>")[1:]:
            for line in unescape(block.split("</pre>")[0]).splitlines():
                assert len(line) <= 34, line


def strip_tags(text: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", text))


def test_each_source_of_a_deposits_cost_has_its_own_mark_shown_together() -> None:
    from balance_bot.btcturk.models import Transfer
    from balance_bot.core.cost_basis import TransferPrice, transfer_key
    from balance_bot.core.texts.routes import VIA_MARK

    deposits = [
        Transfer("T1", "deposit", "BTC", YEAR[0] + 10, D(1), D(0), D(0), False),
        Transfer("T2", "deposit", "BTC", YEAR[0] + 20, D(1), D(0), D(0), False),
    ]
    seen = {transfer_key(deposits[1]): TransferPrice(D(110), "seen")}
    basis = build_cost_basis([], deposits, "TRY", lambda a, t: D(100), transfer_prices=seen)
    report = pnl_report(basis, portfolio({"BTC": "2"}, {"BTC": "120"}), 2026, *YEAR)
    text = pnl_message(report, VIEW)
    print(text)
    assert "BTC°†  +30.00 (+14.29%)" in text  # one at its day's close, one at the price seen
    assert "° cost includes deposits at their day's closing price" in text
    assert "† cost includes deposits or trades valued at the price the bot saw" in text
    assert VIA_MARK not in strip_tags(text)  # /balance's "via USDT" mark means something else
    [btc] = report.rows
    assert asset_cost_line(btc, "TRY", VIEW) == (
        "Average cost 105.00 TRY (prices seen at the time, deposits at the day's close)"
        " · unrealized +30.00 TRY (+14.29%)"
    )
    alone = build_cost_basis([], deposits[1:], "TRY", lambda a, t: D(100), transfer_prices=seen)
    text = pnl_message(
        pnl_report(alone, portfolio({"BTC": "1"}, {"BTC": "120"}), 2026, *YEAR), VIEW
    )
    assert "BTC†  +10.00 (+9.09%)" in text and "°" not in text


def test_while_the_days_prices_load_each_record_says_which_figure_waits_where_it_stands() -> None:
    from balance_bot.btcturk.models import Transfer

    usdt = Fill("U1", "o", YEAR[0] + 1, "USDT", "TRY", "buy", D(40), D(100), D(0), D(0), "TRY")
    glmr = Fill(
        "G1", "o", YEAR[0] + 2, "GLMR", "USDT", "buy", D("0.1"), D(10), D("0.01"), D(0), "USDT"
    )
    deposit = Transfer("T1", "deposit", "BTC", YEAR[0] + 3, D(1), D(0), D(0), False)
    fills = [usdt, glmr, fill(4, "BTC", "sell", "0.5", "200")]
    fills += [fill(5, "XRP", "buy", "1", "10"), fill(6, "XRP", "sell", "1", "12")]
    basis = build_cost_basis(
        fills, [deposit], "TRY", lambda a, t: None, missing=lambda a, t: "loading"
    )
    held = portfolio({"BTC": "0.5", "GLMR": "10", "USDT": "98.99"}, {"BTC": "200", "USDT": "41"})
    text = strip_tags(pnl_message(pnl_report(basis, held, 2026, *YEAR), VIEW))
    print(text)
    # GLMR realized nothing (+0.00, known): only its fee, paid in USDT, waits for USDTTRY.
    assert "GLMR  +0.00\n all +0.00 · fees ⏳ prices loading\n" in text
    assert not any(line.strip().startswith("?") for line in text.splitlines())  # no orphan
    assert (
        "Realized 2026: +2.00 TRY · fees + taxes 2026: 0.00 TRY\n"
        "  realized without USDT, BTC: prices loading\n"
        "  fees without GLMR: prices loading"
    ) in text


def test_the_fee_total_adds_the_known_fees_of_an_asset_whose_realized_pnl_waits() -> None:
    from balance_bot.btcturk.models import Transfer

    # BTC's sale waits for the value of its deposit (prices loading), but its fee is known;
    # GLMR realized nothing, and its fee, paid in USDT, waits for USDTTRY.
    usdt = Fill("U1", "o", YEAR[0] + 1, "USDT", "TRY", "buy", D(40), D(2), D(0), D(0), "TRY")
    glmr = Fill(
        "G1", "o", YEAR[0] + 2, "GLMR", "USDT", "buy", D("0.1"), D(10), D("0.01"), D(0), "USDT"
    )
    deposit = Transfer("T1", "deposit", "BTC", YEAR[0] + 3, D(1), D(0), D(0), False)
    fills = [usdt, glmr, fill(4, "BTC", "sell", "0.5", "200", fee="1.5")]
    fills += [fill(5, "XRP", "buy", "1", "10", fee="0.25"), fill(6, "XRP", "sell", "1", "12")]
    basis = build_cost_basis(
        fills, [deposit], "TRY", lambda a, t: None, missing=lambda a, t: "loading"
    )
    held = portfolio({"BTC": "0.5", "GLMR": "10", "USDT": "0.99"}, {"BTC": "200", "USDT": "41"})
    report = pnl_report(basis, held, 2026, *YEAR)
    assert report.realized_year == D("1.75")  # XRP's, and GLMR's +0.00
    assert report.fees_year == D("1.75")  # XRP's 0.25 and BTC's 1.50, known
    # USDT's realized P&L waits too: the USDT GLMR was bought with is valued by USDTTRY.
    assert report.realized_without == (("USDT", "loading"), ("BTC", "loading"))
    assert report.fees_without == (("GLMR", "loading"),)
    # /export's realized total leaves out what /pnl's does, and nothing for its fees.
    assert realized_of([], report, checked=True).left_out == report.realized_without
    text = strip_tags(pnl_message(report, VIEW))
    assert "BTC   ⏳ prices loading\n all ? · fees 1.50\n" in text
    assert (
        "Realized 2026: +1.75 TRY · fees + taxes 2026: 1.75 TRY\n"
        "  realized without USDT, BTC: prices loading\n"
        "  fees without GLMR: prices loading"
    ) in text
    turkish = strip_tags(pnl_message(report, View(Lang("tr"), VIEW.tz, NOW)))
    assert (
        "  gerçekleşene dahil değil: USDT, BTC (fiyatlar yükleniyor)\n"
        "  komisyon + vergiye dahil değil: GLMR (fiyatlar yükleniyor)"
    ) in turkish


def test_fees_on_no_row_are_named_under_the_total_they_are_in() -> None:
    from balance_bot.btcturk.models import Transfer

    # In USDT, TRY is an asset: buying USDT with TRY (USDTTRY) pays its fee in TRY, on no row
    # (USDT, the quote, has none); so does a USDT withdrawal's fee.
    fills = [
        Fill("U1", "o", YEAR[0] + 1, "USDT", "TRY", "buy", D(40), D(100), D(8), D(0), "TRY"),
        Fill(
            "B1",
            "o",
            YEAR[0] + 2,
            "BTC",
            "USDT",
            "buy",
            D(80000),
            D("0.001"),
            D("0.08"),
            D(0),
            "USDT",
        ),
    ]
    transfers = [
        Transfer("T1", "deposit", "TRY", YEAR[0], D(5000), D(0), D(0), True),
        Transfer("W1", "withdrawal", "USDT", YEAR[0] + 3, D(10), D(1), D(0), False),
    ]
    try_in_usdt = {"TRY": D("0.025")}
    basis = build_cost_basis(fills, transfers, "USDT", lambda a, t: try_in_usdt.get(a))
    balances = [
        Balance("BTC", "BTC", D("0.001"), D(0), D("0.001"), None, 8),
        Balance("TRY", "TRY", D(992), D(0), D(992), None, 2),
    ]
    tickers = [Ticker("BTCUSDT", "BTC", "USDT", D(90000)), Ticker("USDTTRY", "USDT", "TRY", D(40))]
    held = value_portfolio(balances, tickers, "USDT", NOW)
    report = pnl_report(basis, held, 2026, *YEAR)
    text = strip_tags(pnl_message(report, VIEW))
    print(text)
    # BTC's row: 0.08 USDT; on no row: 8 TRY (0.20 USDT) and the withdrawal's 1 USDT.
    assert " all +0.00 · fees 0.08" in text
    assert "fees + taxes 2026: 1.28 USDT" in text
    assert "  fees include 1.20 USDT on no row: USDTTRY trades, USDT deposits and withdrawals" in (
        text
    )


def test_a_small_loss_rounded_to_zero_keeps_its_sign() -> None:
    # 0.0001 AVAX bought at 27.29, worth 25.31 now: -0.000198, -7.26%.
    basis = build_cost_basis([fill(1, "AVAX", "buy", "0.0001", "27.29")], [], "TRY", no_price)
    report = pnl_report(basis, portfolio({"AVAX": "0.0001"}, {"AVAX": "25.31"}), 2026, *YEAR)
    text = strip_tags(pnl_message(report, VIEW))
    print(text)
    assert "AVAX  -0.00 (-7.26%)" in text  # never "+0.00" beside a negative percentage
    assert "Unrealized: -0.00 TRY (-7.26%)" in text
    [avax] = report.rows
    assert "unrealized -0.00 TRY (-7.26%)" in asset_cost_line(avax, "TRY", VIEW)
    tr = View(Lang("tr"), VIEW.tz, NOW)
    assert "AVAX  -0,00 (-%7,26)" in strip_tags(pnl_message(report, tr))
    # and a small percentage: -0.01 of 1,000,000 is -0.000001%
    basis = build_cost_basis([fill(1, "BTC", "buy", "1", "1000000")], [], "TRY", no_price)
    report = pnl_report(basis, portfolio({"BTC": "1"}, {"BTC": "999999.99"}), 2026, *YEAR)
    assert "BTC  -0.01 (-0.00%)" in strip_tags(pnl_message(report, VIEW))


def no_price(asset: str, at_ms: int) -> Decimal | None:
    return None
