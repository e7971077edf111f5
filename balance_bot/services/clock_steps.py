"""The boot clock, and steps of the wall clock measured against it.

The wall clock can step (an NTP correction, a restored VM): an hour back, a day ahead. The
boot clock never steps and counts time spent suspended, and every process on the machine
reads the same one, so the bot and its health check agree on how much time passed. A step
is what the wall clock moved beyond the time that passed: the services that keep a wall
time meaning "so long ago" (a retry's due time, a cooldown's start) move it by the step.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

BOOT_ID_FILE = Path("/proc/sys/kernel/random/boot_id")  # Linux: changes at every boot
STEP_TOLERANCE = timedelta(seconds=2)  # less is slewing (NTP moves at most 0.5 ms a second)


def boot_time() -> float:
    """Return seconds on a clock that never steps and counts time spent suspended."""
    if hasattr(time, "CLOCK_BOOTTIME"):
        return time.clock_gettime(time.CLOCK_BOOTTIME)
    return time.monotonic()


@dataclass(frozen=True, slots=True)
class BootStamp:
    """A moment on the boot clock of one boot of the machine."""

    boot_id: str
    seconds: float

    def since(self, earlier: BootStamp) -> timedelta | None:
        """Return the time from `earlier` to this moment; None across boots (not comparable)."""
        if earlier.boot_id != self.boot_id or self.seconds < earlier.seconds:
            return None
        return timedelta(seconds=self.seconds - earlier.seconds)


def current_boot(boot_id_file: Path = BOOT_ID_FILE) -> BootStamp | None:
    """Return this moment on the boot clock; None where the system does not name its boots."""
    try:
        boot_id = boot_id_file.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return BootStamp(boot_id, boot_time()) if boot_id else None


class WallSteps:
    """Tell how far the wall clock stepped between two looks, beyond the time that passed."""

    def __init__(
        self,
        wall: Callable[[], datetime],
        elapsed: Callable[[], float] = boot_time,
        tolerance: timedelta = STEP_TOLERANCE,
    ) -> None:
        """Compare `wall` with `elapsed`, seconds of real time that never step."""
        self._wall = wall
        self._elapsed = elapsed
        self._tolerance = tolerance.total_seconds()
        self._offset: float | None = None

    def look(self) -> timedelta:
        """Return the step since the last look: zero for the first look and within tolerance."""
        offset = self._wall().timestamp() - self._elapsed()
        last, self._offset = self._offset, offset
        if last is None or abs(offset - last) <= self._tolerance:
            return timedelta(0)
        return timedelta(seconds=offset - last)
