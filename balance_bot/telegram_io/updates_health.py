"""Whether the bot receives its updates: a small file in DATA_DIR while getUpdates fails.

`DATA_DIR/updates_failing.json` exists only while Telegram's getUpdates fails (the Bot API is
down, or it refuses the token): it holds since when and why. The health check reads it beside
the heartbeat: a bot that no longer receives commands is unhealthy even while its polls of
the exchange keep running.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from balance_bot.core.health import Health

UPDATES_FAILING_FILE = "updates_failing.json"

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class UpdatesFailing:
    """getUpdates has failed since `since`, last for `reason`."""

    since: datetime
    reason: str


class UpdatesHealth:
    """Keep the file in step with getUpdates, writing only when its state changes."""

    def __init__(self, data_dir: Path, clock: Callable[[], datetime]) -> None:
        self._path = data_dir / UPDATES_FAILING_FILE
        self._clock = clock
        self._failing: UpdatesFailing | None = None
        self._known = False

    def failed(self, reason: str) -> None:
        """Record a failed getUpdates (the first failure's time is kept)."""
        if self._failing is not None and self._failing.reason == reason:
            return
        since = self._failing.since if self._failing is not None else self._clock()
        self._failing, self._known = UpdatesFailing(since, reason), True
        body = json.dumps({"since": since.isoformat(), "reason": reason})
        try:
            _write_atomically(self._path, body + "\n")
        except OSError as error:
            log.warning("could not record that getUpdates fails: %s", error)

    def received(self) -> None:
        """Record a successful getUpdates."""
        if self._known and self._failing is None:
            return
        self._failing, self._known = None, True
        try:
            self._path.unlink(missing_ok=True)
        except OSError as error:
            log.warning("could not record that getUpdates works again: %s", error)


def read_updates_failing(data_dir: Path) -> UpdatesFailing | None:
    """Return since when and why getUpdates fails, None while it works; ValueError if garbled."""
    path = data_dir / UPDATES_FAILING_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return UpdatesFailing(datetime.fromisoformat(raw["since"]), str(raw["reason"]))
    except FileNotFoundError:
        return None
    except (ValueError, TypeError, KeyError) as error:
        raise ValueError(f"{path} is not a getUpdates state ({error})") from None


def assess_updates(failing: UpdatesFailing | None, now: datetime) -> Health | None:
    """Return the unhealthy verdict while getUpdates fails, None while it works."""
    if failing is None:
        return None
    seconds = max(round((now - failing.since).total_seconds()), 0)
    return Health(False, f"unhealthy: no updates from Telegram for {seconds} s: {failing.reason}")


def _write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text`: readers see the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
