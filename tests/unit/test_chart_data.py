from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from balance_bot.core.chart_data import (
    OTHER,
    LineGap,
    Slice,
    allocation,
    history_points,
    history_since,
    line_gap,
    read_window,
    value_line,
)
from balance_bot.core.i18n import View, get_lang
from balance_bot.core.summary import DailyPortfolio
from balance_bot.core.texts.chart import MAX_CAPTION, chart_caption
from balance_bot.core.valuation import Portfolio, Position, value_portfolio
from balance_bot.core.values import DayValue, Incomplete, ValueHistory
from tests.kit.account import AS_OF, documented_balances, documented_tickers

ISTANBUL = ZoneInfo("Europe/Istanbul")
NOW = datetime(2026, 11, 25, 11, 40, tzinfo=UTC)
TODAY = date(2026, 11, 25)


def holding(asset: str, value: str | None) -> Position:
    worth = None if value is None else Decimal(value)
    return Position(asset, asset, Decimal(1), Decimal(1), Decimal(0), 8, worth, worth)


def portfolio_of(**values: str | None) -> Portfolio:
    positions = tuple(holding(asset, value) for asset, value in values.items())
    total = sum((p.value for p in positions if p.value is not None), Decimal(0))
    return Portfolio("TRY", positions, total, AS_OF, dict.fromkeys(values, 8), {})


def view(language: str = "en") -> View:
    return View(get_lang(language), ISTANBUL, NOW)


def shares(slices: list[Slice]) -> Decimal:
    return sum((s.percent for s in slices), Decimal(0))


def test_assets_under_one_percent_are_grouped_as_other_last() -> None:
    portfolio = portfolio_of(USDT="30", BTC="50", ETH="19.1", SHIB="0.5", XRP="0.4")

    slices = allocation(portfolio)

    assert [(s.label, s.value, s.assets) for s in slices] == [
        ("BTC", Decimal("50"), 1),
        ("USDT", Decimal("30"), 1),
        ("ETH", Decimal("19.1"), 1),
        (OTHER, Decimal("0.9"), 2),
    ]
    assert [s.percent for s in slices] == [
        Decimal("50.00"), Decimal("30.00"), Decimal("19.10"), Decimal("0.90")
    ]  # fmt: skip


def test_exactly_one_percent_keeps_its_own_bar() -> None:
    slices = allocation(portfolio_of(BTC="99", XRP="1"))

    assert [s.label for s in slices] == ["BTC", "XRP"]


def test_no_other_when_every_asset_is_big_enough() -> None:
    slices = allocation(portfolio_of(BTC="60", ETH="40"))

    assert OTHER not in [s.label for s in slices]


@pytest.mark.parametrize(
    "values",
    [
        ["1", "1", "1"],
        ["2", "1", "1", "1", "1", "1", "1"],
        ["1000000", "3", "3", "3", "0.0001"],
        ["9.7502186644553258", "0.0000000001", "123.456789"],
    ],
)
def test_percentages_add_up_to_exactly_one_hundred(values: list[str]) -> None:
    portfolio = portfolio_of(**{f"A{i}": value for i, value in enumerate(values)})

    slices = allocation(portfolio)

    assert shares(slices) == Decimal("100.00")
    assert all(s.percent == s.percent.quantize(Decimal("0.01")) for s in slices)


def test_thirds_give_the_spare_cent_to_the_first_slice() -> None:
    slices = allocation(portfolio_of(A="1", B="1", C="1"))

    assert [(s.label, s.percent) for s in slices] == [
        ("A", Decimal("33.34")), ("B", Decimal("33.33")), ("C", Decimal("33.33"))
    ]  # fmt: skip


def test_many_big_assets_are_capped_so_a_phone_can_read_the_bars() -> None:
    portfolio = portfolio_of(**{f"C{i:02}": str(100 - i) for i in range(40)})

    slices = allocation(portfolio, max_slices=12)

    assert len(slices) == 12
    assert [s.label for s in slices[:11]] == [f"C{i:02}" for i in range(11)]
    assert (slices[-1].label, slices[-1].assets) == (OTHER, 29)
    assert sum((s.value for s in slices), Decimal(0)) == portfolio.total
    assert shares(slices) == Decimal("100.00")


def test_unpriced_and_worthless_holdings_are_left_out() -> None:
    slices = allocation(portfolio_of(BTC="10", ETHW=None, DUST="0"))

    assert [(s.label, s.percent) for s in slices] == [("BTC", Decimal("100.00"))]


def test_empty_portfolio_has_no_slices() -> None:
    assert allocation(portfolio_of()) == []
    assert allocation(portfolio_of(ETHW=None)) == []


def test_documented_account_is_mostly_bitcoin() -> None:
    portfolio = value_portfolio(documented_balances(), documented_tickers(), "TRY", AS_OF)

    slices = allocation(portfolio)

    assert [(s.label, s.percent, s.assets) for s in slices] == [
        ("BTC", Decimal("99.74"), 1), (OTHER, Decimal("0.26"), 3)
    ]  # fmt: skip
    assert slices[0].value == Decimal("9.7502186644553258") * 3500000  # exact, not rounded


def daily(day: date, total: str) -> DailyPortfolio:
    return DailyPortfolio(day, Decimal(total), {})


def test_history_keeps_the_last_thirty_days_oldest_first() -> None:
    days = [TODAY - timedelta(days=n) for n in range(45)]
    stored = [daily(day, str(1000 + n)) for n, day in enumerate(days)]
    stored.reverse()
    stored.insert(3, daily(TODAY + timedelta(days=1), "1"))  # a clock that jumped: not shown

    points = history_points(stored, TODAY)

    assert len(points) == 30
    assert [p.day for p in points] == sorted(days[:30])
    assert points[0].day == TODAY - timedelta(days=29) == history_since(TODAY)
    assert (points[-1].day, points[-1].total) == (TODAY, Decimal(1000))


def test_history_with_gaps_and_few_days() -> None:
    stored = [daily(TODAY - timedelta(days=40), "5"), daily(TODAY - timedelta(days=3), "7")]

    assert [(p.day, p.total) for p in history_points(stored, TODAY)] == [
        (TODAY - timedelta(days=3), Decimal(7))
    ]
    assert history_points([], TODAY) == []


FIRST_RECORD = date(2024, 9, 17)


def test_a_fresh_install_says_why_the_line_is_empty_and_where_the_history_starts() -> None:
    gap = line_gap([], TODAY, history_from=FIRST_RECORD)

    assert gap == LineGap(kept=0, kept_from=None, history_from=FIRST_RECORD)
    assert gap.empty


def test_a_line_that_starts_after_its_first_day_is_short_and_says_since_when() -> None:
    kept = [daily(TODAY - timedelta(days=n), "7") for n in (4, 2, 0)]

    gap = line_gap(history_points(kept, TODAY), TODAY, history_from=FIRST_RECORD)

    assert gap == LineGap(kept=3, kept_from=TODAY - timedelta(days=4), history_from=FIRST_RECORD)
    assert gap is not None and not gap.empty


def test_a_line_over_all_its_days_needs_no_word() -> None:
    kept = [daily(TODAY - timedelta(days=n), "7") for n in range(30)]

    assert line_gap(history_points(kept, TODAY), TODAY, history_from=FIRST_RECORD) is None


def test_a_history_younger_than_the_line_is_not_named_and_a_lost_price_is() -> None:
    kept = [daily(TODAY - timedelta(days=n), "7") for n in (5, 1)]
    points = history_points(kept, TODAY)

    gap = line_gap(points, TODAY, history_from=TODAY - timedelta(days=2), unpriced=["GLMR"])

    assert gap == LineGap(2, TODAY - timedelta(days=5), None, ("GLMR",))


def test_caption_gives_the_total_and_the_time_of_the_data() -> None:
    portfolio = value_portfolio(documented_balances(), documented_tickers(), "TRY", AS_OF)

    assert chart_caption(portfolio, view()) == (
        "📊 Portfolio: <b>34,215,249.83 TRY</b> · 14:32 (Istanbul)"
    )
    assert chart_caption(portfolio, view("tr")) == (
        "📊 Portföy: <b>34.215.249,83 TRY</b> · 14:32 (İstanbul)"
    )


def test_caption_names_assets_without_a_price_and_stays_within_telegrams_limit() -> None:
    assert chart_caption(portfolio_of(BTC="10", ETHW=None), view()).splitlines()[1] == (
        "ℹ️ No TRY price for ETHW."
    )
    crowded = portfolio_of(BTC="10", **{f"NOPRICE{i:03}": None for i in range(200)})

    caption = chart_caption(crowded, view())

    assert len(caption) <= MAX_CAPTION
    assert caption.startswith("📊 Portfolio: <b>10.00 TRY</b>")


# The daily values' line: its window, and the days it draws


@pytest.mark.parametrize(
    ("typed", "window"),
    [([], "30d"), (["90D"], "90d"), (["90g"], "90d"), (["1y"], "1y"), (["ALL"], "all"),
     (["hepsi"], "all"), (["Tümü"], "all"), (["2w"], None), (["30d", "x"], None)],
)  # fmt: skip
def test_a_window_is_read_in_either_language_and_any_case(
    typed: list[str], window: str | None
) -> None:
    assert read_window(typed) == window


def day_value(day: date, value: int) -> DayValue:
    return DayValue(day, Decimal(value), Decimal(100))


def test_the_line_starts_at_the_window_or_the_first_day_and_leaves_loading_days_out() -> None:
    first = TODAY - timedelta(days=40)
    days = tuple(day_value(first + timedelta(days=n), 100 + n) for n in range(40))
    loading = replace(days[-2], loading=frozenset({"LUNA"}))
    values = ValueHistory("TRY", (*days[:-2], loading, days[-1]), {}, {}, first, days[-1].day)
    late = (Incomplete("BTC", TODAY - timedelta(days=3), Decimal(2), Decimal(1)),)

    month = value_line(values, "30d", late)
    whole = value_line(values, "all")

    assert month is not None and whole is not None
    assert month.start == TODAY - timedelta(days=30) and whole.start == first
    assert len(month.points) == 29  # 30 days, the one still loading not drawn
    assert month.loading == ("LUNA",)
    since = TODAY - timedelta(days=3)
    assert all(p.incomplete == (p.day >= since) for p in month.points)
    assert month.incomplete == ("BTC",)
    assert all(p.invested == 100 for p in whole.points)
    assert value_line(ValueHistory("TRY", (), {}, {}, None, TODAY), "30d") is None


def test_a_span_of_days_is_written_in_the_readers_language() -> None:
    english, turkish = get_lang("en"), get_lang("tr")
    assert english.day_span(date(2026, 11, 23), date(2026, 11, 29)) == "23–29 Nov"
    assert english.day_span(date(2026, 10, 26), date(2026, 11, 1)) == "26 Oct–1 Nov"
    assert turkish.day_span(date(2026, 10, 26), date(2026, 11, 1)) == "26 Eki–1 Kas"
    assert turkish.month_year(date(2026, 11, 1)) == "Kasım 2026"
    assert english.weekday_day(date(2026, 11, 24)) == "Tue 24 Nov"
