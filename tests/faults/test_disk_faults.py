"""Disk faults: a DATA_DIR that cannot be used or a corrupt database stops
`python -m balance_bot` with a clear message naming the file, and leaves every file as it was."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.telegram import FakeTelegram
from tests.faults.conftest import START_TIMEOUT_S, Launcher, base_env

pytestmark = pytest.mark.faults

GARBAGE = bytes(range(256)) * 16  # 4 KiB that no SQLite header starts with


@dataclass(frozen=True)
class DiskCase:
    """A broken DATA_DIR: what to set it to, the path the message must name, the file to keep."""

    name: str
    data_dir: Path
    named: Path
    kept: Path


def broken_data_dirs(root: Path) -> list[DiskCase]:
    """Lay out each broken DATA_DIR under `root` (as root, chmod stops no write: use files)."""
    a_file = root / "file" / "data"
    a_file.parent.mkdir(parents=True)
    a_file.write_bytes(b"not a directory\n")
    under_a_file = root / "under" / "blocker"
    under_a_file.parent.mkdir(parents=True)
    under_a_file.write_bytes(b"not a directory either\n")
    corrupt = root / "corrupt" / "data"
    corrupt.mkdir(parents=True)
    (corrupt / "bot.sqlite3").write_bytes(GARBAGE)
    return [
        DiskCase("DATA_DIR is a file", a_file, a_file, a_file),
        DiskCase("DATA_DIR cannot be created", under_a_file / "data", under_a_file, under_a_file),
        DiskCase("corrupt bot.sqlite3", corrupt, corrupt / "bot.sqlite3", corrupt / "bot.sqlite3"),
    ]


@dataclass(frozen=True)
class Outcome:
    case: DiskCase
    exit_code: int
    stderr: str
    kept_bytes: bytes
    kept_mtime_ns: int
    siblings: list[str]


async def run_each(
    cases: list[DiskCase], exchange: FakeBtcTurk, telegram: FakeTelegram, launcher: Launcher
) -> list[Outcome]:
    """Start the bot once per case, all at once, and collect how each run ended."""
    before = {case.name: (case.kept.read_bytes(), case.kept.stat().st_mtime_ns) for case in cases}
    bots = [await launcher.start(base_env(exchange, telegram, case.data_dir)) for case in cases]
    codes = await asyncio.gather(*(bot.wait_exit(within=START_TIMEOUT_S) for bot in bots))
    outcomes = []
    for case, bot, code in zip(cases, bots, codes, strict=True):
        content, mtime = before[case.name]
        outcomes.append(
            Outcome(
                case,
                code,
                bot.stderr(),
                content,
                mtime,
                sorted(os.listdir(case.kept.parent)),
            )
        )
    return outcomes


@pytest.mark.slow
async def test_unusable_data_dir_stops_start_up_in_one_line_and_touches_nothing(
    exchange: FakeBtcTurk, telegram: FakeTelegram, launcher: Launcher, tmp_path: Path
) -> None:
    cases = broken_data_dirs(tmp_path / "disk")

    for outcome in await run_each(cases, exchange, telegram, launcher):
        case, stderr = outcome.case, outcome.stderr
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert outcome.exit_code != 0, case.name
        assert "Traceback" not in stderr, (case.name, stderr[-2000:])
        assert len(lines) == 1, (case.name, lines[-5:])
        assert str(case.named) in lines[0], (case.name, lines[0])
        assert case.kept.read_bytes() == outcome.kept_bytes, case.name
        assert case.kept.stat().st_mtime_ns == outcome.kept_mtime_ns, case.name
        assert outcome.siblings == [case.kept.name], (case.name, outcome.siblings)  # no -wal
    assert telegram.calls["getUpdates"] == 0  # none of them started serving
    assert sum(exchange.calls.values()) == 0
