"""What the store hands out and takes in: frozen dataclasses, Decimal money, aware UTC times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from core.summary import DailyPortfolio
from core.thresholds import DEFAULT_COOLDOWN, AlertSpec, Direction, Kind

__all__ = ["AlertRule", "ChatSettings", "DailyPortfolio", "NewNotification", "OutboxItem"]


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
