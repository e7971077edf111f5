"""Every kind of message the bot sends, rendered with long, realistic values, in one language.

An account the width of a phone has to survive: 8-decimal amounts, 9-digit lira values and
6-letter asset codes (RENDER, MANTRA), every unknown, every notice. `gallery(code)` returns
(name, text) pairs: every public rendering function of core/texts, and every text the
handlers and services send without one (buttons, confirmations, the digest's title, the
chart's labels). tests/unit/test_phone_texts.py checks their width and their language, and
that nothing the bot can say is missing here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from balance_bot.btcturk.errors import (
    AuthError,
    BadResponse,
    RateLimited,
    StampRejected,
    Unavailable,
)
from balance_bot.btcturk.history import Crowded
from balance_bot.btcturk.models import Balance, Fill, History, Side, Ticker, Transfer
from balance_bot.btcturk.notes import NoteSummary
from balance_bot.btcturk.orders import OrderMethod
from balance_bot.core.alert_commands import readings, typed_args
from balance_bot.core.alert_parse import AlertRequest, parse_alert, suggest
from balance_bot.core.changes import BalanceChange
from balance_bot.core.chart_data import LineGap, ValueLine, Window
from balance_bot.core.commands import YearRefused
from balance_bot.core.cost_basis import Unknown
from balance_bot.core.durations import AmbiguousDuration, MuteRefused, duration_units
from balance_bot.core.exchange_status import Gate, GateChange, PairChange, PairState
from balance_bot.core.explain import Remainder, explain, explain_remainders
from balance_bot.core.export import ExportRow, RealizedTotal, YearExport
from balance_bot.core.flows import FlowSplit, SplitUnavailable
from balance_bot.core.i18n import LANGUAGES, Lang, View
from balance_bot.core.key_check import ChatProbe, KeyReport, Probe
from balance_bot.core.keywords import KEYWORDS, word
from balance_bot.core.notify import SETTINGS, Level, Setting, default_levels
from balance_bot.core.order_locks import Attribution
from balance_bot.core.orders import (
    Cancelled,
    Edited,
    FeedHealth,
    FillStory,
    Gone,
    OrderTerms,
    Placed,
)
from balance_bot.core.periods import PeriodKind, PeriodRow, UnitResult
from balance_bot.core.pnl import PnlReport, PnlRow
from balance_bot.core.reports import AssetChange, PeriodFigures
from balance_bot.core.summary import DailyPortfolio
from balance_bot.core.texts import (
    alert_checks,
    alerts,
    balance,
    chart,
    durations,
    errors,
    exchange,
    export,
    general,
    history,
    key_check,
    key_refusal,
    late,
    notices,
    notify,
    orders,
    periods,
    pnl,
    reports,
    settings,
    status,
    summary,
)
from balance_bot.core.texts import explain as explain_texts
from balance_bot.core.thresholds import (
    TOTAL,
    AlertSpec,
    AlertUsageError,
    Direction,
    Kind,
    Move,
    Problem,
)
from balance_bot.core.typed_numbers import number_marks, write_percent
from balance_bot.core.valuation import Portfolio, value_portfolio
from balance_bot.handlers.command_table import LISTED

D = Decimal
NOW = datetime(2026, 11, 25, 11, 32, tzinfo=UTC)  # 14:32 in Istanbul
YESTERDAY = NOW - timedelta(days=1)
T0 = int((NOW - timedelta(minutes=3)).timestamp() * 1000)
ISTANBUL = ZoneInfo("Europe/Istanbul")
H = timedelta(hours=1)
CROWDED_MS = int((NOW - 50 * H).timestamp() * 1000)  # a moment of more fills than returned
Gallery = list[tuple[str, str]]


def view(code: str) -> View:
    """Return a chat in `code` reading at NOW in Istanbul."""
    return View(Lang(code), ISTANBUL, NOW)


def _balance(
    asset: str, total: str, locked: str = "0", *, precision: int = 8, waiting: str = "0"
) -> Balance:
    amount, held = D(total), D(locked)
    return Balance(
        asset=asset,
        asset_name=NAMES.get(asset, asset),
        balance=amount,
        locked=held,
        free=amount - held,
        request_fund=D(waiting),
        precision=precision,
    )


def _ticker(pair: tuple[str, str], last: str) -> Ticker:
    return Ticker(
        pair="".join(pair),
        numerator=pair[0],
        denominator=pair[1],
        last=D(last),
    )


NAMES = {"BTC": "Bitcoin", "TRY": "Türk Lirası", "USDT": "Tether", "RENDER": "Render"}
BALANCES = [
    _balance("BTC", "35.1234567891234567", "3.31097720"),
    _balance("RENDER", "1234567.12345678", "1000.5"),  # priced through USDT
    _balance("MANTRA", "99999.12345678"),
    _balance("TRY", "123456789.1234", "4874.3628", precision=2),
    _balance("USDT", "12345.67", "2051", precision=2, waiting="51"),
    _balance("SHIB", "1000", precision=2),  # dust
    _balance("PEPE", "1000", precision=2),  # dust
    _balance("ETHW", "0.75"),  # no price anywhere
    _balance("GLMR", "250", precision=2),  # a price lost (see `lost_price_portfolio`)
]
TICKERS = [
    _ticker(("BTC", "TRY"), "3514938.27"),
    _ticker(("RENDER", "USDT"), "2.4113"),
    _ticker(("MANTRA", "TRY"), "1234.56"),
    _ticker(("USDT", "TRY"), "41.5"),
    _ticker(("SHIB", "TRY"), "0.0004"),
    _ticker(("PEPE", "TRY"), "0.00001"),
]
PRICED = [*TICKERS, _ticker(("GLMR", "TRY"), "3.41")]


def portfolio() -> Portfolio:
    """Return the long account, every price known."""
    return value_portfolio(BALANCES, PRICED, "TRY", NOW)


def lost_price_portfolio() -> Portfolio:
    """Return the long account after GLMR's pair left the ticker list."""
    return value_portfolio(BALANCES, TICKERS, "TRY", NOW, priced_before={"GLMR"})


def unpriced_portfolio() -> Portfolio:
    """Return the long account while the prices cannot be read at all."""
    return value_portfolio(BALANCES, None, "TRY", NOW)


def _fill(fill_id: str, pair: tuple[str, str], side: str, amount: str, price: str) -> Fill:
    return Fill(
        id=fill_id,
        order_id=f"o-{pair[0]}-{side}-{len(fill_id) > 3}",
        at_ms=T0 + len(fill_id),
        numerator=pair[0],
        denominator=pair[1],
        side="buy" if side == "buy" else "sell",
        price=D(price),
        amount=D(amount),
        fee=D(amount) * D(price) * D("0.0012"),
        tax=D(amount) * D(price) * D("0.000216"),
        fee_currency=pair[1],
    )


def _transfer(transfer_id: str, asset: str, amount: str, kind: str, fee: str = "0") -> Transfer:
    return Transfer(
        id=transfer_id,
        kind="deposit" if kind == "deposit" else "withdrawal",
        asset=asset,
        at_ms=T0 + 100 + len(transfer_id),
        amount=D(amount),
        fee=D(fee),
        tax=D(0),
        fiat=asset == "TRY",
    )


HISTORY = History(
    fills=(
        _fill("f1", ("BTC", "TRY"), "buy", "12.34567891", "3512345.67"),
        _fill("f2", ("BTC", "TRY"), "buy", "22.12345678", "3514938.27"),
        _fill("f3", ("RENDER", "USDT"), "sell", "123456.78901234", "2.4113"),
        _fill("f4", ("MANTRA", "TRY"), "sell", "1.5", "1234.56"),
        _fill("f44", ("RENDER", "USDT"), "sell", "1.5", "2.4113"),  # a second fill of f3's order
        _fill("f5555", ("MANTRA", "TRY"), "buy", "0.12345678", "1234.56"),
    ),
    transfers=(
        _transfer("d1", "TRY", "123456789.12", "deposit"),
        _transfer("d2", "RENDER", "1234567.12345678", "deposit", fee="1.5"),
        _transfer("w1", "USDT", "12345.67", "withdrawal", fee="1"),
        _transfer("w2", "TRY", "98765432.1", "withdrawal", fee="3.5"),
        _transfer("w33", "BTC", "0.5", "withdrawal"),
    ),
)


def _change(
    asset: str, old: str, new: str, p: int = 8, locked: tuple[str, str] = ("0", "0")
) -> BalanceChange:
    return BalanceChange(asset, p, D(old), D(new), D(locked[0]), D(locked[1]))


def change_alerts(v: View) -> Gallery:
    """Return change alerts: explained, unexplained, orders, a request, late explanations."""
    p = portfolio()
    moved = [
        _change("BTC", "0.71234567", "35.1234567891234567"),
        _change("TRY", "123456789.12", "1.1234", 2),
        _change("RENDER", "0", "1234567.12345678"),
        _change("MANTRA", "99999.12345678", "99997.62345678"),
        _change("USDT", "24692.34", "12345.67", 2),
    ]
    whole = explain(moved, HISTORY)
    lagging = explain(moved, History())
    orders = [_change("BTC", "35.12", "35.12", locked=("1", "3.31097720"))]
    order_moves = explain(orders, History())
    cancelled = [_change("RENDER", "5", "5", locked=("1000.5", "0.5"))]
    both = orders + cancelled
    request = [_change("USDT", "12345.67", "12345.67", 2, locked=("2000", "2051"))]
    requested = explain(request, History(), requested={"USDT": D(51)}, requested_before={})
    two = [*request, _change("TRY", "123456789.12", "123456789.12", 2, locked=("0", "3.5"))]
    waiting = {"USDT": D(51), "TRY": D("3.5")}
    requests = explain(two, History(), requested=waiting, requested_before={})
    mixed = request + orders
    request_and_order = explain(mixed, History(), requested={"USDT": D(51)}, requested_before={})
    remainders = [Remainder("BTC", 8, D("34.41111111"), D("34.4111111191234567"))]
    later = explain_remainders(remainders, HISTORY)
    sent = explain_texts.explained_change_alert(moved, lagging, p, v)
    try_only = [_change("TRY", "108677745.92", "123456789.12", 2)]
    return [
        ("change explained", explain_texts.explained_change_alert(moved, whole, p, v)),
        ("change not in the history yet", sent),
        ("order placed", explain_texts.explained_change_alert(orders, order_moves, p, v)),
        (
            "order cancelled",
            explain_texts.explained_change_alert(cancelled, explain(cancelled, History()), p, v),
        ),
        ("orders", explain_texts.explained_change_alert(both, explain(both, History()), p, v)),
        ("withdrawal requested", explain_texts.explained_change_alert(request, requested, p, v)),
        ("withdrawals requested", explain_texts.explained_change_alert(two, requests, p, v)),
        (
            "requested and ordered",
            explain_texts.explained_change_alert(mixed, request_and_order, p, v),
        ),
        ("follow-up", explain_texts.follow_up_message(later, NOW - H, v, p)),
        (
            "change beyond what the history returns",
            explain_texts.explained_change_alert(
                moved, replace(lagging, crowded={"BTC": "trades", "TRY": "trades"}), p, v
            ),
        ),
        ("explained later", late.explained_later(sent, whole, v, p)),
        ("change without history", notices.change_alert(moved + orders, p, v)),
        ("change of the quote currency", notices.change_alert(try_only, p, v)),
        ("an order without history", notices.change_alert(orders, p, v)),
        ("change, a price lost", notices.change_alert(moved, lost_price_portfolio(), v)),
        ("change, no prices", notices.change_alert(moved, unpriced_portfolio(), v)),
        (
            "fills",
            " ".join(
                explain_texts.fills_text(n, v, more=more) for n in (1, 2) for more in (False, True)
            ),
        ),
        ("costs", explain_texts.costs_text(D(0), D(0), "TRY", 2, v)),
        (
            "lines",
            "\n".join(explain_texts.item_lines(whole, v) + explain_texts.open_lines(lagging, p, v)),
        ),
    ]


def _terms(
    order_id: str,
    side: Side | None,
    method: OrderMethod | None,
    base: str = "RENDER",
    quote: str = "TRY",
    amount: str = "1234567.12345678",
    price: str = "123456789.12",
) -> OrderTerms:
    return OrderTerms(order_id, base, quote, side, method, D(price), D(amount))


SELL = _terms("1", "sell", "limit")
BUY = _terms("2", "buy", "stop_limit", base="BTC", amount="35.12345678", price="3514938.27")
MARKET = _terms("3", "buy", "market", base="MANTRA", amount="99999.12345678", price="0")
OLDER = _terms("4", None, None, base="BTC", quote="USDT", amount="0.5", price="0.000123")


def order_replies(v: View) -> Gallery:
    """Return what the owner hears of orders, and every /orders answer."""
    p = portfolio()
    precisions = p.precisions
    edited = Edited(SELL, replace(SELL, order_id="9", price=D("123456790.5")))
    same = Edited(SELL, replace(SELL, order_id="9"))
    left = Cancelled(SELL, D("1234000.12345678"), D("567.0000"), seen_placed=True)
    older = Cancelled(OLDER, D("0.5"), D(0), seen_placed=False)
    moved = [_change("RENDER", "1234567.12345678", "0.5"), _change("BTC", "35.1", "0.71")]
    stories = {
        "o-BTC-buy-False": FillStory(BUY, D("12.34567891"), False),
        "1": FillStory(SELL, D("1234567.12345678"), True),
    }
    whole = explain(moved, HISTORY)
    open_orders = [
        orders.OpenOrder(SELL, D("1234000.12345678"), D("567"), NOW - 30 * H),
        orders.OpenOrder(BUY, D("35.12345678"), D(0), NOW - H),
        orders.OpenOrder(OLDER, D("0.5"), D(0), None),
    ]
    attribution = Attribution(
        before={"BTC": D("3.31097720"), "RENDER": D("1000.5")},
        unseen={"TRY": D("123456789.12")},
        short={"MANTRA": D("99999.12345678")},
    )
    full = orders.OrdersFacts(
        open_orders,
        FeedHealth.LIVE,
        attribution,
        precisions,
        funds_known=False,
        missing_since=NOW - 2 * H,
        as_of=NOW,
    )
    in_orders = {"BTC": D("3.31097720"), "RENDER": D("1000.5"), "TRY": D("4874.36")}
    return [
        ("order placed", orders.order_news([Placed(SELL)], v, precisions)),
        ("order placed, stop-limit", orders.order_news([Placed(BUY)], v, precisions)),
        ("order placed, side unknown", orders.order_news([Placed(OLDER)], v, precisions)),
        ("order edited", orders.order_news([edited], v, precisions)),
        ("order edited, nothing seen to change", orders.order_news([same], v, precisions)),
        ("order cancelled, part left", orders.order_news([left], v, precisions)),
        ("order cancelled, placed before", orders.order_news([older], v, precisions)),
        ("order gone", orders.order_news([Gone(SELL, "RENDER")], v, precisions)),
        (
            "orders changed",
            orders.order_news(
                [Placed(SELL), edited, left, Cancelled(MARKET, D(0), D(0), seen_placed=True)],
                v,
                precisions,
            ),
        ),
        (
            "fills of orders",
            "\n".join(
                orders.story_line(s, v, precisions)
                for s in [
                    *stories.values(),
                    FillStory(MARKET, D("99999.12345678"), True),
                    FillStory(OLDER, D("0.25"), False),
                ]
            ),
        ),
        (
            "order phrases",
            "\n".join(orders.order_phrase(t, v, precisions, price=False) for t in (SELL, BUY)),
        ),
        (
            "change explained, with its orders",
            explain_texts.explained_change_alert(moved, whole, p, v, stories),
        ),
        (
            "change without history, with its orders",
            notices.change_alert(moved, p, v, list(stories.values())),
        ),
        ("/orders", orders.orders_message(full, v)),
        (
            "/orders, none",
            orders.orders_message(orders.OrdersFacts((), FeedHealth.LIVE, as_of=NOW), v),
        ),
        (
            "/orders, feed reconnecting",
            orders.orders_message(
                orders.OrdersFacts(open_orders[:1], FeedHealth.DOWN, as_of=NOW - H), v
            ),
        ),
        (
            "/orders, feed off",
            orders.orders_message(
                orders.OrdersFacts((), FeedHealth.OFF, in_orders=in_orders, precisions=precisions),
                v,
            ),
        ),
        (
            "/orders, feed refused",
            orders.orders_message(orders.OrdersFacts((), FeedHealth.REFUSED), v),
        ),
        (
            "/orders, the key itself refused",
            orders.orders_message(orders.OrdersFacts((), FeedHealth.KEY_REFUSED), v),
        ),
        ("status line, order events missing", orders.orders_missing_line(NOW - H, None, v)),
    ]


def balance_replies(v: View) -> Gallery:
    """Return every /balance answer."""
    p = portfolio()
    empty = value_portfolio([], PRICED, "TRY", NOW)
    row = pnl_rows()[0]
    cost = pnl.asset_cost_line(row, "TRY", v)
    held = [position.asset for position in p.positions]
    return [
        ("balance", balance.balance_reply(None, p, v)),
        ("balance, a price lost", balance.balance_message(lost_price_portfolio(), v)),
        ("balance, no prices", balance.balance_message(unpriced_portfolio(), v)),
        ("balance, empty", balance.balance_message(empty, v)),
        (
            "balance, one dust",
            balance.balance_message(value_portfolio(BALANCES[:-3], PRICED, "TRY", NOW), v),
        ),
        ("balance btc", balance.balance_reply("BTC", p, v, cost_line=cost)),
        ("balance render", balance.balance_reply("RENDER", p, v)),
        ("balance try", balance.balance_reply("TRY", p, v)),
        *[
            (
                f"balance {code.lower()}",
                balance.balance_reply(
                    code,
                    value_portfolio([_balance(code, "1234.5", precision=2)], PRICED, "TRY", NOW),
                    v,
                ),
            )
            for code in ("USD", "EUR", "GBP")
        ],
        ("balance usdt", balance.balance_reply("USDT", p, v)),
        (
            "balance mantra in usdt",
            balance.balance_reply("MANTRA", value_portfolio(BALANCES, PRICED, "USDT", NOW), v),
        ),
        ("balance ethw", balance.balance_reply("ETHW", p, v)),
        ("balance btc, no prices", balance.balance_reply("BTC", unpriced_portfolio(), v)),
        ("balance eth", balance.not_held_message("ETH", held, v)),
        ("balance btcc", balance.balance_reply("BTCC", p, v)),
        ("balance xyz", balance.unknown_asset_message("XYZ", held, v)),
        ("balance nope", balance.balance_reply("NOPE", p, v)),
        ("chart caption", chart.chart_caption(p, v)),
        ("chart bar", chart.bar_label(D("12.3"), D("123456789.12"), v.lang)),
        ("chart bar, other", chart.bar_label(D("0.04"), D("12345.67"), v.lang)),
        (
            "chart line, none",
            chart.line_note(LineGap(0, None, history_from=date(2024, 9, 17)), v.lang, time(9)),
        ),
        (
            "chart line, short",
            chart.line_note(
                LineGap(3, date(2026, 11, 23), None, unpriced=("RENDER", "MANTRA")),
                v.lang,
                time(9),
            ),
        ),
        (
            "chart caption, the last figures",
            chart.chart_caption(p, v, notice=errors.stale_notice(Unavailable("x"), p, v)),
        ),
        ("chart caption, a price lost", chart.chart_caption(lost_price_portfolio(), v)),
        ("chart, no prices", chart.chart_without_prices(v)),
        (
            "chart, no prices, the last figures",
            chart.chart_without_prices(
                v, notice=errors.stale_notice(Unavailable("x"), unpriced_portfolio(), v)
            ),
        ),
    ]


def error_replies(v: View) -> Gallery:
    """Return what the owner reads when the exchange or the bot fails."""
    found = []
    for error in (
        StampRejected("x"),
        AuthError("x"),
        RateLimited("x"),
        Unavailable("x"),
        BadResponse("x"),
    ):
        name = type(error).__name__
        found.append((f"error {name}", errors.exchange_error_message(error, v)))
        found.append((f"stale {name}", errors.stale_notice(error, portfolio(), v)))
    found.append(("internal error", errors.internal_error_message(v.lang)))
    found += [
        ("exchange down", notices.exchange_down(NOW - H, v)),
        ("exchange back", notices.exchange_back(NOW - H, v)),
        ("key refused", notices.exchange_refuses_key(NOW - H, v)),
        ("key accepted", notices.exchange_accepts_key(NOW - H, v)),
        ("portfolio line", notices.portfolio_line(portfolio(), v)),
    ]
    return found


def history_replies(v: View) -> Gallery:
    """Return /history and the texts that hang on the history's permission."""
    precisions = {b.asset: b.precision for b in BALANCES}
    split = FlowSplit(
        previous_total=D("987654321.98"),
        change=D("-123456789.12"),
        deposits=D("12345678.9"),
        withdrawals=D("98765432.1"),
        market=D("-37037035.92"),
        fees=D("123456.78"),
        estimated=("RENDER", "MANTRA"),
    )
    one_moment = [
        replace(_fill(f"9{n:03}", ("BTC", "TRY"), "buy", "0.001", "3512000"), at_ms=T0)
        for n in range(200)
    ]
    crowded = History(fills=tuple(one_moment), transfers=())
    found = [
        ("history", history.history_message(HISTORY, v, count=50, precisions=precisions)),
        ("history, one", history.history_message(HISTORY, v, count=1, precisions=precisions)),
        ("history, none", history.history_message(History(), v)),
        ("history, crowded", history.history_message(crowded, v, precisions=precisions)),
        ("history usage", history.history_usage(v)),
        ("history permission", history.history_permission_notice(v)),
        ("history status line", history.history_status_line(v)),
        ("history needs permission", history.history_needs_permission(v)),
        ("split", "\n".join(history.split_lines(split, "TRY", v))),
    ]
    for reason in ("permission", "unread", "unpriced"):
        unavailable = SplitUnavailable(reason, ("RENDER",))
        found.append((f"split {reason}", "\n".join(history.split_lines(unavailable, "TRY", v))))
    return found


def summary_replies(v: View) -> Gallery:
    """Return the daily summary, the weekly and monthly reports."""
    p = portfolio()
    values = {position.asset: (position.value or D(0)) * D("0.9") for position in p.positions}
    values.pop("MANTRA")
    values["TRY"] = D("123456789.1234")  # the same: "="
    previous = DailyPortfolio(YESTERDAY.date(), p.total - D("123456789.12"), values)
    older = DailyPortfolio(date(2026, 11, 11), p.total * 2, values)
    report = pnl_report()
    line = pnl.summary_pnl_line(report, D("-12345678.9"), v)
    split = FlowSplit(
        D("987654321.98"), D("123456789.12"), D("12345678.9"), D("0"), D("111111110.22"), D(5)
    )
    first = DailyPortfolio(date(2026, 11, 1), D("123456789.12"), {"BTC": D("98765432.1")})
    last = DailyPortfolio(date(2026, 11, 30), D("987654321.98"), {"BTC": D("123456789.12")})
    figures = PeriodFigures(
        first,
        last,
        AssetChange("RENDER", D("1234.56"), D("123456789.12")),
        AssetChange("MANTRA", D("123456789.12"), D("1234.56")),
    )
    return [
        (
            "summary",
            summary.summary_message(p, previous, v, scheduled=True, split=split, pnl_line=line),
        ),
        ("summary, on demand", summary.summary_message(p, older, v, scheduled=False)),
        (
            "summary, morning",
            summary.summary_message(
                p,
                DailyPortfolio(YESTERDAY.date(), D(0), {}),
                View(v.lang, v.tz, NOW - 5 * H),
                scheduled=True,
            ),
        ),
        (
            "summary, afternoon",
            summary.summary_message(p, None, View(v.lang, v.tz, NOW + 2 * H), scheduled=True),
        ),
        (
            "summary, a price lost",
            summary.summary_message(lost_price_portfolio(), previous, v, scheduled=True),
        ),
        (
            "summary, no prices",
            summary.summary_message(unpriced_portfolio(), previous, v, scheduled=True),
        ),
        ("report weekly", reports.report_message("weekly", first.day, last.day, figures, "TRY", v)),
        (
            "report monthly",
            reports.report_message("monthly", first.day, last.day, figures, "TRY", v),
        ),
    ]


def pnl_rows() -> list[PnlRow]:
    """Return P&L rows of every shape: known, estimated, unknown for each reason."""
    return [
        PnlRow(
            "BTC",
            8,
            D("35.12345678"),
            True,
            True,
            D("3065503.30"),
            D("3514938.27"),
            D("15786543.21"),
            D("14.66"),
            D("123456789.12"),
            D("-123456789.12"),
            D("12345678.9"),
            from_close=True,
            seen=True,
        ),
        PnlRow(
            "RENDER",
            8,
            D("1234567.12345678"),
            True,
            True,
            D("0.0876"),
            D("100.0724"),
            D("123456789.12"),
            D("1234.56"),
            D(0),
            D(0),
            D("1234.5"),
            seen=True,
        ),
        PnlRow(
            "MANTRA",
            8,
            D("99999.12345678"),
            True,
            False,
            D("123456.78"),
            None,
            None,
            None,
            D("-98765432.1"),
            D("-98765432.1"),
            D("12.3"),
            why={"unrealized": "price"},
        ),
        PnlRow(
            "XRP",
            6,
            D("123456.123456"),
            True,
            False,
            None,
            D("95.21"),
            None,
            None,
            None,
            D("1.1"),
            None,
            why={
                "cost": "past_price",
                "unrealized": "past_price",
                "realized_year": "loading",
                "fees_year": "today",
            },
        ),
        PnlRow(
            "USDT",
            2,
            D("12345.67"),
            True,
            False,
            D("40.08"),
            D("41.5"),
            D("17530.85"),
            D("3.55"),
            None,
            None,
            D("86.32"),
            why={"realized_year": "loading", "realized_all": "loading"},  # its fees are known
        ),
        PnlRow(
            "GLMR",
            8,
            D("250"),
            True,
            False,
            D("3.68"),
            D("3.41"),
            D("-68.95"),
            D("-7.49"),
            D(0),
            D(0),
            None,
            why={"fees_year": "today"},  # realized nothing; its fee waits for a close
        ),
        PnlRow(
            "AVAX",
            8,
            D("1.5"),
            False,
            False,
            None,
            D("1050.5"),
            None,
            None,
            D("-69.58"),
            D("-69.58"),
            D("6.19"),
            why={"cost": "history", "unrealized": "history"},
            until_ms=CROWDED_MS,  # realized up to a moment of more fills than BTCTurk returns
        ),
        PnlRow(
            "ETHW",
            8,
            D("0.75"),
            False,
            False,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            why={"cost": "history", "unrealized": "history", "realized_year": "history"},
        ),
    ]


def pnl_report(rows: list[PnlRow] | None = None, *, whole: bool = False) -> PnlReport:
    """Return a report over `rows` (default: every shape), its totals leaving some out unless
    it is `whole`."""
    if whole:
        return PnlReport(
            "TRY",
            "average",
            2026,
            tuple(rows or ()),
            D("15786543.21"),
            D("107671999.99"),
            D("123456789.12"),
            D("12345678.9"),
        )
    return PnlReport(
        quote="TRY",
        method="average",
        year=2026,
        rows=tuple(pnl_rows() if rows is None else rows),
        unrealized=D("139260862.18"),
        cost=D("987654321.98"),
        realized_year=D("24691357.02"),
        fees_year=D("12347025.9"),
        unrealized_without=(("MANTRA", "price"), ("XRP", "past_price"), ("ETHW", "history")),
        realized_without=(("XRP", "loading"), ("USDT", "loading"), ("ETHW", "history")),
        fees_without=(("XRP", "today"), ("GLMR", "today"), ("ETHW", "history")),
        own_fees=D("2.17"),  # on no row: paid on the quote currency itself
        own_fees_on=("USDTTRY", ""),
        counted_until=(("AVAX", CROWDED_MS),),
    )


def pnl_replies(v: View) -> Gallery:
    """Return /pnl and the P&L lines of /balance and the summary."""
    rows = pnl_rows()
    unknown = PnlReport(
        "TRY",
        "fifo",
        2026,
        (rows[2], rows[7]),
        D(0),
        D(0),
        D(0),
        D(0),
        (("MANTRA", "price"), ("ETHW", "history")),
        (("MANTRA", "price"), ("ETHW", "history")),
        (("MANTRA", "price"), ("ETHW", "history")),
    )
    fees_known = PnlReport(  # no realized P&L known, but some fees are
        "TRY",
        "average",
        2026,
        (rows[4], rows[7]),
        D("17530.85"),
        D("494814.45"),
        D(0),
        D("86.32"),
        (("ETHW", "history"),),
        (("USDT", "loading"), ("ETHW", "history")),
        (("ETHW", "history"),),
    )
    return [
        ("pnl", pnl.pnl_message(pnl_report(), v)),
        ("pnl, history refused", pnl.history_read_until(NOW - 30 * 24 * H, True, v)),
        ("pnl, history failed", pnl.history_read_until(NOW - H, False, v)),
        ("pnl fifo, unknown totals", pnl.pnl_message(unknown, v)),
        ("pnl, realized unknown, fees known", pnl.pnl_message(fees_known, v)),
        ("pnl, empty", pnl.pnl_message(pnl_report([]), v)),
        (
            "pnl, crowded",
            pnl.pnl_message(pnl_report(), v, crowded={"ETHW": CROWDED_MS, "AVAX": CROWDED_MS}),
        ),
        ("pnl loading", pnl.pnl_loading_message(NOW - 400 * 24 * H, v)),
        ("pnl loading, start", pnl.pnl_loading_message(None, v)),
        ("pnl refused", pnl.pnl_refused_message(v)),
        ("pnl unsupported", pnl.pnl_unsupported_message("EUR", ("TRY", "USDT"), v)),
        (
            "pnl cells",
            " ".join(
                pnl.cell(why, v) for why in ("history", "price", "past_price", "loading", "today")
            ),
        ),
        ("pnl left out", pnl.left_out(pnl_report().unrealized_without, v)),
        *[(f"cost line {row.asset}", pnl.asset_cost_line(row, "TRY", v)) for row in rows],
        ("cost line, the close", pnl.asset_cost_line(replace(rows[0], seen=False), "TRY", v)),
        ("summary pnl", pnl.summary_pnl_line(pnl_report([rows[0]]), D(12), v)),
        ("summary pnl, first", pnl.summary_pnl_line(pnl_report([rows[0]], whole=True), None, v)),
        ("summary pnl, up", pnl.summary_pnl_line(pnl_report([rows[0]], whole=True), D(12), v)),
        (
            "summary pnl, down",
            pnl.summary_pnl_line(pnl_report([rows[0]], whole=True), D("123456789.12"), v),
        ),
        ("summary pnl, unknown", pnl.summary_pnl_line(unknown, None, v)),
    ]


def _note(endpoint: str, kind: str, field: str, *subjects: str) -> NoteSummary:
    return NoteSummary(endpoint, kind, field, subjects)  # type: ignore[arg-type]


DATA_NOTES = (
    _note("exchangeinfo", "skipped", "name", *(f"P{i}" for i in range(5))),
    _note("balances", "missing", "orderFund", *(f"A{i}" for i in range(16))),
    _note("balances", "missing", "requestFund", *(f"A{i}" for i in range(16))),
    _note("balances", "missing", "timestamp", "BTC"),
    _note("balances", "missing", "assetname", "BTC"),
    _note("balances", "defaulted", "precision", *(f"A{i}" for i in range(16))),
    _note("balances", "defaulted", "locked", "RENDER"),
    _note("balances", "derived", "free", "RENDER"),
    _note("balances", "type", "balance", "RENDER"),
    _note("balances", "skipped", "balance", "MANTRA"),
    _note("tickers", "skipped", "last", "BTCTRY", "ETHTRY"),
    _note("tickers", "skipped", "numeratorSymbol", *(f"P{i}TRY" for i in range(16))),
    _note("tickers", "missing", "dailyPercent", "XRPTRY"),
    _note("tickers", "derived", "numeratorSymbol", "XRPTRY"),
    _note("trades", "defaulted", "fee", "BTCTRY"),
    _note("trades", "skipped", "price", *(f"P{i}TRY" for i in range(16))),
    _note("trades", "derived", "orderId", "BTCTRY"),
    _note("trades", "missing", "orderType", "BTCTRY"),
    _note("crypto", "defaulted", "tax", "RENDER"),
    _note("crypto", "skipped", "amount", *(f"A{i}" for i in range(16))),
    _note("fiat", "missing", "balanceType", "TRY"),
    _note("fiat", "skipped", "amount", "TRY", "USD", "EUR", "GBP"),
    _note("fiat", "type", "timestamp", "TRY"),
)


def status_facts(**changes: object) -> status.StatusFacts:
    """Return /status facts with everything it can show, `changes` applied."""
    facts: dict[str, object] = dict(
        reachable=False,
        last_success_at=NOW - H,
        last_latency_s=1.25,
        last_error=None,
        clock_offset_ms=120_000,
        poll_interval_s=5,
        chat_alerts=12,
        all_alerts=123,
        next_summary_at=NOW + 20 * H,
        pending_notifications=1234,
        prices_available=False,
        key_retry_at=NOW + H,
        data_notes=DATA_NOTES,
        history_refused=True,
        feed=status.FeedFacts(NOW - H, NOW - 60 * H, 12, False, 300),
        history=status.HistoryFacts(NOW - 400 * 24 * H, NOW - 900 * 24 * H, False),
    )
    facts |= changes
    return status.StatusFacts(**facts)  # type: ignore[arg-type]


def status_replies(v: View) -> Gallery:
    """Return /status in each of its states, and the feed's notices."""
    feeds = {
        "down": status.FeedFacts(None, None, 0, False, None),
        "refused": status.FeedFacts(None, None, 0, True, None, "permission", "Invalid Public key"),
        "other": status.FeedFacts(None, None, 0, True, None, None, "<b>odd</b>"),
        "refused with the key": status.FeedFacts(
            None, None, 0, True, None, "permission", "Invalid Public key", key_refused=True
        ),
        "alerts set": status.FeedFacts(NOW - H, None, 0, False, None),
    }
    found = [("status", status.status_message(status_facts(), v))]
    found += [
        (f"status, feed {name}", status.status_message(status_facts(feed=feed), v))
        for name, feed in feeds.items()
    ]
    found += [
        (
            "status, feed off",
            status.status_message(status_facts(feed=None, clock_offset_ms=-2000), v),
        ),
        (
            "status, fiat notes",
            status.status_message(status_facts(data_notes=DATA_NOTES[-2:-1]), v),
        ),
        (
            "status, all well",
            status.status_message(
                status_facts(
                    reachable=True,
                    prices_available=True,
                    key_retry_at=None,
                    history_refused=False,
                    last_latency_s=0.012,
                    data_notes=(),
                    pending_notifications=0,
                ),
                v,
            ),
        ),
        (
            "status, never read",
            status.status_message(
                status_facts(
                    last_success_at=None,
                    clock_stepped_s=3600.5,
                    history=status.HistoryFacts(None, None, False),
                ),
                v,
            ),
        ),
        (
            "status, error",
            status.status_message(
                status_facts(
                    last_error=errors.exchange_error_message(Unavailable("x"), v, advice=False),
                    last_latency_s=None,
                    history=status.HistoryFacts(NOW, None, True),
                ),
                v,
            ),
        ),
        (
            "status, history",
            status.status_message(
                status_facts(history=status.HistoryFacts(NOW, NOW - 90 * 24 * H, True)), v
            ),
        ),
        (
            "status, history refused",
            status.status_message(
                status_facts(
                    history_refused=True,
                    history=status.HistoryFacts(
                        NOW - 90 * 24 * H, NOW - 90 * 24 * H, True, NOW - H
                    ),
                ),
                v,
            ),
        ),
        (
            "status, history refused while loading",
            status.status_message(
                status_facts(
                    history_refused=True,
                    history=status.HistoryFacts(NOW - 90 * 24 * H, None, False, NOW - H),
                ),
                v,
            ),
        ),
        (
            "status, order events missing",
            status.status_message(status_facts(orders_missing_since=NOW - H), v),
        ),
        (
            "status, order events missing, logged in again",
            status.status_message(
                status_facts(orders_missing_since=NOW - 30 * H, orders_relogin_at=NOW - 29 * H),
                v,
            ),
        ),
        ("feed refused", status.feed_refused_notice(60, "timestamp", v)),
        ("feed refused, other", status.feed_refused_notice(3600, None, v, "Some words")),
        ("intervals", " ".join(status.interval(s, v) for s in (1, 5, 60, 300, 3600, 7200))),
        (
            "refusal reasons",
            " ".join(status.refusal_why(r, "x", v) for r in ("permission", "ip", "key")),
        ),
    ]
    return found


def settings_replies(v: View) -> Gallery:
    """Return /settings, /notify and what /lang, /mute, /quiet and the like answer."""
    levels = default_levels(order_changes=False) | {Setting.CHANGES: Level.SILENT}
    facts = settings.ChatSettingsView(
        quote="TRY",
        summary_time="09:00",
        summary_chart=True,
        checking=status.checking_line(5, None, v),
        order_changes=False,
        quiet_hours="23:00-08:00",
        muted_until=NOW + 48 * H,
        notify=levels,
    )
    live = status.FeedFacts(NOW - H, None, 0, False, 300)
    checking = status.checking_line(60, live, v)
    plain = settings.ChatSettingsView("TRY", "09:00", False, checking, True, None, None)
    off = settings.ChatSettingsView(
        "TRY", "09:00", False, status.checking_line(60, None, v), False, None, None
    )
    ambiguous = AmbiguousDuration("2d", [("2g", 2 * 24 * H), ("2dk", timedelta(minutes=2))])
    return [
        ("settings", settings.settings_message(facts, v)),
        ("settings, plain", settings.settings_message(plain, v)),
        ("settings, orders off", settings.settings_message(off, v)),
        ("notify", notify.notify_message(levels, v)),
        ("notify changed", notify.notify_changed((Setting.CHANGES,), Level.OFF, v)),
        ("notify all", notify.notify_changed(SETTINGS, Level.SILENT, v)),
        ("notify rows", "\n".join(notify.notify_rows(levels, v))),
        ("level", notify.level_name(Level.ON, v)),
        ("mute ambiguous", durations.ambiguous_duration("mute", ambiguous, v)),
        *[
            (
                f"mute refused, {problem}",
                durations.mute_refused(MuteRefused(problem, typed, unit), v),
            )
            for problem, typed, unit in (
                ("unit", "12345678901234567890", "abcdefghij"),
                ("form", "12345678901234567890", ""),
                ("range", "12345678901234567890", ""),
            )
        ],
        ("quiet, default", notify.quiet_message("23:00-08:00", v, default=True)),
        ("quiet, own", notify.quiet_message("22:00-07:00", v, default=False)),
        ("quiet, none", notify.quiet_message(None, v, default=False)),
        ("quiet default, none", notify.quiet_default_message(None, v)),
        ("quiet default, some", notify.quiet_default_message("23:00-08:00", v)),
        ("chart in summary, default", notify.summary_chart_message(False, v, default=True)),
        ("chart in summary, on", notify.summary_chart_message(True, v, default=False)),
        *[
            (f"lang, {code}", notify.language_message(code, v, default=code == "tr"))
            for code in LANGUAGES
        ],
        *[(f"unmute {count}", notify.unmute_message(count, v)) for count in (0, 1, 123)],
        *[
            (f"unmute, {count} held by quiet hours", notify.unmute_message(count, v, NOW + 9 * H))
            for count in (1, 123)
        ],
        (
            "durations",
            " ".join(
                durations.duration_words(s, v)
                for s in (
                    timedelta(minutes=1),
                    90 * timedelta(minutes=1),
                    H,
                    2 * H,
                    24 * H,
                    72 * H,
                    7 * 24 * H,
                    14 * 24 * H,
                )
            ),
        ),
    ]


# /alert commands a chat of each language gets wrong (or asks about), as it would type them.
USAGE_INPUTS = {
    "en": [
        "",
        "BTC move",
        "btc abov 5",
        "btc prise above 5",
        "xyz below 5",
        "btc below five",
        "total price above 5",
        "btc move 5",
        "btc move 5% 30m",
        "btc below 5 cooldown 9d",
        "btc value below -1",
        "btc below 0",
        "btc below 1e16",
        "btc below 0.00000000000000001",
        "btc below 5 coldown 6h",
        "btc price above 3,600",
        "usdt move 1,000%",
        "btc price above 0",
        "total above 0",
        "btc value above 0",
        "btc price above 3 600 000",
        "btc price above 3 600",
    ],
    "tr": [
        "",
        "BTC hareket",
        "btc altnda 5",
        "btc fiyt üstünde 5",
        "xyz altında 5",
        "btc altında beş",
        "toplam fiyat üstünde 5",
        "btc hareket 5",
        "btc hareket %5 30dk",
        "btc altında 5 bekleme 9g",
        "btc değer altında -1",
        "btc altında 0",
        "btc altında 1e16",
        "btc altında 0,00000000000000001",
        "btc altında 5 bekleem 6sa",
        "btc fiyat üstünde 3.600",
        "btc hareket %5 2d",
        "btc altında 5 bekleme 2d",
        "btc fiyat üstünde 0",
        "toplam üstünde 0",
        "btc değer üstünde 0",
        "btc fiyat üstünde 3 600 000",
        "btc fiyat üstünde 3 600",
    ],
}
SPECS = [
    AlertSpec("BTC", Direction.BELOW, D("5.12345678")),
    AlertSpec(TOTAL, Direction.ABOVE, D("987654321.12")),
    AlertSpec("RENDER", Direction.ABOVE, D("123456.1234"), Kind.PRICE, cooldown=6 * H),
    AlertSpec("MANTRA", Direction.BELOW, D("123456789.12"), Kind.VALUE, cooldown=timedelta(0)),
    AlertSpec(TOTAL, Direction.ABOVE, D("12.5"), Kind.MOVE, 7 * 24 * H),
    AlertSpec("BTC", Direction.ABOVE, D("1000"), Kind.MOVE, timedelta(minutes=90)),
]


UNKNOWN_SPECS = [  # what is unknown with every price read: an asset without any pair, or unlisted
    AlertSpec("ETHW", Direction.ABOVE, D("1000"), Kind.VALUE),
    AlertSpec("ETHW", Direction.ABOVE, D("1000"), Kind.PRICE),
    AlertSpec("GLMR", Direction.ABOVE, D("1000"), Kind.VALUE),
    AlertSpec("NOPE", Direction.ABOVE, D("1")),
]


def alert_replies(v: View) -> Gallery:
    """Return /alert's answers and questions, /alerts, /unalert and every alert firing."""
    p = portfolio()
    move_fall = Move(D("987654321.98"), D("864197531.11"), NOW - 5 * H)
    move_rise = Move(D("123456789.12"), D("987654321.98"), NOW - 30 * H)
    found: Gallery = []
    for index, spec in enumerate(SPECS, start=1):
        value = D("-12.34") if spec.kind is Kind.MOVE else D("123456789.12")
        move = move_rise if index % 2 else move_fall
        found += [
            (f"describe {index}", alerts.describe(spec, "TRY", v)),
            (
                f"created {index}",
                alerts.alert_created(index, spec, D("123456789.12"), 8, "TRY", v, urgent=True),
            ),
            (f"created, unknown {index}", alerts.alert_created(index, spec, None, 8, "TRY", v)),
            (f"now {index}", alerts.current_text(spec, value, 8, "TRY", v, move)),
            (f"unknown now {index}", alerts.current_text(spec, None, 8, "TRY", v)),
            (f"fired {index}", alerts.alert_fired(index, spec, D("123456789.12"), move, 8, p, v)),
            (f"fired, fall {index}", alerts.alert_fired(index, spec, D("1.5"), move_fall, 8, p, v)),
            (f"exists {index}", alert_checks.alert_exists(index, spec, "TRY", v)),
        ]
    rows = [(i, spec, "123.456.789,12 TRY", i % 2 == 0) for i, spec in enumerate(SPECS, start=1)]
    far = AlertSpec("BTC", Direction.ABOVE, D("3.6"), Kind.PRICE)
    marks, units = number_marks(v.lang.code), duration_units(v.lang.code)
    typed = typed_args(AlertRequest(far), marks, units)
    known = [b.asset for b in BALANCES]
    for number, text in enumerate(USAGE_INPUTS[v.lang.code]):
        args = text.split()
        try:
            parse_alert(args, known, marks=marks, units=units) if len(args) >= 3 else None
        except AlertUsageError as error:
            if error.problem is Problem.AMBIGUOUS:
                choices = readings(args, error, known, marks=marks, units=units)
                commands = [command for _, command in choices]
                question = alert_checks.ambiguous_question(
                    args[error.position or 0], error.readings, commands, v, spans=error.spans
                )
                found.append((f"ambiguous {number}", question))
                continue
            fix = suggest(args, known, marks=marks, units=units)
            found.append((f"usage {number}", alerts.alert_usage(error, args, v, fix)))
        else:
            found.append((f"usage {number}", alerts.alert_usage(None, args, v)))
    below = AlertSpec("BTC", Direction.BELOW, D("200000000"))
    flat = Move(D("123456789.12"), D("123456789.12"), NOW - H)
    found += [
        ("created, already below", alerts.alert_created(7, below, D("123456789.12"), 8, "TRY", v)),
        (
            "created, already held",
            alerts.alert_created(
                8, AlertSpec("BTC", Direction.ABOVE, D(0)), D("35.1"), 8, "TRY", v
            ),
        ),
        ("move now, flat", alerts.current_text(SPECS[4], D(0), 8, "TRY", v, flat)),
        *[
            (f"usage {kind}", alerts.alert_usage(None, ["BTC", kind], v))
            for kind in ("amount", "price", "value", "move", "miktar", "fiyat", "değer", "hareket")
        ],
        (
            "typed",
            "\n".join(
                " ".join(
                    typed_args(
                        AlertRequest(spec, urgent=True, confirmed=True),
                        number_marks(v.lang.code),
                        duration_units(v.lang.code),
                    )
                )
                for spec in SPECS
            ),
        ),
        ("keywords", " ".join(word(keyword, v.lang.code) for keyword in KEYWORDS)),
        ("alerts", alerts.alerts_list(rows, "TRY", v)),
        ("alerts, none", alerts.alerts_list([], "TRY", v)),
        *[
            (
                f"unknown, {name} {index}",
                alerts.current_text(
                    spec, None, 8, "TRY", v, unknown=alerts.unknown_reason(spec, held, v)
                ),
            )
            for name, held in (
                ("never read", None),
                ("no prices", unpriced_portfolio()),
                ("a price lost", lost_price_portfolio()),
                ("no pair", portfolio()),
            )
            for index, spec in enumerate([*SPECS, *UNKNOWN_SPECS], start=1)
        ],
        (
            "spans",
            " ".join(alerts.span_words(s, v) for s in (timedelta(minutes=30), H, 24 * H, 72 * H)),
        ),
        ("ambiguous, none valid", alert_checks.ambiguous_question("3,600", ["3.6", "3600"], [], v)),
        (
            "one reading",
            alert_checks.one_reading_question(
                "2d",
                ["2g", "2dk"],
                0,
                [
                    "btc",
                    word("move", v.lang.code),
                    write_percent("10", number_marks(v.lang.code)),
                    "2g",
                ],
                v,
                spans=[timedelta(days=2), timedelta(minutes=2)],
            ),
        ),
        (
            "one reading, a number",
            alert_checks.one_reading_question(
                "3,600", ["3.6", "3600"], 1, ["btc", word("above", v.lang.code), "3600"], v
            ),
        ),
        (
            "far",
            alert_checks.far_question(
                far, Direction.BELOW, D("3514938.27"), 2, "TRY", v, typed=typed, button=True
            ),
        ),
        (
            "far, an amount",
            alert_checks.far_question(
                AlertSpec("BTC", Direction.BELOW, D("0.05")),
                Direction.BELOW,
                D("35.1234567891234567"),
                8,
                "TRY",
                v,
                typed=typed,
                button=True,
            ),
        ),
        (
            "far, an amount above",
            alert_checks.far_question(
                AlertSpec("BTC", Direction.ABOVE, D("5000")),
                Direction.ABOVE,
                D("35.1234567891234567"),
                8,
                "TRY",
                v,
                typed=typed,
                button=False,
            ),
        ),
        (
            "far, typed",
            alert_checks.far_question(
                far, Direction.ABOVE, D("0.01"), 2, "TRY", v, typed=typed, button=False
            ),
        ),
        ("unalert one", alert_checks.unalert_reply([3], [], v)),
        ("unalert missing", alert_checks.unalert_reply([], [3], v)),
        ("unalert some", alert_checks.unalert_reply([2, 5], [7, 123456789], v)),
        ("unalert all", alert_checks.unalert_all_reply(list(range(1, 40)), v)),
        ("unalert none", alert_checks.unalert_all_reply([], v)),
        ("unalert usage", alert_checks.unalert_usage(v)),
    ]
    return found


def export_replies(v: View) -> Gallery:
    """Return /export's caption, its notes, its loading answers and the file's words."""
    row = ExportRow(
        T0,
        "sell",
        "RENDER",
        "RENDERUSDT",
        D(1),
        D(1),
        "USDT",
        None,
        D(0),
        D(0),
        None,
        None,
        None,
        "123",
        gap="acquisition",
    )
    crowded = tuple(Crowded("trades", T0 + i, 200) for i in range(7))
    others = (Crowded("crypto", T0, 200), Crowded("fiat", T0, 200))
    left: tuple[tuple[str, Unknown], ...] = (("RENDER", "history"), ("MANTRA", "price"))
    total = RealizedTotal(
        D("123456789.12"), left, D("123456789.11"), checked=False, until=(("BTC", CROWDED_MS),)
    )
    year = YearExport(2026, [row] * 3, total, crowded + others, NOW - H)
    plain = YearExport(2026, [], RealizedTotal(D(0), (), D(0)))
    nothing = YearExport(2026, [], RealizedTotal(D(0), left, D(0), unknown=True))
    refused = replace(plain, read_until=NOW - 30 * 24 * H, read_refused=True)
    notes = export.export_notes(year, "TRY", v)
    labels = export.export_labels("TRY", v)
    words = [*labels.columns, *labels.daily_columns, *labels.kinds.values(), *labels.gaps.values()]
    assert labels.incomplete is not None
    words += [labels.seen, labels.incomplete("RENDER")]
    return [
        ("export caption", export.export_caption(year, "TRY", notes, v)),
        (
            "export caption, plain",
            export.export_caption(plain, "TRY", export.export_notes(plain, "TRY", v), v),
        ),
        (
            "export caption, no daily values",
            export.export_caption(plain, "TRY", [], v, daily=False),
        ),
        (
            "export caption, no total",
            export.export_caption(nothing, "TRY", export.export_notes(nothing, "TRY", v), v),
        ),
        (
            "export caption, history refused",
            export.export_caption(refused, "TRY", export.export_notes(refused, "TRY", v), v),
        ),
        ("export file notes", "\n".join(export.csv_notes(notes))),
        ("export file words", "\n".join(words)),
        ("export loading", export.export_loading(NOW - 400 * 24 * H, v)),
        ("export loading, start", export.export_loading(None, v)),
        ("export usage", export.export_usage(v)),
        *[
            (f"export refused, {problem}", export.export_usage(v, YearRefused(problem, typed)))
            for problem, typed in (
                ("before", "1999"),
                ("after", "2027"),
                ("form", "12345678901234567890"),
                ("several", "2025 2026"),
            )
        ],
    ]


def general_replies(v: View) -> Gallery:
    """Return /help, every usage line, the unknown command and the stranger's refusal."""
    found = [("help", general.help_message(LISTED, "TRY", "09:00", v))]
    found += [
        (f"usage {c.name}", general.usage_message(c, v))
        for c in LISTED
        if f"example.{c.name}" in LANGUAGES[v.lang.code]
    ]
    found += [
        ("unknown command", general.unknown_command_message(v)),
        ("refusal", general.refusal_message(-1001234567890, v.lang)),
    ]
    return found


# The texts handlers and services send without a rendering function, with realistic values.
DIRECT: dict[str, dict[str, object]] = {
    "alert.not_saved": {},
    "alert.set_anyway": {},
    "backlog.slow_down": {},
    "balance.refresh": {},
    "balance.refreshed": {},
    "balance.replaced": {},
    "chart.allocation": {"quote": "TRY"},
    "chart.history": {"days": 30},
    "chart.no_value": {},
    "chart.other": {"count": 12},
    "chart_in_summary.off": {},
    "chart_in_summary.on": {},
    "chart_in_summary.usage": {},
    "digest.title": {"count": 123},
    "edited_command": {},
    "error.storage": {},
    "lang.changed": {},
    "lang.usage": {},
    "member.refused": {},
    "member.refused_none": {},
    "member.refused_short": {},
    "mute.usage": {},
    "notify.usage": {},
    "quiet.off": {},
    "quiet.set": {"hours": "23:00-08:00"},
    "quiet.usage": {},
    "refusal.short": {},
    "settings.quiet_none": {},
    "status.check_again": {},
    "status.checked_lately": {"seconds": 59},
    "status.checking": {},
    "unmute.not_muted": {},
}


def direct_replies(v: View) -> Gallery:
    """Return the texts the handlers and services send as they are."""
    found = [(key, v.t(key, **values)) for key, values in DIRECT.items()]
    found.append(("mute.done", v.t("mute.done", when=v.when(NOW + 48 * H))))
    return found


def _gate(coin: str, network: str = "", **change: object) -> GateChange:
    values: dict[str, object] = dict(
        closed=frozenset(), reopened={}, still_closed=frozenset(), still_open=frozenset()
    )
    return GateChange(Gate(coin, network), **(values | change))  # type: ignore[arg-type]


W, DEP = "withdrawal", "deposit"
EXCHANGE_CHANGES = (
    _gate("RENDER", "TRC20", closed=frozenset({W}), still_open=frozenset({DEP})),
    _gate("MANTRA", "L", closed=frozenset({DEP}), still_closed=frozenset({W})),
    _gate("BTC", "ARC20", closed=frozenset({W}), still_closed=frozenset({DEP})),
    _gate("USDT", closed=frozenset({DEP}), still_open=frozenset({W})),
    _gate("RENDER", closed=frozenset({W, DEP})),
    _gate("RENDER", "TRC20", reopened={W: NOW - 3 * H - timedelta(minutes=12)}),
    _gate("MANTRA", reopened={W: None, DEP: NOW - 53 * H}),
    _gate("USDT", "L", closed=frozenset({W}), reopened={DEP: NOW - timedelta(minutes=7)}),
    _gate("BTC", reopened={DEP: None}),
    _gate(
        "USDT", reopened={W: NOW - H, DEP: NOW - H}, networks_closed=(("TRC20", frozenset({W})),)
    ),
    _gate(
        "MANTRA",
        reopened={W: None, DEP: None},
        networks_closed=(("ERC20", frozenset({W, DEP})), ("L", frozenset({DEP}))),
    ),
    PairChange("RENDERTRY", "RENDER", "halted"),
    PairChange("MANTRAUSDT", "MANTRA", "removed"),
    PairChange("RENDERTRY", "RENDER", "resumed"),
    PairChange("MANTRAUSDT", "MANTRA", "resumed_after", NOW - 2 * H),
    PairChange("RENDEREUR", "RENDER", "listed"),
    PairChange("MANTRATRY", "MANTRA", "listed_idle"),
)
REFUSALS = (
    "Unauthorized - IP address not allowed: 203.0.113.254",
    "Unauthorized - IP restriction",
    "Unauthorized - Invalid Public key",
    "Invalid Signature",
    "Unauthorized - Invalid Nonce",
    "No permission",
    "",
    "Unauthorized - <b>something new</b>",
)
GRANTED, REFUSED = Probe("granted"), Probe("refused")
CHECKED = KeyReport(
    telegram=GRANTED,
    bot_name="ayse_bakiye_botu_2026",
    chats=(ChatProbe(100200300, "Ayşe"), ChatProbe(-1001234567890, "Ayşe ve Ali")),
    exchange=GRANTED,
    clock_offset_ms=-1234,
    balances=GRANTED,
    history=GRANTED,
    feed=GRANTED,
    trade=REFUSED,
)


def guard_replies(v: View) -> Gallery:
    """Return BTCTurk's incidents, /status's lines of them and of the key, the key check's
    output in each state, and the causes of a refused key."""
    found = [
        ("exchange notice", exchange.exchange_notice(EXCHANGE_CHANGES, NOW, v)),
        ("spans", " ".join(exchange.span(timedelta(minutes=m), v) for m in (0, 59, 192, 3180))),
    ]
    lines = exchange.exchange_status_lines(
        [
            (Gate("RENDER", "TRC20"), {"withdrawal": NOW - H, "deposit": None}),
            (Gate("MANTRA"), {"deposit": None}),
        ],
        [
            ("RENDERTRY", PairState("RENDER", "TRY", False, True, NOW - 30 * H)),
            ("MANTRAUSDT", PairState("MANTRA", "USDT", False, False, None)),
        ],
        v,
    )
    guarded = status_facts(
        exchange_lines=lines,
        exchange_unread_since=NOW - 2 * H,
        key_lacks=("account", "websocket"),
        key_can_trade=True,
        unreachable_chats=(100200300, -1001234567890),
    )
    found.append(("status, guard", status.status_message(guarded, v)))
    for refusal in REFUSALS:
        found += [
            (f"key refused: {refusal}", notices.exchange_refuses_key(NOW - H, v, refusal)),
            (f"error: {refusal}", errors.exchange_error_message(AuthError("x", refusal), v)),
            (f"cause: {refusal}", key_refusal.key_cause(refusal, v)),
        ]
    reports = {
        "ready": CHECKED,
        "ready without": replace(
            CHECKED,
            history=REFUSED,
            feed=Probe("refused", refusal="Unauthorized - Invalid Public key"),
        ),
        "unsafe": replace(
            CHECKED,
            clock_offset_ms=10_250,
            trade=GRANTED,
            chats=(
                ChatProbe(100200300, problem="not_found", error="Bad Request: chat not found"),
                ChatProbe(-100123, problem="blocked", error="Forbidden: bot was blocked"),
                ChatProbe(-100124, problem="not_member", error="Forbidden: bot was kicked"),
                ChatProbe(-100125, problem="error", error="Bad Request: <odd>"),
                ChatProbe(1, "Ayşe"),
            ),
        ),
        "ahead": replace(CHECKED, clock_offset_ms=-9_100, feed_off=True),
        "token refused": KeyReport(telegram=REFUSED, exchange=Probe("unreachable", error="x")),
        "token unreachable": KeyReport(
            telegram=Probe("unreachable", error="Timed out", failure="timeout"),
            exchange=Probe("unreachable", error="x", failure="dns"),
        ),
        "servers not reached": KeyReport(
            telegram=Probe("unreachable", error="Bad Gateway", failure="said"),
            exchange=Probe("unreachable", error="x", failure="tls"),
            feed_off=True,
        ),
        "key refused": replace(
            CHECKED,
            balances=Probe("refused", refusal=REFUSALS[0]),
            history=Probe("skipped"),
        ),
        "total funds": replace(CHECKED, balances=Probe("refused", refusal="")),
        "unreachable": replace(
            CHECKED,
            balances=Probe("unreachable", error="x", failure="down", status=503),
            history=Probe("unreachable", error="x", failure="maintenance"),
            feed=Probe("unreachable", error="x", failure="refused"),
            trade=Probe("unreachable", error="x", failure="timeout"),
        ),
        "wrong address": replace(
            CHECKED, balances=Probe("unreachable", error="x", failure="address", status=404)
        ),
        "answers unread": replace(
            CHECKED,
            history=Probe("unreachable", error="x", failure="answer"),
            feed=Probe("unreachable", error="x", failure="network"),
        ),
    }
    for name, report in reports.items():
        found.append((f"key check, {name}", key_check.key_check_report(report, 60, v)))
    return found


def _period(
    kind: PeriodKind, start: date, end: date, *, partial: bool = False, **marks: frozenset[str]
) -> PeriodRow:
    """Return a period of a big account: 9-digit lira values, every figure long."""
    return PeriodRow(
        kind=kind,
        start=start,
        end=end,
        period_end=end + timedelta(days=3) if partial else end,
        value_start=D("987654321.98"),
        value_end=D("123456789.12"),
        moved_in=D("123456789.12"),
        moved_out=D("98765432.10"),
        fees=D("1234567.89"),
        trades=1234,
        invested=D("123456789.12"),
        units=(
            UnitResult("USDT", D("-1234567.12"), D("-1234.56")),
            UnitResult("BTC", None, None),
        ),
        **marks,
    )


def value_rows() -> dict[PeriodKind, list[PeriodRow]]:
    """Return long rows of each kind, with every mark, the newest not over yet."""
    left = frozenset({"RENDER", "MANTRA"})
    return {
        "daily": [
            _period("daily", date(2026, 11, 23), date(2026, 11, 23)),
            _period(
                "daily",
                date(2026, 11, 24),
                date(2026, 11, 24),
                estimated=left,
                incomplete=left,
                unpriced=left,
                loading=left,
                unvalued=left,
                unknown=left,
            ),
        ],
        "weekly": [
            _period("weekly", date(2026, 10, 26), date(2026, 11, 1), incomplete=left),
            _period("weekly", date(2026, 11, 23), date(2026, 11, 24), partial=True),
        ],
        "monthly": [
            _period("monthly", date(2026, 9, 1), date(2026, 9, 30)),
            _period("monthly", date(2026, 11, 1), date(2026, 11, 24), estimated=left),
        ],
    }


def value_replies(v: View) -> Gallery:
    """Return the period tables, the chart's value line, the summary's, the reports' and
    /pnl's records from the daily values, and why there are none."""
    found = []
    rows = value_rows()
    for kind, kind_rows in rows.items():
        span = _period(kind, kind_rows[0].start, kind_rows[-1].end, estimated=frozenset({"X"}))
        table = periods.period_table(
            kind, kind_rows, span, "TRY", v, asked=12, first=date(2024, 9, 17)
        )
        found.append((f"/{kind}", table))
        found.append((f"/{kind} usage", periods.periods_usage(kind, v)))
    found += [
        ("/daily, none", periods.period_table("daily", [], None, "TRY", v, asked=7, first=None)),
        ("summary, yesterday", "\n".join(periods.summary_period_lines(rows["daily"][1], v))),
        (
            "report weekly, daily values",
            periods.period_report_message(
                "weekly",
                rows["weekly"][0],
                [
                    ("report.best", "RENDER", D("123456789.12")),
                    ("report.worst", "MANTRA", D("-98765432.1")),
                ],
                "TRY",
                v,
            ),
        ),
        (
            "report monthly, daily values",
            periods.period_report_message("monthly", rows["monthly"][0], [], "TRY", v),
        ),
        (
            "pnl returns",
            "\n".join(
                periods.returns_lines(
                    [("2026", rows["daily"][0]), (v.t("pnl.returns_all"), rows["daily"][1])],
                    date(2026, 11, 24),
                    v,
                )
            ),
        ),
        ("values loading", periods.values_missing_message(v, back_to=YESTERDAY)),
        ("values loading, start", periods.values_missing_message(v)),
        ("values refused", periods.values_missing_message(v, refused=True)),
        (
            "values unsupported",
            periods.values_missing_message(
                v, unsupported=True, quote="EUR", supported=("TRY", "USDT")
            ),
        ),
        ("values first today", periods.first_day_pending(v)),
        ("values day rule", periods.day_rule(v)),
        (
            "/daily, one trade",
            periods.period_table(
                "daily", [replace(rows["daily"][0], trades=1)], None, "TRY", v, asked=1, first=None
            ),
        ),
        ("chart usage", v.t("chart.usage")),
    ]
    line = ValueLine(
        (), date(2024, 9, 17), date(2026, 11, 24), ("RENDER",), ("MANTRA",), ("ETHW",), ("PEPE",)
    )
    p = portfolio()
    windows: list[tuple[Window, int]] = [("30d", 29), ("90d", 89), ("1y", 364), ("all", 800)]
    for window, back in windows:
        start = date(2026, 11, 24) - timedelta(days=back)
        row = replace(rows["daily"][0], start=start, end=date(2026, 11, 24), trades=1)
        found.append((f"chart caption {window}", chart.chart_caption(p, v, window=(window, row))))
    waiting = replace(
        rows["daily"][0], moved_loading=frozenset({"RENDER"}), fees_loading=frozenset({"RENDER"})
    )
    found.append(
        (
            "/daily, money moved and fees loading",
            periods.period_table("daily", [waiting], None, "TRY", v, asked=1, first=None),
        )
    )
    moved_unknown = replace(rows["daily"][0], unknown=frozenset({"RENDER", "MANTRA"}))
    for name, row in [
        ("market unknown", moved_unknown),
        ("invested loading", replace(rows["daily"][0], invested_loading=frozenset({"RENDER"}))),
        ("invested unvalued", replace(rows["daily"][0], invested_unvalued=frozenset({"PEPE"}))),
    ]:
        found.append((f"chart caption, {name}", chart.chart_caption(p, v, window=("30d", row))))
    found += [
        ("chart caption, why no values", chart.chart_caption(p, v, extra=[v.t("periods.refused")])),
        ("chart value title", chart.value_line_title(line, v.lang)),
        ("chart value note", chart.value_line_note(line, v.lang)),
        ("chart value label", v.t("chart.value_label")),
        ("chart invested label", v.t("chart.invested_label")),
    ]
    return found


FAMILIES: tuple[Callable[[View], Gallery], ...] = (
    guard_replies,
    balance_replies,
    change_alerts,
    order_replies,
    error_replies,
    history_replies,
    summary_replies,
    pnl_replies,
    status_replies,
    settings_replies,
    alert_replies,
    export_replies,
    general_replies,
    direct_replies,
    value_replies,
)


def gallery(code: str) -> Gallery:
    """Return every reply kind in the language `code`, as (name, Telegram HTML)."""
    v = view(code)
    return [item for family in FAMILIES for item in family(v)]
