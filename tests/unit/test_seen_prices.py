"""The prices a check read when it saw a change: what it keeps, and which records they value."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from balance_bot.btcturk.models import Balance, Fill, Ticker, Transfer
from balance_bot.core.changes import BalanceChange
from balance_bot.core.cost_basis import TransferPrice
from balance_bot.core.seen_prices import (
    SLACK_MS,
    Seen,
    SeenWindow,
    fill_rates_seen,
    seen_window,
    spans_around,
    transfer_prices_seen,
)
from balance_bot.core.valuation import Portfolio, value_portfolio

D = Decimal
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
END = int(NOW.timestamp() * 1000)
START = END - 600_000  # checks ten minutes apart
TEN = 600_000


def portfolio(prices: bool = True) -> Portfolio:
    balances = [Balance(a, a, D(1), D(0), D(1), None, 8) for a in ("BTC", "USDT", "TRY", "XRP")]
    tickers = [
        Ticker("BTCTRY", "BTC", "TRY", D(3600000)),
        Ticker("USDTTRY", "USDT", "TRY", D(34)),
    ]
    return value_portfolio(balances, tickers if prices else None, "TRY", NOW)


def change(asset: str, old: str, new: str) -> BalanceChange:
    return BalanceChange(asset, 8, D(old), D(new), D(0), D(0))


def test_a_check_keeps_the_prices_of_what_changed_and_of_the_currencies_trades_are_paid_in() -> (
    None
):
    changes = [change("BTC", "1", "1.01"), change("XRP", "5", "5"), change("TRY", "10", "9")]
    window = seen_window(changes, portfolio(), NOW - timedelta(minutes=10), NOW)
    assert window == SeenWindow(
        "TRY",
        START,
        END,
        {"BTC": Seen(D(3600000), D("0.01")), "USDT": Seen(D(34), D(0))},  # XRP has no price
    )


def test_a_check_keeps_nothing_it_cannot_tell_the_time_of() -> None:
    moved = [change("BTC", "1", "1.01")]
    long_ago = NOW - timedelta(minutes=31)  # the bot was stopped: not "at the time"
    assert seen_window(moved, portfolio(), long_ago, NOW) is None
    assert seen_window(moved, portfolio(prices=False), NOW - timedelta(minutes=1), NOW) is None
    order_only = [BalanceChange("BTC", 8, D(1), D(1), D(0), D("0.5"))]
    assert seen_window(order_only, portfolio(), NOW - timedelta(minutes=1), NOW) is None


def deposit(at_ms: int, amount: str, asset: str = "BTC", kind: str = "deposit") -> Transfer:
    return Transfer(f"T{at_ms}", kind, asset, at_ms, D(amount), D(0), D(0), False)  # type: ignore[arg-type]


def test_a_deposit_takes_the_price_of_the_window_that_saw_its_asset_rise_by_its_amount() -> None:
    first = SeenWindow("TRY", START, END, {"BTC": Seen(D(100), D("0.5"))})
    second = SeenWindow("TRY", END, END + TEN, {"BTC": Seen(D(101), D("0.01"))})
    fell = SeenWindow("TRY", END + TEN, END + 2 * TEN, {"BTC": Seen(D(102), D("-1"))})
    windows = [first, second, fell]
    near_the_end = deposit(END - 1_000, "0.01")  # in both, with the slack: the amount decides
    inside = deposit(START + 1_000, "0.2")  # a rise of another size: the window holding it
    when_it_fell = deposit(END + TEN + TEN // 2, "0.3")
    far = deposit(END + 2 * TEN + SLACK_MS + 1, "1")
    found = transfer_prices_seen([near_the_end, inside, when_it_fell, far], windows)
    assert found == {
        ("crypto", near_the_end.id): TransferPrice(D(101), "seen"),
        ("crypto", inside.id): TransferPrice(D(100), "seen"),
    }
    withdrawal = deposit(END + TEN + TEN // 2, "1", kind="withdrawal")
    assert transfer_prices_seen([withdrawal], windows) == {
        ("crypto", withdrawal.id): TransferPrice(D(102), "seen")
    }


def test_a_fill_takes_the_rate_read_by_the_check_that_saw_it() -> None:
    def fill(at_ms: int) -> Fill:
        return Fill(f"F{at_ms}", "o", at_ms, "BTC", "USDT", "buy", D(1), D(1), D(0), D(0), "USDT")

    saw = SeenWindow("TRY", START, END, {"BTC": Seen(D(100), D(1)), "USDT": Seen(D(34), D(0))})
    rate_only = SeenWindow("TRY", END, END + TEN, {"USDT": Seen(D(35), D(0))})
    seen, unseen = fill(START + 10), fill(END + TEN // 2)
    assert fill_rates_seen([seen, unseen], [saw, rate_only]) == {
        seen.id: TransferPrice(D(34), "seen")
    }


def test_the_windows_looked_up_are_the_spans_around_the_records() -> None:
    longest = 30 * 60_000
    assert spans_around([10_000_000, 10_000_500, 90_000_000]) == [
        (10_000_000 - SLACK_MS, 10_000_500 + SLACK_MS + longest),
        (90_000_000 - SLACK_MS, 90_000_000 + SLACK_MS + longest),
    ]
