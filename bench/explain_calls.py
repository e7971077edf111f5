"""History requests per explained change: what EXPLAIN_CHANGES costs the exchange.

The bot polls every second with EXPLAIN_CHANGES=true. First 10 polls with nothing changed,
then buys, deposits and withdrawals made through the fake exchange's ledger (each writes the
history rows that match its balance move). A change's requests are counted from the change
to two polls after its alert, so a follow-up read would be counted too.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from functools import partial

from balance_bot.fakes.exchange import FakeBtcTurk
from bench.harness import (
    ROOT,
    bot_on_fakes,
    wait_replies,
)
from bench.table import Row, not_measured

CHAT = 100200300
POLL_INTERVAL_S = 1
QUIET_POLLS = 10
AFTER_POLLS = 2
ROUNDS = 3  # each round: one buy, one deposit, one withdrawal
TIMEOUT_S = 15.0
HISTORY = ("trades", "crypto", "fiat")
FIGURE = "history requests per explained change"
QUIET_FIGURE = f"history requests over {QUIET_POLLS} polls, nothing changed"
TARGET = f"≤ {len(HISTORY)} (one per history endpoint)"
QUIET_TARGET = "0"


def history_calls(exchange: FakeBtcTurk) -> int:
    """Return how many history requests the fake exchange has answered."""
    return sum(exchange.calls[book] for book in HISTORY)


def operations(exchange: FakeBtcTurk) -> list[tuple[str, Callable[[], object]]]:
    """Return the changes to make, named: buys, deposits and withdrawals in turn."""
    ledger = exchange.ledger
    made: list[tuple[str, Callable[[], object]]] = []
    for index in range(ROUNDS):
        made.append(("buy", partial(ledger.buy, "USDTTRY", f"{10 + index}", "34.5", fills=2)))
        made.append(("deposit", partial(ledger.deposit, "ETH", f"0.{index + 1}")))
        made.append(("withdrawal", partial(ledger.withdraw, "USDT", f"{5 + index}", fee="1")))
    return made


async def wait_polls(exchange: FakeBtcTurk, polls: int) -> None:
    """Wait until the bot has polled `polls` more times."""
    target = exchange.calls["balances"] + polls
    await exchange.wait_until(lambda: exchange.calls["balances"] >= target, timeout=TIMEOUT_S)


async def measure() -> tuple[int, list[tuple[str, int | None]]]:
    """Return the history requests over quiet polls, and per change (None: no alert)."""
    per_change: list[tuple[str, int | None]] = []
    async with bot_on_fakes(
        [CHAT],
        POLL_INTERVAL_SECONDS=str(POLL_INTERVAL_S),
        EXPLAIN_CHANGES="true",
    ) as (telegram, exchange):
        await wait_polls(exchange, 2)
        quiet_from = history_calls(exchange)
        await wait_polls(exchange, QUIET_POLLS)
        quiet = history_calls(exchange) - quiet_from
        for name, operate in operations(exchange):
            since, before = len(telegram.sent), history_calls(exchange)
            operate()
            alerts = await wait_replies(
                telegram, [CHAT], since=since, prefix="🔔", timeout=TIMEOUT_S
            )
            if not alerts:
                per_change.append((name, None))
                continue
            await wait_polls(exchange, AFTER_POLLS)
            per_change.append((name, history_calls(exchange) - before))
    return quiet, per_change


def rows(quiet: int, per_change: Sequence[tuple[str, int | None]]) -> list[Row]:
    """Return the two rows: requests per change (worst and by kind) and over quiet polls."""
    counted = [count for _, count in per_change if count is not None]
    missing = len(per_change) - len(counted)
    if not counted:
        measured = f"no alert within {TIMEOUT_S:.0f} s"
        change_row = Row(FIGURE, measured, TARGET, False)
    else:
        by_kind = {
            name: max(c for _, c in group if c is not None)
            for name, group in itertools.groupby(
                sorted((p for p in per_change if p[1] is not None), key=lambda p: p[0]),
                key=lambda p: p[0],
            )
        }
        kinds = ", ".join(f"{name} {count}" for name, count in sorted(by_kind.items()))
        measured = f"max {max(counted)} over {len(per_change)} changes ({kinds})"
        if missing:
            measured += f", {missing} without alert"
        change_row = Row(FIGURE, measured, TARGET, not missing and max(counted) <= len(HISTORY))
    return [change_row, Row(QUIET_FIGURE, str(quiet), QUIET_TARGET, quiet == 0)]


def explaining_present() -> bool:
    """Tell whether the product explains changes yet."""
    return (ROOT / "balance_bot" / "core" / "explain.py").is_file()


async def run() -> list[Row]:
    """Return the rows of this figure."""
    if not explaining_present():
        return [not_measured(FIGURE, TARGET, "no core/explain.py")]
    quiet, per_change = await measure()
    return rows(quiet, per_change)
