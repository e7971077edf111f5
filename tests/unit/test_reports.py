"""Weekly and monthly reports: the periods, their figures, and one report per period per chat."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from balance_bot.core.i18n import View, get_lang
from balance_bot.core.reports import period_figures, period_start, previous_start
from balance_bot.core.summary import DailyPortfolio
from balance_bot.core.texts.reports import report_message
from balance_bot.services.reports import Reports
from balance_bot.services.roster import Roster
from balance_bot.store.store import Store
from tests.kit.clocks import FakeClock
from tests.kit.env import ALLOWED_CHAT, ALLOWED_GROUP
from tests.kit.services import chat_views, open_store, unit_settings

D = Decimal
MONDAY = date(2026, 11, 30)


def daily(day: date, **values: str) -> DailyPortfolio:
    amounts = {asset: D(v) for asset, v in values.items()}
    return DailyPortfolio(day=day, total=sum(amounts.values(), D(0)), values=amounts)


def test_a_week_starts_on_monday_and_a_month_on_the_first() -> None:
    assert period_start("weekly", date(2026, 12, 2)) == MONDAY
    assert period_start("weekly", MONDAY) == MONDAY
    assert previous_start("weekly", MONDAY) == date(2026, 11, 23)
    assert period_start("monthly", date(2026, 12, 17)) == date(2026, 12, 1)
    assert previous_start("monthly", date(2026, 1, 1)) == date(2025, 12, 1)
    with pytest.raises(ValueError, match="not a report kind"):
        period_start("daily", MONDAY)


def test_the_figures_compare_both_ends_and_name_the_best_and_worst_asset() -> None:
    history = [
        daily(date(2026, 11, 22), BTC="900", TRY="100"),  # before the period: ignored
        daily(date(2026, 11, 23), BTC="1000", TRY="200", USDT="300"),
        daily(date(2026, 11, 27), BTC="5000", TRY="5", USDT="5"),  # the middle does not count
        daily(MONDAY, BTC="1200", TRY="250", USDT="100"),
        daily(date(2026, 12, 1), BTC="9999"),  # after the period: ignored
    ]

    figures = period_figures(history, date(2026, 11, 23), MONDAY)

    assert figures is not None
    assert (figures.first.day, figures.last.day) == (date(2026, 11, 23), MONDAY)
    assert figures.change == D("50")
    assert figures.percent == D("50") / D("1500") * 100
    assert figures.best is not None and figures.best.asset == "BTC"
    assert figures.best.change == D("200")
    assert figures.worst is not None and figures.worst.asset == "USDT"
    assert figures.worst.change == D("-200")


def test_a_missing_first_day_uses_the_earliest_value_of_the_period() -> None:
    history = [daily(date(2026, 11, 25), BTC="100"), daily(MONDAY, BTC="150")]
    figures = period_figures(history, date(2026, 11, 23), MONDAY)
    assert figures is not None and figures.first.day == date(2026, 11, 25)
    assert figures.worst is None  # one asset: it is only the best


def test_fewer_than_two_days_give_no_figures() -> None:
    assert period_figures([], date(2026, 11, 23), MONDAY) is None
    assert period_figures([daily(MONDAY, BTC="1")], date(2026, 11, 23), MONDAY) is None


def test_an_asset_sold_in_the_period_counts_as_a_loss() -> None:
    history = [daily(date(2026, 11, 23), BTC="100", ETH="50"), daily(MONDAY, BTC="160")]
    figures = period_figures(history, date(2026, 11, 23), MONDAY)
    assert figures is not None and figures.worst is not None
    assert (figures.worst.asset, figures.worst.after) == ("ETH", D(0))


def test_the_weekly_text_shows_the_total_change_best_and_worst() -> None:
    history = [
        daily(date(2026, 11, 23), BTC="1000", TRY="200"),
        daily(MONDAY, BTC="1100", TRY="100"),
    ]
    figures = period_figures(history, date(2026, 11, 23), MONDAY)
    assert figures is not None
    view = View(get_lang("en"), UTC, datetime(2026, 11, 30, 9, tzinfo=UTC))

    text = report_message("weekly", date(2026, 11, 23), MONDAY, figures, "TRY", view)

    assert "Weekly report" in text and "23 Nov" in text and "30 Nov" in text
    assert "1,200.00 TRY" in text
    assert "= +0.00 TRY (+0.00%)" in text
    assert "Best: BTC ▲ +100.00 TRY (+10.00%)" in text
    assert "Worst: TRY ▼ -100.00 TRY (-50.00%)" in text


def test_the_monthly_text_names_the_month_in_the_chat_language() -> None:
    history = [daily(date(2026, 11, 1), BTC="100"), daily(date(2026, 12, 1), BTC="150")]
    figures = period_figures(history, date(2026, 11, 1), date(2026, 12, 1))
    assert figures is not None
    view = View(get_lang("tr"), UTC, datetime(2026, 12, 1, 9, tzinfo=UTC))
    text = report_message("monthly", date(2026, 11, 1), date(2026, 12, 1), figures, "TRY", view)
    assert "Aylık rapor — Kasım 2026" in text


async def _reports(store: Store, tmp_path: Path, clock: FakeClock, reports: str) -> Reports:
    settings = unit_settings(tmp_path, REPORTS=reports)
    roster = Roster(settings.allowed_chat_ids)
    return Reports(settings, store, chat_views(store, settings, clock), clock, roster)


async def _summaries_sent(store: Store, day: date) -> None:
    for chat_id in (ALLOWED_CHAT, ALLOWED_GROUP):
        await store.record_summary(chat_id, day, [])


async def _report_texts(store: Store) -> list[tuple[int, str]]:
    rows = await store.db.run(
        lambda conn: conn.execute(
            "SELECT chat_id, text FROM outbox WHERE kind = 'report' ORDER BY id"
        ).fetchall()
    )
    return [(chat_id, text) for chat_id, text in rows]


async def test_a_weekly_report_goes_once_per_chat_after_monday_s_summary(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 11, 30, 5, 0, tzinfo=UTC))  # Monday 08:00 in Istanbul
    async with open_store(tmp_path, clock) as store:
        await store.save_daily_portfolio(daily(date(2026, 11, 23), BTC="1000"))
        await store.save_daily_portfolio(daily(MONDAY, BTC="1100"))
        reports = await _reports(store, tmp_path, clock, "daily,weekly")

        assert await reports.send_due() == 0  # before the summary time
        clock.advance(hours=1, minutes=1)
        assert await reports.send_due() == 0  # the day's summary has not gone yet
        await _summaries_sent(store, MONDAY)
        assert await reports.send_due() == 2
        assert await reports.send_due() == 0

        again = await _reports(store, tmp_path, clock, "daily,weekly")  # a restart
        clock.advance(days=1)
        await _summaries_sent(store, MONDAY + timedelta(days=1))
        assert await again.send_due() == 0

        texts = await _report_texts(store)
    assert sorted(chat for chat, _ in texts) == sorted([ALLOWED_CHAT, ALLOWED_GROUP])
    assert all("Weekly report" in text and "+10.00%" in text for _, text in texts)


async def test_no_report_is_owed_unless_reports_lists_it(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 12, 1, 7, 0, tzinfo=UTC))  # Tuesday the 1st, 10:00
    async with open_store(tmp_path, clock) as store:
        await store.save_daily_portfolio(daily(date(2026, 11, 1), BTC="1000"))
        await store.save_daily_portfolio(daily(date(2026, 12, 1), BTC="900"))
        await _summaries_sent(store, date(2026, 12, 1))

        assert await (await _reports(store, tmp_path, clock, "daily")).send_due() == 0
        assert await (await _reports(store, tmp_path, clock, "monthly")).send_due() == 2

        texts = await _report_texts(store)
    assert all("Monthly report — November 2026" in text for _, text in texts)


async def test_a_period_without_two_values_is_skipped_without_a_message(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 11, 30, 7, 0, tzinfo=UTC))
    async with open_store(tmp_path, clock) as store:
        await store.save_daily_portfolio(daily(MONDAY, BTC="1100"))
        await _summaries_sent(store, MONDAY)
        reports = await _reports(store, tmp_path, clock, "weekly")

        assert await reports.send_due() == 0
        assert await _report_texts(store) == []
        marked = await store.chat_settings(ALLOWED_CHAT)
    assert marked.last_weekly_report == MONDAY  # not asked again this week
