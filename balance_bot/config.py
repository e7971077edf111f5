"""Settings from the environment (and `.env`), checked once at start-up.

`Settings` itself lives in `core.settings`, so the services below can take it.

The env file is `.env` in the working directory (`make run` starts the bot in the checkout),
never one beside the code or in a parent directory; `ENV_FILE` names another, and
`ENV_FILE=none` reads none (tests and the benchmark run the bot so: a developer's `.env`
never changes them). Variables already in the environment win over the file's.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from balance_bot.core.notify import Level
from balance_bot.core.quiet import QuietHours
from balance_bot.core.settings import Settings as Settings

ENV_FILE = "ENV_FILE"  # the variable naming the env file
DEFAULT_ENV_FILE = ".env"
NO_ENV_FILE = "none"
CREDENTIAL_VARIABLES = ("TELEGRAM_BOT_TOKEN", "BTCTURK_API_KEY", "BTCTURK_API_SECRET")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
REPORT_KINDS = ("daily", "weekly", "monthly")
_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]{20,}")
_CURRENCY = re.compile(r"[A-Z0-9]{2,10}")
_CLOCK_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


class ConfigError(Exception):
    """A variable is missing or malformed; the message names it and never shows its value."""

    def __init__(self, variable: str, problem: str, *, missing: bool = False) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.missing = missing  # not set at all: perhaps no .env was found


def read_environment(environ: Mapping[str, str], cwd: Path | None = None) -> dict[str, str]:
    """Return `environ` over the variables of its env file (ENV_FILE, else `.env`, in `cwd`,
    by default the working directory); ConfigError when a file ENV_FILE names is unreadable."""
    named = environ.get(ENV_FILE, "").strip()
    if named.lower() == NO_ENV_FILE:
        return dict(environ)
    path = (cwd or Path.cwd()) / (named or DEFAULT_ENV_FILE)
    if not named and not path.is_file():
        return dict(environ)
    try:
        with path.open(encoding="utf-8") as stream:
            values = dotenv_values(stream=stream)
    except (OSError, UnicodeDecodeError) as error:
        problem = f"cannot read {str(path)[:80]!r} ({type(error).__name__})"
        raise ConfigError(ENV_FILE if named else DEFAULT_ENV_FILE, problem) from None
    return {k: v for k, v in values.items() if v is not None} | dict(environ)


def missing_env_file(environ: Mapping[str, str], cwd: Path | None = None) -> str | None:
    """Return the line telling a new user where the settings go when no `.env` is in `cwd`
    (by default the working directory) and ENV_FILE names none; else None."""
    if environ.get(ENV_FILE, "").strip():
        return None
    where = cwd or Path.cwd()
    if (where / DEFAULT_ENV_FILE).is_file():
        return None
    return f"No {DEFAULT_ENV_FILE} file in {where}: copy .env.example to .env there and fill it in."


def load_settings(env: Mapping[str, str]) -> Settings:
    """Build Settings from `env`, raising ConfigError for the first bad variable."""
    reader = EnvReader(env)
    return Settings(
        telegram_bot_token=reader.token("TELEGRAM_BOT_TOKEN"),
        allowed_chat_ids=reader.chat_ids("ALLOWED_CHAT_IDS"),
        btcturk_api_key=reader.required("BTCTURK_API_KEY"),
        btcturk_api_secret=reader.base64_secret("BTCTURK_API_SECRET"),
        telegram_api_url=reader.url("TELEGRAM_API_URL", "https://api.telegram.org"),
        btcturk_api_url=reader.url("BTCTURK_API_URL", "https://api.btcturk.com"),
        btcturk_ws_url=reader.url("BTCTURK_WS_URL", "wss://ws-feed-pro.btcturk.com", scheme="wss?"),
        websocket=reader.choice("WEBSOCKET", "auto", ("auto", "off")) == "auto",
        feed_poll_interval_s=reader.integer(
            "FEED_POLL_INTERVAL_SECONDS", 300, minimum=1, maximum=86_400
        ),
        quote_currency=reader.currency("QUOTE_CURRENCY", "TRY"),
        timezone=reader.zone("TIMEZONE", "Europe/Istanbul"),
        data_dir=reader.data_dir(),
        log_level=reader.choice("LOG_LEVEL", "INFO", LOG_LEVELS),
        poll_interval_s=reader.poll_interval(),
        notify_order_changes=reader.level("NOTIFY_ORDER_CHANGES", Level.SILENT),
        explain_changes=reader.boolean("EXPLAIN_CHANGES", True),
        daily_summary_time=reader.clock_time("DAILY_SUMMARY_TIME", "09:00"),
        summary_chart=reader.boolean("SUMMARY_CHART", False),
        btcturk_timeout_s=reader.integer("BTCTURK_TIMEOUT_SECONDS", 10, minimum=1, maximum=120),
        key_retry_s=reader.integer("BTCTURK_KEY_RETRY_SECONDS", 5, minimum=1, maximum=3600),
        language=reader.choice("LANGUAGE", "tr", ("tr", "en")),
        quiet_hours=reader.quiet_hours("QUIET_HOURS"),
        log_format=reader.choice("LOG_FORMAT", "text", ("text", "json")),
        allowed_user_ids=reader.user_ids("ALLOWED_USER_IDS"),
        group_members=reader.choice("GROUP_MEMBERS", "read", ("read", "none")),
        reports=reader.reports("REPORTS"),
        cost_basis=reader.choice("COST_BASIS", "average", ("average", "fifo")),
        btcturk_graph_url=reader.url("BTCTURK_GRAPH_URL", "https://graph-api.btcturk.com"),
        history_backfill_delay_s=reader.integer(
            "HISTORY_BACKFILL_DELAY_SECONDS", 120, minimum=0, maximum=86_400
        ),
        history_backfill_pace_s=reader.integer(
            "HISTORY_BACKFILL_PACE_SECONDS", 1, minimum=0, maximum=60
        ),
        exchange_status_interval_s=reader.integer(
            "EXCHANGE_STATUS_INTERVAL_SECONDS", 300, minimum=1, maximum=86_400
        ),
    )


class EnvReader:
    """Read and check one variable at a time."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env

    def data_dir(self) -> Path:
        """Return DATA_DIR (shared with the health check, which needs nothing else)."""
        return Path(self.optional("DATA_DIR", "./data"))

    def poll_interval(self) -> int:
        """Return POLL_INTERVAL_SECONDS (shared with the health check)."""
        return self.integer("POLL_INTERVAL_SECONDS", 60, minimum=1, maximum=86_400)

    def optional(self, name: str, default: str) -> str:
        value = self._env.get(name, "").strip()
        return value or default

    def required(self, name: str) -> str:
        value = self._env.get(name, "").strip()
        if not value:
            raise ConfigError(name, "is not set (see .env.example)", missing=True)
        return value

    def token(self, name: str) -> str:
        value = self.required(name)
        if not _TOKEN.fullmatch(value):
            raise ConfigError(name, "does not look like a bot token from @BotFather (123456:ABC…)")
        return value

    def base64_secret(self, name: str) -> str:
        value = self.required(name)
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ConfigError(name, "is not valid base64; copy the private key exactly") from None
        return value

    def chat_ids(self, name: str) -> frozenset[int]:
        ids = set()
        for part in self.required(name).split(","):
            part = part.strip()
            if not part:
                continue
            if not re.fullmatch(r"-?\d{1,20}", part):
                raise ConfigError(name, f"{part[:20]!r} is not a chat ID (an integer)")
            ids.add(int(part))
        if not ids:
            raise ConfigError(name, "lists no chat ID")
        return frozenset(ids)

    def user_ids(self, name: str) -> frozenset[int]:
        """Return optional comma-separated Telegram user IDs (positive integers)."""
        ids = set()
        for part in self.optional(name, "").split(","):
            part = part.strip()
            if not part:
                continue
            if not re.fullmatch(r"\d{1,20}", part):
                raise ConfigError(name, f"{part[:20]!r} is not a user ID (a positive integer)")
            ids.add(int(part))
        return frozenset(ids)

    def reports(self, name: str) -> frozenset[str]:
        """Return the reports to send: some of daily, weekly and monthly."""
        parts = {p.strip().lower() for p in self.optional(name, "daily").split(",") if p.strip()}
        if not parts or not parts <= set(REPORT_KINDS):
            raise ConfigError(name, f"must list some of {', '.join(REPORT_KINDS)}")
        return frozenset(parts)

    def url(self, name: str, default: str, *, scheme: str = "https?") -> str:
        value = self.optional(name, default).rstrip("/")
        if not re.fullmatch(scheme + r"://[^\s/]+(/\S*)?", value):
            kind = "an http(s)" if scheme == "https?" else "a ws(s)"
            raise ConfigError(name, f"{value[:60]!r} is not {kind} URL")
        return value

    def currency(self, name: str, default: str) -> str:
        value = self.optional(name, default).upper()
        if not _CURRENCY.fullmatch(value):
            raise ConfigError(name, f"{value[:20]!r} is not a currency code such as TRY")
        return value

    def zone(self, name: str, default: str) -> ZoneInfo:
        value = self.optional(name, default)
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                name, f"{value[:40]!r} is not a time zone such as Europe/Istanbul"
            ) from None

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        """Return one of `choices`, typed in any case, as the docs write it (`tr`, `INFO`)."""
        value = self.optional(name, default).casefold()
        for choice in choices:
            if choice.casefold() == value:
                return choice
        raise ConfigError(name, f"must be one of {', '.join(choices)}")

    def integer(self, name: str, default: int, *, minimum: int, maximum: int) -> int:
        value = self.optional(name, str(default))
        if not re.fullmatch(r"\d{1,9}", value) or not minimum <= int(value) <= maximum:
            raise ConfigError(name, f"must be a whole number from {minimum} to {maximum}")
        return int(value)

    def level(self, name: str, default: Level) -> Level:
        """Return how a kind of message is heard: on, silent or off (true and false too)."""
        value = self.optional(name, default.value).lower()
        if value in ("1", "true", "yes", "on"):
            return Level.ON
        if value in ("0", "false", "no", "off"):
            return Level.OFF
        if value == "silent":
            return Level.SILENT
        raise ConfigError(name, "must be one of on, silent, off")

    def boolean(self, name: str, default: bool) -> bool:
        value = self.optional(name, "true" if default else "false").lower()
        if value in ("1", "true", "yes", "on"):
            return True
        if value in ("0", "false", "no", "off"):
            return False
        raise ConfigError(name, "must be true or false")

    def quiet_hours(self, name: str) -> QuietHours | None:
        value = self.optional(name, "")
        if not value:
            return None
        try:
            return QuietHours.parse(value)
        except ValueError:
            raise ConfigError(name, f"{value[:20]!r} is not a span such as 23:00-08:00") from None

    def clock_time(self, name: str, default: str) -> time:
        value = self.optional(name, default)
        match = _CLOCK_TIME.fullmatch(value)
        if not match:
            raise ConfigError(name, f"{value[:20]!r} is not a time of day such as 09:00")
        return time(int(match.group(1)), int(match.group(2)))
