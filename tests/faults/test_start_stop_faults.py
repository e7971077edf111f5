"""Start-up and stop faults of `python bot.py`: a developer's `.env` beside the code, a Bot
API whose answers lack fields, a command menu Telegram refuses, and sessions left open."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest

from fakes.exchange import FakeBtcTurk
from fakes.telegram import FakeTelegram
from tests.faults.conftest import ROOT, Launcher, base_env
from tests.faults.test_process_faults import STOP_WITHIN_S, ask, started_polling, until
from tests.integration.test_container_entry import admitted_files, read_dockerignore

pytestmark = pytest.mark.faults

# A `.env` left from "Run it for real": every line would change or stop a bot under test.
HOSTILE_ENV = """\
GROUP_MEMBERS=everyone
QUIET_HOURS=00:00-23:59
LOG_LEVEL=LOUD
LANGUAGE=tr
POLL_INTERVAL_SECONDS=0
"""


def checkout_copy(target: Path) -> Path:
    """Copy the bot's code (what .dockerignore admits) to `target`, as a checkout holds it."""
    for relative in admitted_files(ROOT, read_dockerignore(ROOT / ".dockerignore")):
        copied = target / relative
        copied.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / relative, copied)
    return target


@pytest.mark.slow
async def test_a_env_file_in_the_checkout_or_the_working_directory_changes_no_test(
    exchange: FakeBtcTurk, telegram: FakeTelegram, launcher: Launcher, tmp_path: Path
) -> None:
    checkout = checkout_copy(tmp_path / "checkout")
    for where in (checkout, launcher.workdir):
        (where / ".env").write_text(HOSTILE_ENV, encoding="utf-8")

    bot = await launcher.start(base_env(exchange, telegram, tmp_path / "data"), root=checkout)
    await until(bot, started_polling(telegram))
    reply = await ask(bot, telegram, "/help")
    bot.send(signal.SIGTERM)

    assert await bot.wait_exit(within=STOP_WITHIN_S) == 0
    assert reply.plain_text.startswith("👋 BTCTurk balance bot"), reply.plain_text  # English
