"""How a chat hears its messages right now: its mute, its quiet hours, its notification levels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from balance_bot.core.notify import Level, Setting, default_levels, effective_levels
from balance_bot.core.quiet import QuietHours
from balance_bot.store.store import Store


@dataclass(frozen=True, slots=True)
class Held:
    """A chat's held messages once its hold was looked at again: `count` of them, due now
    (`until` None) or still held until `until`."""

    count: int
    until: datetime | None


class QuietPolicy:
    """Tell until when a chat's change and threshold alerts are held, and which kinds it hears."""

    def __init__(
        self,
        store: Store,
        quiet_hours: QuietHours | None,
        tz: tzinfo,
        *,
        order_changes: Level | bool = Level.SILENT,
    ) -> None:
        """`quiet_hours` and `order_changes` are the defaults of a chat that set nothing."""
        self._store = store
        self._quiet_hours = quiet_hours
        self._tz = tz
        self._defaults = default_levels(order_changes=order_changes)

    async def held_until(self, chat_id: int, now: datetime) -> datetime | None:
        """Return when the chat's hold ends, or None when alerts go out now."""
        ends: list[datetime] = []
        settings = await self._store.chat_settings(chat_id)
        muted_until = settings.muted_until
        if muted_until is not None and muted_until > now:
            ends.append(muted_until)
        quiet_hours = settings.quiet_hours_or(self._quiet_hours)
        if quiet_hours is not None:
            end = quiet_hours.end_after(now.astimezone(self._tz))
            if end is not None:
                ends.append(end)
        return max(ends) if ends else None

    async def reconsider(self, chat_id: int, now: datetime) -> Held:
        """Look at the chat's held messages again after its quiet hours or mute changed:
        make them due now if nothing holds them any more, else at the hold's new end."""
        until = await self.held_until(chat_id, now)
        count = await self._store.reschedule_held(chat_id, now if until is None else until)
        return Held(count, until)

    async def reconsider_all(self, now: datetime) -> None:
        """Look at every chat's held messages again at start-up: `QUIET_HOURS` may have
        changed while the bot was stopped."""
        for chat_id in await self._store.held_chats():
            await self.reconsider(chat_id, now)

    async def levels(self, chat_id: int) -> dict[Setting, Level]:
        """Return how the chat hears each kind: its own choice, else the default."""
        chosen = (await self._store.chat_settings(chat_id)).notify
        return effective_levels(chosen, self._defaults)

    def default_levels(self) -> dict[Setting, Level]:
        """Return the levels of a chat that set nothing."""
        return dict(self._defaults)
