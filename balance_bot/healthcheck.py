"""Health check: `python healthcheck.py` exits 0 while the bot's poll keeps running and
Telegram's getUpdates works, else 1.

It reads the heartbeat the poll writes to DATA_DIR, and the getUpdates state beside it, and
needs no credentials: only DATA_DIR and POLL_INTERVAL_SECONDS, read like the bot reads them
(same defaults, same checks). It prints one line saying why, which `docker inspect` shows in
the container's health log.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from balance_bot.config import ConfigError, EnvReader, read_environment
from balance_bot.services.clock_steps import BootStamp, current_boot
from balance_bot.services.heartbeat import assess, read_heartbeat
from balance_bot.telegram_io.updates_health import assess_updates, read_updates_failing

EXIT_HEALTHY = 0
EXIT_UNHEALTHY = 1


def read_settings(env: Mapping[str, str]) -> tuple[Path, int]:
    """Return DATA_DIR and POLL_INTERVAL_SECONDS from `env`, as load_settings reads them."""
    reader = EnvReader(env)
    return reader.data_dir(), reader.poll_interval()


def check(env: Mapping[str, str], now: datetime, boot: BootStamp | None = None) -> tuple[int, str]:
    """Return the exit code and the line to print, at `now` and `boot` (None: no boot clock)."""
    try:
        data_dir, poll_interval_s = read_settings(env)
    except ConfigError as error:
        return EXIT_UNHEALTHY, f"unhealthy: configuration error: {error}"
    try:
        heartbeat = read_heartbeat(data_dir)
    except (OSError, ValueError) as error:
        return EXIT_UNHEALTHY, f"unhealthy: cannot read the heartbeat: {error}"
    health = assess(heartbeat, now, poll_interval_s, boot)
    if health.healthy:
        try:
            health = assess_updates(read_updates_failing(data_dir), now) or health
        except (OSError, ValueError) as error:
            return EXIT_UNHEALTHY, f"unhealthy: cannot read the getUpdates state: {error}"
    return (EXIT_HEALTHY if health.healthy else EXIT_UNHEALTHY), health.reason


def main() -> int:
    """Check the heartbeat, print why, and return the exit code."""
    try:
        env = read_environment(os.environ)
    except ConfigError as error:
        print(f"unhealthy: configuration error: {error}", file=sys.stderr)
        return EXIT_UNHEALTHY
    code, line = check(env, datetime.now(UTC), current_boot())
    print(line, file=sys.stdout if code == EXIT_HEALTHY else sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
