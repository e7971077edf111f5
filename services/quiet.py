"""Whether a chat's alerts wait right now: its mute, or the bot's quiet hours."""

from __future__ import annotations

from datetime import datetime, tzinfo

from core.quiet import QuietHours
from store.store import Store


class QuietPolicy:
    """Tell until when a chat's change and threshold alerts are held."""

    def __init__(self, store: Store, quiet_hours: QuietHours | None, tz: tzinfo) -> None:
        self._store = store
        self._quiet_hours = quiet_hours
        self._tz = tz

    async def held_until(self, chat_id: int, now: datetime) -> datetime | None:
        """Return when the chat's hold ends, or None when alerts go out now."""
        ends: list[datetime] = []
        muted_until = (await self._store.chat_settings(chat_id)).muted_until
        if muted_until is not None and muted_until > now:
            ends.append(muted_until)
        if self._quiet_hours is not None:
            end = self._quiet_hours.end_after(now.astimezone(self._tz))
            if end is not None:
                ends.append(end)
        return max(ends) if ends else None
