"""The bench's building blocks: percentiles, the table, the limits arithmetic, its fakes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from balance_bot.btcturk.parsing import parse_balances, parse_tickers
from balance_bot.config import load_settings
from balance_bot.fakes.telegram_limits import FloodControl
from balance_bot.fakes.telegram_types import SentMessage
from bench import explain_calls, explain_delay, feed_latency
from bench.accounts import account
from bench.fanout import fastest_schedule, limits_allow_s
from bench.harness import QUIET_SUMMARY_TIME, bot_env, fakes, quiet_summary_zone
from bench.serve_exchange import exchange_symbols
from bench.table import Row, duration, mib, ms, not_measured, percentile, render, us

PRIVATE = 500
GROUP = -100500


# Percentiles


def test_percentile_interpolates_between_closest_ranks() -> None:
    values = [4.0, 1.0, 3.0, 2.0]

    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 4.0
    assert percentile(values, 50) == 2.5
    assert percentile(values, 95) == pytest.approx(3.85)


def test_percentile_of_one_value_is_that_value() -> None:
    assert percentile([7.0], 50) == 7.0
    assert percentile([7.0], 95) == 7.0


def test_percentile_of_1_to_100() -> None:
    values = [float(v) for v in range(1, 101)]

    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)


@pytest.mark.parametrize(("values", "p"), [([], 50), ([1.0], -1), ([1.0], 101)])
def test_percentile_refuses_nonsense(values: list[float], p: float) -> None:
    with pytest.raises(ValueError, match="percentile"):
        percentile(values, p)


# The table


def test_table_lines_up_its_columns_and_says_met_or_not() -> None:
    rows = [
        Row("round trip p50", "4.10 ms", "≤ 5.00 ms", True),
        Row("round trip p95", "13.2 ms", "≤ 12.0 ms", False),
        Row("floor", "2.00 ms"),
    ]

    lines = render(rows).splitlines()

    assert lines[0].split("|")[1:-1] == [
        " figure         ",
        " measured ",
        " target    ",
        " met    ",
    ]
    assert set(lines[1]) <= {"|", "-", " "}
    assert len({len(line) for line in lines}) == 1
    assert lines[2].rstrip("| ").endswith("yes")
    assert lines[3].rstrip("| ").endswith("**NO**")
    assert lines[4].split("|")[3:5] == [" —         ", " —      "]


def test_not_measured_says_why_and_has_no_verdict() -> None:
    row = not_measured("fan-out", "≤ 1.2×", "no daily summary")

    assert row == Row("fan-out", "not measured (no daily summary)", "≤ 1.2×", None)
    assert render([row]).splitlines()[2].rstrip("| ").endswith("—")


def test_units() -> None:
    assert ms(0.0041) == "4.10 ms"
    assert ms(0.0132) == "13.2 ms"
    assert ms(0.25) == "250 ms"
    assert us(0.000512) == "512 µs"
    assert mib(80 * 2**20) == "80.0 MiB"


# The time the limits allow (the fake's own limits)


def test_200_private_chats_take_six_seconds_at_30_per_second() -> None:
    assert limits_allow_s(list(range(1, 201)), FloodControl()) == 6.0


@pytest.mark.parametrize(("messages", "seconds"), [(1, 0.0), (30, 0.0), (31, 1.0), (61, 2.0)])
def test_overall_limit_allows_30_in_any_second(messages: int, seconds: float) -> None:
    assert limits_allow_s(list(range(1, messages + 1)), FloodControl()) == seconds


def test_one_chat_gets_a_burst_of_three_then_one_per_second() -> None:
    times = [t for t, _ in fastest_schedule([PRIVATE] * 5, FloodControl())]

    assert times == [0.0, 0.0, 0.0, 1.0, 2.0]


def test_a_group_gets_20_per_minute() -> None:
    assert limits_allow_s([GROUP] * 21, FloodControl()) == 60.0


def test_other_chats_go_while_one_chat_waits() -> None:
    schedule = fastest_schedule([PRIVATE] * 4 + [1, 2], FloodControl())

    assert [chat for t, chat in schedule if t == 0.0] == [PRIVATE, PRIVATE, PRIVATE, 1, 2]
    assert schedule[-1] == (1.0, PRIVATE)


def test_limits_follow_the_fakes_settings() -> None:
    slower = FloodControl(overall_per_second=10)

    assert limits_allow_s(list(range(1, 21)), slower) == 1.0


@pytest.mark.parametrize(
    "chats",
    [
        list(range(1, 201)),
        [PRIVATE] * 6 + list(range(1, 40)),
        [GROUP] * 22 + [GROUP - 1] * 3 + list(range(1, 70)),
    ],
    ids=["200 private", "one busy chat", "groups"],
)
def test_the_fake_accepts_the_fastest_schedule_and_nothing_faster(chats: list[int]) -> None:
    schedule = fastest_schedule(chats, FloodControl())
    clock = [0.0]
    flood = FloodControl(clock=lambda: clock[0])
    for at, chat in schedule:
        clock[0] = at
        assert flood.acquire(chat) is None, f"refused at {at} for chat {chat}"

    # Sent a hair before the schedule says it may be, the first message that waited is refused.
    index = next(i for i, (at, _) in enumerate(schedule) if at > 0)
    early = FloodControl(clock=lambda: clock[0])
    for at, chat in schedule[:index]:
        clock[0] = at
        assert early.acquire(chat) is None
    clock[0] = schedule[index][0] - 1e-6
    assert early.acquire(schedule[index][1]) is not None


# The bench's accounts, exchange info and bot environment


def test_account_of_50_assets_parses_and_every_asset_has_a_price() -> None:
    balances, tickers = account(50)

    parsed = parse_balances(balances)
    as_sent = json.loads(json.dumps(tickers), parse_float=Decimal)  # as the client decodes it
    pairs = {(t.numerator, t.denominator) for t in parse_tickers(as_sent)}
    assert len(parsed) == 50
    assert len({b.asset for b in parsed}) == 50
    added = [b for b in parsed if b.asset_name.startswith("Bench coin")]
    assert len(added) == 50 - len(account(16)[0])
    assert all(b.balance > 0 and (b.asset, "TRY") in pairs for b in added)


def test_account_cannot_shrink_the_demo_account() -> None:
    with pytest.raises(ValueError, match="already has"):
        account(3)


def test_exchange_info_lists_one_symbol_per_ticker() -> None:
    _, tickers = account(20)

    symbols = exchange_symbols(tickers)

    assert [s["name"] for s in symbols] == [t["pair"] for t in tickers]
    assert all(s["numerator"] + s["denominator"] == s["name"] for s in symbols)


@pytest.mark.parametrize("hour", range(24))
def test_quiet_summary_zone_puts_the_summary_hours_away(hour: int) -> None:
    now = datetime(2026, 11, 25, hour, 30, tzinfo=UTC)

    local = now.astimezone(ZoneInfo(quiet_summary_zone(now)))

    assert local.hour < 12
    summary = datetime.combine(local.date(), datetime.strptime(QUIET_SUMMARY_TIME, "%H:%M").time())
    assert summary - local.replace(tzinfo=None) > timedelta(hours=11)


async def test_bot_env_is_a_valid_configuration_pointed_at_the_fakes(tmp_path: Path) -> None:
    async with fakes() as (telegram, exchange):
        env = bot_env(telegram, exchange, tmp_path, [1, -2], POLL_INTERVAL_SECONDS="1")

        settings = load_settings(env)

    assert settings.telegram_api_url == telegram.api_url
    assert settings.btcturk_api_url == exchange.base_url
    assert settings.allowed_chat_ids == frozenset({1, -2})
    assert settings.poll_interval_s == 1
    assert settings.data_dir == tmp_path
    assert not exchange.rate_limit


# The explaining and feed figures' rows


def test_history_requests_are_within_target_only_when_every_change_had_its_alert() -> None:
    counts = [("buy", 3), ("deposit", 2), ("withdrawal", 3)]

    within = explain_calls.rows(0, counts)
    missing = explain_calls.rows(0, [*counts, ("deposit", None)])

    assert within[0].met is True
    assert "buy 3, deposit 2, withdrawal 3" in within[0].measured
    assert within[1] == Row(explain_calls.QUIET_FIGURE, "0", "0", True)
    assert missing[0].met is False
    assert "1 without alert" in missing[0].measured


def test_a_fourth_history_request_or_one_on_a_quiet_poll_misses_the_target() -> None:
    table = explain_calls.rows(1, [("buy", 4)])

    assert [row.met for row in table] == [False, False]


def test_the_delay_explaining_adds_is_taken_from_the_poll_not_the_change() -> None:
    off = [(0.9, 0.010), (0.2, 0.012), (0.5, 0.014)]
    on = [(0.3, 0.030), (0.8, 0.032), (0.6, 0.034)]

    table = explain_delay.rows(off, on, [(2.5, 2.0)])

    added = table[2]
    assert added.measured.startswith("+20 ms at p50, +20 ms at p95")
    assert added.met is True
    assert table[3].measured.startswith("p50 2500 ms")


def test_a_missing_alert_fails_the_added_delay() -> None:
    table = explain_delay.rows([(0.5, 0.01)], [(0.5, 0.01), None], [])

    assert table[2].met is False
    assert "1 without alert" in table[1].measured
    assert table[3].measured.startswith("no alert")


def _message(text: str, at: float) -> SentMessage:
    return SentMessage("sendMessage", 1, 1, text, text, None, None, None, None, at)


def test_each_event_is_timed_to_the_first_message_after_it_that_lists_its_asset() -> None:
    sent = [
        _message("🔔 Balance changed\nXAA 1 → 2\n    +1 XAA", 10.0),
        _message("🔔 Balance changed\nXAB 1 → 2\nXAAB 3 → 4\nXAA 2 → 3", 70.0),
    ]

    assert feed_latency.first_listing(sent, "XAA", 5.0) == 10.0
    assert feed_latency.first_listing(sent, "XAA", 11.0) == 70.0
    assert feed_latency.first_listing(sent, "XAB", 5.0) == 70.0
    assert feed_latency.first_listing(sent, "XAC", 5.0) is None


def test_the_feed_row_needs_every_event_alerted_within_two_seconds_at_p95() -> None:
    fast = [0.1 * n for n in range(1, 11)]

    assert feed_latency.rows(fast, [30.0])[0].met is True
    assert feed_latency.rows([*fast, None], [30.0])[0].met is False
    assert feed_latency.rows([3.0] * 10, [30.0])[0].met is False
    assert feed_latency.rows(fast, [30.0, None])[1].met is None


def test_durations_from_10_s_are_told_in_seconds() -> None:
    assert duration(0.0164) == "16.4 ms"
    assert duration(9.5) == "9500 ms"
    assert duration(29.067) == "29.1 s"
