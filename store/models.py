"""What the store hands out and takes in: frozen dataclasses, Decimal money, aware UTC times."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from core.notify import Level
from core.quiet import QuietHours
from core.summary import DailyPortfolio
from core.thresholds import DEFAULT_COOLDOWN, AlertSpec, Direction, Kind

__all__ = [
    "AlertRule",
    "ChatSettings",
    "DailyPortfolio",
    "MoneyFlow",
    "NewNotification",
    "OutboxItem",
    "TransactionKey",
]


@dataclass(frozen=True, slots=True)
class AlertRule:
    """A stored threshold alert of one chat."""

    id: int
    chat_id: int
    target: str
    direction: Direction
    amount: Decimal
    triggered: bool
    urgent: bool
    created_at: datetime
    kind: Kind = Kind.AMOUNT
    window: timedelta | None = None
    cooldown: timedelta = DEFAULT_COOLDOWN
    last_fired_at: datetime | None = None

    @property
    def spec(self) -> AlertSpec:
        """Return what the alert watches."""
        return AlertSpec(
            self.target, self.direction, self.amount, self.kind, self.window, self.cooldown
        )


@dataclass(frozen=True, slots=True)
class NewNotification:
    """A message owed to a chat, not yet in the outbox."""

    chat_id: int
    kind: str
    text: str
    photo: bytes | None = None


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A message in the outbox, waiting to be delivered."""

    id: int
    chat_id: int
    kind: str
    text: str
    created_at: datetime
    attempts: int
    next_attempt_at: datetime
    photo: bytes | None = None
    held: bool = False  # postponed by quiet hours or a mute, not by a failure
    unconfirmed: bool = False  # the last send timed out: Telegram may have it already


@dataclass(frozen=True, slots=True)
class ChatSettings:
    """One chat's preferences; None means the default."""

    chat_id: int
    language: str | None = None
    muted_until: datetime | None = None
    last_summary_day: date | None = None

    notify: Mapping[str, Level] = field(default_factory=dict)  # the kinds the chat set itself
    quiet_hours: QuietHours | None = None  # its own quiet hours, unless `quiet_off`
    quiet_off: bool = False  # the chat turned quiet hours off (the default has some)
    summary_chart: bool | None = None
    last_weekly_report: date | None = None  # the Monday that began the week last reported
    last_monthly_report: date | None = None  # the 1st of the month last reported

    def quiet_hours_or(self, default: QuietHours | None) -> QuietHours | None:
        """Return the chat's quiet hours: its own, none if it turned them off, else `default`."""
        if self.quiet_off:
            return None
        return self.quiet_hours if self.quiet_hours is not None else default

    def summary_chart_or(self, default: bool) -> bool:
        """Tell whether the chat's summary comes with a chart (its choice, else `default`)."""
        return default if self.summary_chart is None else self.summary_chart


TransactionKey = tuple[str, str]
"""A history row's identity: its kind ("fill", "order", "crypto", "fiat") and the exchange's id."""


@dataclass(frozen=True, slots=True)
class MoneyFlow:
    """Money that entered or left the account, valued when the poll saw it.

    `amount` is a magnitude in `asset`; `value` is in the quote currency, None when the asset
    had no price then.
    """

    at: datetime
    kind: Literal["deposit", "withdrawal"]
    asset: str
    amount: Decimal
    value: Decimal | None
