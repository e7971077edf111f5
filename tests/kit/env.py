"""The environment of the bot under test: both fakes, two allowed chats, English."""

from __future__ import annotations

from pathlib import Path

from balance_bot.fakes.environment import bot_environment
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.seed import DEMO_CHAT_ID
from balance_bot.fakes.telegram import FakeTelegram

ALLOWED_CHAT = DEMO_CHAT_ID
ALLOWED_GROUP = -1001234567890


def environment_on_fakes(
    exchange: FakeBtcTurk, telegram: FakeTelegram, data_dir: Path, **overrides: str
) -> dict[str, str]:
    """Return the variables of a bot on the fakes; no scheduled poll for an hour.

    Changes go unexplained (EXPLAIN_CHANGES=false): most tests move balances by hand, with no
    history behind them; the history's own tests turn it on.
    """
    env = bot_environment(
        telegram.api_url,
        exchange.base_url,
        data_dir,
        (ALLOWED_CHAT, ALLOWED_GROUP),
        POLL_INTERVAL_SECONDS="3600",
        LANGUAGE="en",
        EXPLAIN_CHANGES="false",
    )
    return env | overrides
