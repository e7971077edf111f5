"""Start-up and stop faults of `python -m balance_bot`: a developer's `.env` beside the code, a Bot
API whose answers lack fields, a command menu Telegram refuses, and sessions left open."""

from __future__ import annotations

import shutil
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from balance_bot.config import Settings
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.telegram import FakeTelegram
from tests.e2e.conftest import REPLY_TIMEOUT_S
from tests.faults.conftest import ROOT, START_TIMEOUT_S, BotProcess, Launcher, base_env
from tests.faults.test_process_faults import STOP_WITHIN_S, ask, started_polling, until
from tests.integration.test_container_entry import admitted_files, read_dockerignore

pytestmark = pytest.mark.faults

StartBot = Callable[[Settings], Any]

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


def stderr_lines(bot: BotProcess) -> list[str]:
    """Return the bot's stderr, line by line, without blank lines."""
    return [line for line in bot.stderr().splitlines() if line.strip()]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("missing", "said"),
    [
        (("is_bot",), "lacks is_bot"),
        (("id", "first_name"), "lacks id, first_name"),
    ],
)
async def test_a_get_me_answer_without_its_fields_stops_start_up_with_one_line(
    exchange: FakeBtcTurk,
    telegram: FakeTelegram,
    launcher: Launcher,
    tmp_path: Path,
    missing: tuple[str, ...],
    said: str,
) -> None:
    telegram.answer_me_without(*missing)
    bot = await launcher.start(base_env(exchange, telegram, tmp_path / "data"))

    assert await bot.wait_exit(within=START_TIMEOUT_S) == 2
    assert stderr_lines(bot) == [
        f"Configuration error: TELEGRAM_API_URL: its answer to getMe {said}:"
        " is it a Telegram Bot API server?"
    ]


@pytest.mark.slow
async def test_a_token_refused_at_start_up_stops_it_with_one_line(
    exchange: FakeBtcTurk, telegram: FakeTelegram, launcher: Launcher, tmp_path: Path
) -> None:
    telegram.refuse_token()
    bot = await launcher.start(base_env(exchange, telegram, tmp_path / "data"))

    assert await bot.wait_exit(within=START_TIMEOUT_S) == 2
    assert stderr_lines(bot) == [
        "Configuration error: TELEGRAM_BOT_TOKEN: Telegram refused it; check it with @BotFather"
    ]


@pytest.mark.slow
async def test_a_stop_while_telegram_is_unreachable_leaves_no_session_open(
    exchange: FakeBtcTurk, telegram: FakeTelegram, launcher: Launcher, tmp_path: Path
) -> None:
    telegram.set_down(True)
    bot = await launcher.start(base_env(exchange, telegram, tmp_path / "data"))
    await until(
        bot,
        telegram.wait_until(
            lambda: telegram.calls["getMe"] >= 2, timeout=START_TIMEOUT_S, what="a retried getMe"
        ),
    )

    bot.send(signal.SIGTERM)

    assert await bot.wait_exit(within=STOP_WITHIN_S) == 0
    assert "Unclosed" not in bot.stderr(), bot.stderr()


@pytest.mark.slow
async def test_a_clean_stop_leaves_no_session_open(
    exchange: FakeBtcTurk, telegram: FakeTelegram, launcher: Launcher, tmp_path: Path
) -> None:
    env = base_env(exchange, telegram, tmp_path / "data") | {"POLL_INTERVAL_SECONDS": "1"}
    bot = await launcher.start(env)
    await until(
        bot,
        exchange.wait_until(
            lambda: exchange.calls["balances"] >= 1, timeout=START_TIMEOUT_S, what="a poll"
        ),
    )
    await ask(bot, telegram, "/balance")

    bot.send(signal.SIGTERM)

    assert await bot.wait_exit(within=STOP_WITHIN_S) == 0
    stderr = bot.stderr()
    assert "stopped" in stderr
    assert "Unclosed" not in stderr, stderr
    assert "Traceback" not in stderr, stderr


async def test_a_menu_telegram_refuses_is_published_again_and_the_others_at_once(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    telegram.fail_next("setMyCommands", status=500, description="Internal Server Error")
    async with start_bot(make_settings()):
        await telegram.wait_until(
            lambda: all(telegram.commands(language_code=code) for code in ("", "en", "tr")),
            timeout=REPLY_TIMEOUT_S,
            what="the menu in every language",
        )

    assert telegram.calls["setMyCommands"] == 4  # three menus, one of them twice
