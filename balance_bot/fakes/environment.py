"""The environment that points the real bot at the fakes, shared by the demo, tests and bench.

Only the base URLs and the credentials differ from production: the demo's token, key and
secret (fakes/seed.py), which the fakes accept. A bot on the fakes reads no env file
(ENV_FILE=none): a developer's `.env` never changes a test, the demo or the benchmark.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from balance_bot.fakes.seed import DEMO_API_KEY, DEMO_API_SECRET, DEMO_BOT_TOKEN, DEMO_CHAT_ID


def demo_credentials(chat_ids: Iterable[int] = (DEMO_CHAT_ID,)) -> dict[str, str]:
    """Return the demo's token, key and secret, with `chat_ids` allowed."""
    return {
        "TELEGRAM_BOT_TOKEN": DEMO_BOT_TOKEN,
        "BTCTURK_API_KEY": DEMO_API_KEY,
        "BTCTURK_API_SECRET": DEMO_API_SECRET,
        "ALLOWED_CHAT_IDS": ",".join(str(chat_id) for chat_id in chat_ids),
    }


def bot_environment(
    telegram_url: str,
    exchange_url: str,
    data_dir: str | Path,
    chat_ids: Iterable[int] = (DEMO_CHAT_ID,),
    feed_url: str | None = None,
    **overrides: str,
) -> dict[str, str]:
    """Return the variables that point the bot at the fakes; `overrides` are added last.

    Without a fake feed's `feed_url` the WebSocket feed is off: never the real one. No env
    file is read.
    """
    feed = {"BTCTURK_WS_URL": feed_url} if feed_url else {"WEBSOCKET": "off"}
    return (
        demo_credentials(chat_ids)
        | {
            "TELEGRAM_API_URL": telegram_url,
            "BTCTURK_API_URL": exchange_url,
            "BTCTURK_GRAPH_URL": exchange_url,  # the fake exchange serves the candles too
            "DATA_DIR": str(data_dir),
            "ENV_FILE": "none",
        }
        | feed
        | overrides
    )
