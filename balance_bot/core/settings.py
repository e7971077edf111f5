"""What the bot runs with: one frozen Settings, read from the environment by `config.py`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

from balance_bot.core.notify import Level
from balance_bot.core.quiet import QuietHours


@dataclass(frozen=True)
class Settings:
    """Everything the bot needs to run. Secrets are left out of repr()."""

    telegram_bot_token: str = field(repr=False)
    allowed_chat_ids: frozenset[int]
    btcturk_api_key: str = field(repr=False)
    btcturk_api_secret: str = field(repr=False)
    telegram_api_url: str = "https://api.telegram.org"
    btcturk_api_url: str = "https://api.btcturk.com"
    btcturk_ws_url: str = "wss://ws-feed-pro.btcturk.com"
    websocket: bool = True  # WEBSOCKET=auto: use the private feed when the key may
    feed_poll_interval_s: int = 300  # the safety poll while the feed is healthy
    quote_currency: str = "TRY"
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Istanbul"))
    data_dir: Path = Path("data")
    log_level: str = "INFO"
    poll_interval_s: int = 60
    notify_order_changes: Level = Level.SILENT  # how a chat hears orders placed or cancelled
    explain_changes: bool = True  # read the history to say why a balance changed
    daily_summary_time: time = time(9, 0)
    summary_chart: bool = False
    btcturk_timeout_s: float = 10.0
    key_retry_s: int = 5
    language: str = "tr"
    quiet_hours: QuietHours | None = None
    log_format: str = "text"
    allowed_user_ids: frozenset[int] = frozenset()  # empty: every member of an allowed group acts
    group_members: str = "read"  # what other members of an allowed group may do: read or none
    reports: frozenset[str] = frozenset({"daily"})  # daily, weekly, monthly
    cost_basis: str = "average"  # how /pnl pools an asset's purchases: average or fifo
    btcturk_graph_url: str = "https://graph-api.btcturk.com"  # daily candles (public)
    history_backfill_delay_s: int = 120  # the history is read once start-up has settled
    history_backfill_pace_s: int = 1  # between windows, so the poll's requests find room
    exchange_status_interval_s: int = 300  # BTCTurk's status of coins and pairs, read this often

    @property
    def telegram_base_url(self) -> str:
        """Return the Bot API base URL, to which the library appends the token."""
        return f"{self.telegram_api_url}/bot"

    @property
    def secrets(self) -> tuple[str, ...]:
        """Return the values that must never appear in a log line or a message."""
        return (self.telegram_bot_token, self.btcturk_api_secret, self.btcturk_api_key)
