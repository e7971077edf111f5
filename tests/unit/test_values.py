"""The account's daily values rebuilt from its history, and their periods, by hand-worked days.

Days are UTC days; each is valued at its close. The figures below are worked by hand.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, localcontext

from balance_bot.btcturk.models import Balance, Fill, Side, Ticker, Transfer
from balance_bot.core.cost_basis import TransferPrice, transfer_key
from balance_bot.core.day_series import price_series
from balance_bot.core.periods import (
    period_of,
    period_row,
    recent_periods,
    recent_rows,
    span_row,
)
from balance_bot.core.valuation import value_portfolio
from balance_bot.core.values import Incomplete, incomplete, rebuild

D = Decimal
DAY1 = date(2026, 3, 2)  # a Monday


def ms(day: date, hour: int = 12) -> int:
    return int(datetime(day.year, day.month, day.day, hour, tzinfo=UTC).timestamp()) * 1000


def day(n: int) -> date:
    return DAY1 + timedelta(days=n)


class Table:
    """Closes the chart server gave; `answered`: the days it said it has none (all others)."""

    def __init__(
        self, closes: dict[str, dict[date, str]], unread: frozenset[str] = frozenset()
    ) -> None:
        self.closes = {pair: {d: D(c) for d, c in days.items()} for pair, days in closes.items()}
        self.unread = unread

    def own_close(self, pair: str, on: date) -> Decimal | None:
        return self.closes.get(pair, {}).get(on)

    def answered(self, pair: str, on: date) -> bool:
        return pair not in self.unread


def fill(at: int, side: Side, pair: tuple[str, str], amount: str, price: str, fee: str) -> Fill:
    base, quote = pair
    return Fill(f"f{at}", f"o{at}", at, base, quote, side, D(price), D(amount), D(fee), D(0), quote)


def transfer(at: int, kind: str, asset: str, amount: str, fee: str = "0") -> Transfer:
    deposit = kind == "deposit"
    return Transfer(
        f"t{at}",
        "deposit" if deposit else "withdrawal",
        asset,
        at,
        D(amount),
        D(fee),
        D(0),
        asset == "TRY",
    )


def test_a_day_without_its_candle_keeps_the_last_price_marked_estimated() -> None:
    table = Table({"XTRY": {day(0): "10", day(1): "12"}, "XUSDT": {}, "USDTTRY": {}})
    series = price_series(table, "X", "TRY", day(0), day(3))
    assert [(p.price, p.state) for p in series] == [
        (D(10), "close"),
        (D(12), "close"),
        (D(12), "estimated"),  # delisted: the last close known
        (D(12), "estimated"),
    ]
    unread = Table({"XTRY": {day(0): "10"}}, unread=frozenset({"XTRY"}))
    assert price_series(unread, "X", "TRY", day(1), day(1))[0].state == "loading"
    never = Table({})
    assert price_series(never, "X", "TRY", day(0), day(0))[0].state == "none"


def test_an_asset_without_a_pair_of_its_own_goes_through_usdt() -> None:
    table = Table({"GLMRUSDT": {day(0): "0.5"}, "USDTTRY": {day(0): "40"}})
    [price] = price_series(table, "GLMR", "TRY", day(0), day(0))
    assert (price.price, price.state) == (D(20), "close")


def history() -> tuple[list[Fill], list[Transfer], Table]:
    """Three days: 100,000 TRY in; BTC bought, then some USDT with lira and GLMR with USDT;
    a BTC deposit; a lira withdrawal with its fee. The closes move every day."""
    fills = [
        fill(ms(day(0), 10), "buy", ("BTC", "TRY"), "0.01", "3000000", "36"),  # 30,036 TRY
        fill(ms(day(1), 9), "buy", ("USDT", "TRY"), "100", "40", "4.8"),  # 4,004.80 TRY
        fill(ms(day(1), 11), "buy", ("GLMR", "USDT"), "20", "0.5", "0.012"),  # 10.012 USDT
    ]
    transfers = [
        transfer(ms(day(0), 8), "deposit", "TRY", "100000"),
        transfer(ms(day(1), 15), "deposit", "BTC", "0.002"),
        transfer(ms(day(2), 10), "withdrawal", "TRY", "5000", fee="5"),
    ]
    closes = {
        "BTCTRY": {day(0): "3100000", day(1): "3200000", day(2): "3000000"},
        "USDTTRY": {day(0): "40", day(1): "41", day(2): "42"},
        "GLMRUSDT": {day(1): "0.6", day(2): "0.4"},
        "GLMRTRY": {},
    }
    return fills, transfers, Table(closes)


def test_the_values_of_each_day_are_the_units_held_at_its_close() -> None:
    fills, transfers, table = history()
    values = rebuild(fills, transfers, "TRY", table, day(2))
    first, second, third = values.days
    # Day 0: 100,000 in, 0.01 BTC for 30,036: 69,964 TRY + 0.01 x 3,100,000 = 100,964.
    assert (first.value, first.invested, first.moved_in) == (D(100964), D(100000), D(100000))
    assert first.values == {"TRY": D(69964), "BTC": D(31000)}
    assert first.fees == D(36) and len(first.orders) == 1
    # Day 1: TRY 69,964 - 4,004.80 = 65,959.20; BTC 0.012 x 3,200,000 = 38,400;
    # USDT 100 - 10.012 = 89.988 x 41 = 3,689.508; GLMR 20 x 0.6 x 41 = 492.
    assert second.values == {
        "TRY": D("65959.20"),
        "BTC": D(38400),
        "USDT": D("3689.508"),
        "GLMR": D(492),
    }
    assert second.value == D("108540.708")
    # the BTC deposit is valued at its day's close (no price recorded): 0.002 x 3,200,000
    assert second.moved_in == D(6400) and second.invested == D(106400)
    assert second.fees == D("4.8") + D("0.012") * D(41)
    # Day 2: 5,005 TRY out (the fee with it), the closes fell.
    assert (third.moved_out, third.invested) == (D(5005), D(101395))
    assert third.fees == D(5)
    assert third.value == D("60954.20") + D(36000) + D("89.988") * D(42) + D(20) * D("0.4") * D(42)
    assert third.rates == {"USDT": D(42), "BTC": D(3000000)}


def test_a_deposit_is_valued_as_pnl_recorded_it() -> None:
    fills, transfers, table = history()
    seen = {transfer_key(transfers[1]): TransferPrice(D(3150000), "seen")}
    values = rebuild(fills, transfers, "TRY", table, day(2), transfer_prices=seen)
    assert values.days[1].moved_in == D(6300)  # 0.002 x the price the bot saw


def test_a_period_splits_the_change_into_money_moved_and_the_market() -> None:
    fills, transfers, table = history()
    values = rebuild(fills, transfers, "TRY", table, day(2))
    row = period_row(values, "daily", day(1), day(2))
    assert row is not None
    assert row.value_start == D(100964)  # the close of the day before
    assert (row.moved_in, row.moved_out) == (D(6400), D(5005))
    assert row.market == row.value_end - D(100964) - (D(6400) - D(5005))
    assert row.percent == row.market / (D(100964) + D(6400)) * 100
    assert row.trades == 2
    whole = period_row(values, "daily", day(0), day(2))
    assert whole is not None and whole.value_start == 0  # nothing held before the first day
    assert whole.market == whole.value_end - D(101395)


def test_the_market_result_in_dollars_and_bitcoin_takes_each_days_close() -> None:
    fills, transfers, table = history()
    values = rebuild(fills, transfers, "TRY", table, day(2))
    row = period_row(values, "daily", day(1), day(2))
    assert row is not None
    usd, btc = row.units
    with localcontext() as context:
        context.prec = 40  # the precision a value in another unit is kept to
        start = D(100964) / 40
        moved = D(6400) / 41 - D(5005) / 42
        assert usd.unit == "USDT" and usd.market == row.value_end / 42 - start - moved
        assert usd.percent == usd.market / (start + D(6400) / 41) * 100
        btc_start = D(100964) / D(3100000)
        assert btc.market == row.value_end / D(3000000) - btc_start - (
            D(6400) / D(3200000) - D(5005) / D(3000000)
        )


def test_a_delisted_asset_keeps_its_last_price_and_marks_the_days_estimated() -> None:
    fills = [fill(ms(day(0)), "buy", ("X", "TRY"), "10", "100", "0")]
    transfers = [transfer(ms(day(0), 1), "deposit", "TRY", "1000")]
    table = Table({"XTRY": {day(0): "100", day(1): "110"}, "XUSDT": {}, "USDTTRY": {}})
    values = rebuild(fills, transfers, "TRY", table, day(3))
    assert [d.value for d in values.days] == [D(1000), D(1100), D(1100), D(1100)]
    assert [d.estimated for d in values.days] == [set(), set(), {"X"}, {"X"}]
    row = period_row(values, "daily", day(2), day(3))
    assert row is not None and row.estimated == {"X"}


def test_a_price_still_loading_is_left_out_and_named_never_a_zero() -> None:
    fills = [fill(ms(day(0)), "buy", ("X", "TRY"), "10", "100", "0")]
    transfers = [transfer(ms(day(0), 1), "deposit", "TRY", "1000")]
    values = rebuild(fills, transfers, "TRY", Table({}, unread=frozenset({"XTRY"})), day(0))
    [only] = values.days
    assert only.values == {}  # the lira all spent, X not priced yet
    assert only.loading == {"X"} and only.value == 0


def test_units_the_history_does_not_account_for_mark_the_span_from_its_first_record() -> None:
    fills, transfers, table = history()
    values = rebuild(fills, transfers, "TRY", table, day(2))
    held = {"TRY": "60954.20", "BTC": "0.022", "USDT": "89.988", "GLMR": "20", "ETHW": "1"}
    balances = [Balance(a, a, D(v), D(0), D(v), None, 2 if a == "TRY" else 8)
                for a, v in held.items()]  # fmt: skip
    tickers = [Ticker("BTCTRY", "BTC", "TRY", D(3000000))]
    portfolio = value_portfolio(balances, tickers, "TRY", datetime(2026, 3, 5, tzinfo=UTC))
    found = incomplete(values, portfolio)
    # 0.01 BTC more than the history brought in; ETHW, never in the history and without a
    # price, could not be in any day's value: it is not called incomplete
    assert found == (Incomplete("BTC", day(0), D("0.022"), D("0.012")),)
    row = period_row(values, "daily", day(1), day(1), incomplete=found)
    assert row is not None and row.incomplete == {"BTC"}


def test_periods_are_days_weeks_from_monday_and_months() -> None:
    assert period_of("weekly", date(2026, 3, 8)) == (date(2026, 3, 2), date(2026, 3, 8))
    assert period_of("monthly", date(2026, 2, 14)) == (date(2026, 2, 1), date(2026, 2, 28))
    wednesday = date(2026, 3, 4)
    assert recent_periods("weekly", wednesday, 2) == [
        (date(2026, 2, 23), date(2026, 3, 1)),
        (date(2026, 3, 2), wednesday),  # the week so far
    ]
    assert recent_periods("daily", wednesday, 3, first=date(2026, 3, 3)) == [
        (date(2026, 3, 3), date(2026, 3, 3)),
        (wednesday, wednesday),
    ]


def test_the_rows_of_recent_periods_and_their_span_add_up() -> None:
    fills, transfers, table = history()
    values = rebuild(fills, transfers, "TRY", table, day(2))
    rows = recent_rows(values, "daily", 7)
    assert [r.start for r in rows] == [day(0), day(1), day(2)]  # none before the first day
    span = span_row(rows, values)
    assert span is not None
    assert span.market == sum((r.market for r in rows), D(0))
    assert span.fees == sum((r.fees for r in rows), D(0))
    weekly = recent_rows(values, "weekly", 8)
    assert len(weekly) == 1 and weekly[0].partial and weekly[0].end == day(2)


def test_a_market_result_resting_on_an_asset_without_a_price_is_unknown_not_a_loss() -> None:
    """10,000 TRY spent on X, which has no price: the value drops by 10,000, but that is no
    loss the market made. An asset held still without a price changes nothing."""
    fills = [fill(ms(day(1)), "buy", ("X", "TRY"), "10", "1000", "0")]
    transfers = [
        transfer(ms(day(0)), "deposit", "TRY", "20000"),
        transfer(ms(day(0), 13), "deposit", "Y", "5"),  # never priced, never moved again
    ]
    table = Table({"XTRY": {}, "XUSDT": {}, "USDTTRY": {}, "YTRY": {}, "YUSDT": {}})
    values = rebuild(fills, transfers, "TRY", table, day(2))
    assert values.days[1].value == D(10000) and values.days[1].unpriced == {"X", "Y"}
    bought = period_row(values, "daily", day(1), day(1))
    assert bought is not None
    assert bought.unknown == {"X"} and bought.percent is None
    assert all(u.market is None for u in bought.units)
    still = period_row(values, "daily", day(2), day(2))
    assert still is not None and still.unknown == frozenset() and still.market == 0
