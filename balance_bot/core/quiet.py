"""Quiet hours and mutes: when alerts wait, and until when (which kinds wait: core/notify.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

DEFAULT_MUTE = timedelta(hours=1)
MAX_MUTE = timedelta(days=7)
_RANGE = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)")


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A daily span of local time, possibly across midnight (23:00-08:00)."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """Read "HH:MM-HH:MM"; ValueError when malformed or empty."""
        match = _RANGE.fullmatch(text.strip())
        if not match or match.group(1, 2) == match.group(3, 4):
            raise ValueError(f"not a span of time such as 23:00-08:00: {text[:20]!r}")
        hours = [int(g) for g in match.groups()]
        return cls(time(hours[0], hours[1]), time(hours[2], hours[3]))

    def contains(self, moment: time) -> bool:
        """Tell whether a local time of day is inside the span."""
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def end_after(self, local: datetime) -> datetime | None:
        """Return when the span that holds `local` (aware, local) ends, or None outside it."""
        if not self.contains(local.time().replace(tzinfo=None)):
            return None
        end = datetime.combine(local.date(), self.end, local.tzinfo)
        return end if end > local else end + timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"
