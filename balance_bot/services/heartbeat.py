"""The heartbeat: a small file the poll rewrites each time, read by the container's health check.

`DATA_DIR/heartbeat.json` holds the time of the last poll, whether that poll read the
account, and the moment on the machine's boot clock. A fresh heartbeat means the bot process
is alive and its poll keeps running; a poll that failed because BTCTurk is down still writes
one (with `exchange_reachable: false`): the bot is healthy, the exchange is not, and
restarting the bot would not fix the exchange.

The heartbeat's age is measured on the boot clock, which never steps: a wall clock stepped
back an hour leaves a poll "dated in the future", still a second old. Only a heartbeat from
another boot (or a system that does not name its boots) is aged by the wall clock.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from balance_bot.core.health import Health
from balance_bot.services.clock_steps import BootStamp, current_boot

HEARTBEAT_FILE = "heartbeat.json"
STALE_AFTER_POLLS = 3
MIN_MAX_AGE = timedelta(seconds=120)


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """The last poll: when it ran and whether it reached the exchange."""

    at: datetime
    ok: bool
    boot: BootStamp | None = None


def heartbeat_path(data_dir: Path) -> Path:
    """Return where the heartbeat lives in `data_dir`."""
    return data_dir / HEARTBEAT_FILE


def write_heartbeat(
    data_dir: Path, at: datetime, ok: bool, *, boot: BootStamp | None = None
) -> None:
    """Record a poll at `at` (time-zone aware) and `boot` (by default, now on the boot clock);
    readers see the old file or the new, never half.

    A missing `data_dir` is not recreated (FileNotFoundError): it was there when the bot
    opened its database, so it was deleted since, and the health check must see that.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("the heartbeat time must be time-zone aware")
    raw: dict[str, object] = {"last_poll": at.isoformat(), "exchange_reachable": ok}
    boot = boot or current_boot()
    if boot is not None:
        raw |= {"boot_id": boot.boot_id, "boot_s": boot.seconds}
    body = json.dumps(raw)
    handle, temporary = tempfile.mkstemp(prefix=".heartbeat.", suffix=".tmp", dir=data_dir)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(body + "\n")
        os.replace(temporary, heartbeat_path(data_dir))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def read_heartbeat(data_dir: Path) -> Heartbeat | None:
    """Return the last heartbeat, None when there is none yet; ValueError when it is garbled."""
    path = heartbeat_path(data_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        raw = json.loads(text)
        at = datetime.fromisoformat(raw["last_poll"])
        ok = raw["exchange_reachable"]
        boot_id, boot_s = raw.get("boot_id"), raw.get("boot_s")
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise ValueError(f"{path} is not a heartbeat ({error})") from None
    if not isinstance(ok, bool) or at.utcoffset() is None:
        raise ValueError(f"{path} is not a heartbeat (bad values)")
    boot = None
    if isinstance(boot_id, str) and isinstance(boot_s, int | float) and boot_id:
        boot = BootStamp(boot_id, float(boot_s))
    return Heartbeat(at=at, ok=ok, boot=boot)


def max_age(poll_interval_s: int) -> timedelta:
    """Return how old the heartbeat may be: three polls, but never under two minutes."""
    return max(STALE_AFTER_POLLS * timedelta(seconds=poll_interval_s), MIN_MAX_AGE)


def assess(
    heartbeat: Heartbeat | None,
    now: datetime,
    poll_interval_s: int,
    boot: BootStamp | None = None,
) -> Health:
    """Judge the bot healthy when its last poll is fresher than max_age(poll_interval_s).

    The age is measured on the boot clock (`boot` is now) when both sides have it: the wall
    clock's steps change nothing. A heartbeat of an earlier boot is stale whatever its date.
    Without a boot stamp, the wall clock (`now`) tells the age.
    """
    if heartbeat is None:
        return Health(False, "unhealthy: no heartbeat yet, the bot has not finished a poll")
    limit = max_age(poll_interval_s)
    if boot is not None and heartbeat.boot is not None:
        age = boot.since(heartbeat.boot)
        if age is None:
            return Health(False, "unhealthy: the last poll is from before the machine started")
    else:
        age = now - heartbeat.at
    seconds, limit_s = round(age.total_seconds()), round(limit.total_seconds())
    if age >= limit:
        return Health(False, f"unhealthy: the last poll was {seconds} s ago (limit {limit_s} s)")
    if -age >= limit:
        return Health(False, f"unhealthy: the last poll is dated {-seconds} s in the future")
    exchange = "BTCTurk answered" if heartbeat.ok else "BTCTurk could not be read"
    return Health(True, f"healthy: the last poll was {max(seconds, 0)} s ago; {exchange}")
