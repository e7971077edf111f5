"""`make check` against keys and settings that go wrong: each a clear line and the right exit
code, and nothing sent to any chat.

The check runs in this process (`balance_bot.check.check`) against the fake Telegram, the fake
exchange and the fake live feed, each misbehaving as the test says; `python -m balance_bot
--check` itself is run once as a process.
"""

from __future__ import annotations

import asyncio
import io
import os
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from balance_bot.check import check
from balance_bot.config import load_settings
from balance_bot.core.key_check import EXIT_CANNOT_RUN, EXIT_READY, EXIT_UNSAFE
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.feed import FakeFeed
from balance_bot.fakes.telegram import FakeTelegram
from tests.faults.conftest import ROOT, START_TIMEOUT_S
from tests.kit.env import ALLOWED_CHAT, ALLOWED_GROUP, environment_on_fakes

pytestmark = pytest.mark.faults


@dataclass
class Servers:
    exchange: FakeBtcTurk
    telegram: FakeTelegram
    feed: FakeFeed
    data_dir: Path

    def env(self, **overrides: str) -> dict[str, str]:
        return environment_on_fakes(
            self.exchange,
            self.telegram,
            self.data_dir,
            **(
                {
                    "BTCTURK_WS_URL": self.feed.ws_url,
                    "WEBSOCKET": "auto",
                    "BTCTURK_TIMEOUT_SECONDS": "2",
                }
                | overrides
            ),
        )

    async def check(self, **overrides: str) -> tuple[int, list[str]]:
        """Run the check; return its exit code and its lines."""
        out = io.StringIO()
        code = await check(load_settings(self.env(**overrides)), out)
        assert self.telegram.calls["sendMessage"] == 0  # nothing sent to any chat
        return code, out.getvalue().splitlines()


@pytest.fixture
async def servers(tmp_path: Path) -> AsyncIterator[Servers]:
    async with FakeBtcTurk() as exchange, FakeTelegram() as telegram, FakeFeed() as feed:
        yield Servers(exchange, telegram, feed, tmp_path / "data")


def line(lines: list[str], start: str) -> str:
    [found] = [text for text in lines if text.startswith(start)]
    return found


async def test_a_read_only_key_with_every_permission_is_ready(servers: Servers) -> None:
    code, lines = await servers.check()

    assert code == EXIT_READY
    assert lines[1:] == [
        "✓ Telegram: the token works, the bot is @btcturk_demo_bot",
        f"✓ Chat {ALLOWED_GROUP}: reachable (Demo supergroup {-ALLOWED_GROUP})",
        f"✓ Chat {ALLOWED_CHAT}: reachable (Demo)",
        "✓ Clock: 0.0 s from BTCTurk's (it refuses more than 5 s)",
        "✓ Total Funds: the balances were read",
        "✓ Account: the history was read",
        "✓ WebSocket: the live feed logged in",
        "✓ Trade: off, the key cannot place orders",
        "– Withdraw: cannot be tested without moving money; make sure it is off on BTCTurk.",
        "Ready: the bot can run (“make run”).",
    ]
    assert not (servers.data_dir / "bot.sqlite3").exists()  # nothing written


async def test_a_key_without_the_account_permission_runs_without_what_it_costs(
    servers: Servers,
) -> None:
    servers.exchange.account_permission = False

    code, lines = await servers.check()

    assert code == EXIT_READY
    assert line(lines, "✗ Account").startswith(
        "✗ Account: refused. Costs: no explanations of changes, no /history, /pnl or /export. "
        "Fix: give the key the Account permission on BTCTurk (Account › API Access)."
    )
    assert lines[-1] == "Ready: the bot can run (“make run”), without what the ✗ lines cost."


async def test_a_key_without_the_websocket_permission_says_the_feed_is_refused(
    servers: Servers,
) -> None:
    servers.feed.websocket_permission = False

    code, lines = await servers.check()

    assert code == EXIT_READY
    assert line(lines, "✗ WebSocket").startswith(
        "✗ WebSocket: the live feed's login was refused: the API key lacks the WebSocket "
        "permission (or is bound to another IP). Costs: no alerts within seconds"
    )


async def test_a_key_without_total_funds_cannot_run(servers: Servers) -> None:
    servers.exchange.total_funds_permission = False

    code, lines = await servers.check()

    assert code == EXIT_CANNOT_RUN
    assert line(lines, "✗ Total Funds").startswith(
        "✗ Total Funds: the key lacks this permission (the history answered). Costs: the bot "
        "cannot run without it. Fix: give the key Total Funds on BTCTurk"
    )
    assert lines[-1] == "Not ready: fix the ✗ lines."


async def test_a_key_that_can_trade_is_told_loudly(servers: Servers) -> None:
    servers.exchange.trade_permission = True

    code, lines = await servers.check()

    assert code == EXIT_UNSAFE
    assert line(lines, "⚠ Trade").startswith("⚠ Trade: ON, this key can place orders!")
    assert servers.exchange.calls["open_orders"] == 1  # one read, no order
    assert lines[-1] == "The bot can run, but fix the ⚠ and ✗ lines first."


async def test_a_clock_ten_seconds_off_is_measured_corrected_and_told(servers: Servers) -> None:
    servers.exchange.clock_offset_s = 10.0
    servers.feed.clock_offset_s = 10.0

    code, lines = await servers.check()

    assert code == EXIT_UNSAFE
    assert line(lines, "⚠ Clock").startswith(
        "⚠ Clock: this server's is 10.0 s behind BTCTurk's, which refuses more than 5 s."
    )
    assert "sync your clock (“timedatectl set-ntp true”)" in line(lines, "⚠ Clock")
    assert line(lines, "✓ Total Funds")  # the stamps were corrected
    assert line(lines, "✓ WebSocket")
    assert servers.exchange.auth_failures == 0


async def test_a_token_telegram_refuses_cannot_run(servers: Servers) -> None:
    servers.telegram.refuse_token()

    code, lines = await servers.check()

    assert code == EXIT_CANNOT_RUN
    assert lines[1:3] == [
        "✗ Telegram refused the token (TELEGRAM_BOT_TOKEN). Costs: the bot cannot run. Fix: "
        "copy it again from @BotFather (/token shows it).",
        "– Chats: not checked (Telegram did not take the token)",
    ]


async def test_an_unreachable_chat_is_named_with_its_fix(servers: Servers) -> None:
    servers.telegram.forget_chat(ALLOWED_GROUP)

    code, lines = await servers.check()

    assert code == EXIT_UNSAFE
    assert line(lines, f"✗ Chat {ALLOWED_GROUP}").startswith(
        f"✗ Chat {ALLOWED_GROUP}: Telegram does not know it to this bot. Costs: it gets "
        "nothing. Fix: send /start to the bot from it"
    )
    assert line(lines, f"✓ Chat {ALLOWED_CHAT}")


async def test_no_chat_reachable_cannot_run(servers: Servers) -> None:
    servers.telegram.block_chat(ALLOWED_CHAT)
    servers.telegram.block_chat(ALLOWED_GROUP)

    code, lines = await servers.check()

    assert code == EXIT_CANNOT_RUN
    assert line(lines, f"✗ Chat {ALLOWED_CHAT}").startswith(
        f"✗ Chat {ALLOWED_CHAT}: it blocked the bot."
    )
    assert line(lines, f"✗ Chat {ALLOWED_GROUP}").startswith(
        f"✗ Chat {ALLOWED_GROUP}: the bot is not a member of this group."
    )


async def test_a_key_bound_to_another_ip_names_the_ip_to_bind(servers: Servers) -> None:
    servers.exchange.ip_allowed = False

    code, lines = await servers.check()

    assert code == EXIT_CANNOT_RUN
    assert line(lines, "✗ Total Funds") == (
        "✗ Total Funds: BTCTurk refused the key: it does not allow this server's IP address, "
        "127.0.0.1. Bind the key to it on BTCTurk (Account › API Access); a home IP changes, a "
        "server's stays. Costs: the bot cannot run."
    )
    assert line(lines, "– Account") == "– Account: not checked (BTCTurk refuses the key itself)"
    assert servers.exchange.auth_failures == 1  # the key itself: asked once


async def test_btcturk_unreachable_cannot_run(servers: Servers) -> None:
    servers.exchange.inject("maintenance", times=100, endpoint="server_time")

    code, lines = await servers.check()

    assert code == EXIT_CANNOT_RUN
    assert line(lines, "✗ BTCTurk could not be reached").startswith(
        "✗ BTCTurk could not be reached: it is under maintenance."
    )


def closed_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on: a connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


NOT_REACHED = {
    "en": [
        "✗ Telegram could not be reached: connection refused. Costs: the bot cannot run. Fix: "
        "check this server's network and TELEGRAM_API_URL.",
        "– Chats: not checked (Telegram could not be reached)",
        "✗ BTCTurk could not be reached: connection refused. Costs: the bot cannot run. Fix: "
        "check this server's network and BTCTURK_API_URL.",
        "– Clock: not checked (BTCTurk could not be reached)",
        "– Total Funds: not checked (BTCTurk could not be reached)",
        "– Account: not checked (BTCTurk could not be reached)",
        "– WebSocket: not checked (BTCTurk could not be reached)",
        "– Trade: not checked (BTCTurk could not be reached)",
    ],
    "tr": [
        "✗ Telegram'a ulaşılamadı: bağlantı reddedildi. Sonuç: bot çalışamaz. Çözüm: bu "
        "sunucunun ağını ve TELEGRAM_API_URL değerini kontrol edin.",
        "– Sohbetler: kontrol edilmedi (Telegram'a ulaşılamadı)",
        "✗ BTCTurk'e ulaşılamadı: bağlantı reddedildi. Sonuç: bot çalışamaz. Çözüm: bu "
        "sunucunun ağını ve BTCTURK_API_URL değerini kontrol edin.",
        "– Saat: kontrol edilmedi (BTCTurk'e ulaşılamadı)",
        "– Toplam Varlık: kontrol edilmedi (BTCTurk'e ulaşılamadı)",
        "– Hesap: kontrol edilmedi (BTCTurk'e ulaşılamadı)",
        "– WebSocket: kontrol edilmedi (BTCTurk'e ulaşılamadı)",
        "– Al-Sat: kontrol edilmedi (BTCTurk'e ulaşılamadı)",
    ],
}


@pytest.mark.parametrize("language", ["en", "tr"])
async def test_telegram_and_btcturk_not_reached_are_told_so_with_every_line_not_checked(
    servers: Servers, language: str
) -> None:
    nowhere = f"http://127.0.0.1:{closed_port()}"

    code, lines = await servers.check(
        LANGUAGE=language, TELEGRAM_API_URL=nowhere, BTCTURK_API_URL=nowhere
    )

    assert code == EXIT_CANNOT_RUN
    assert lines[1:-2] == NOT_REACHED[language]  # not the token blamed; no exception's name


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "✗ WebSocket: the live feed could not be reached: it is down (HTTP 502). Costs:"),
        ("tr", "✗ WebSocket: canlı akışa ulaşılamadı: hizmet dışı (HTTP 502). Sonuç:"),
    ],
)
async def test_a_feed_not_reached_is_tried_twice_at_most_and_told_in_the_language(
    servers: Servers, language: str, expected: str
) -> None:
    connections = 0

    async def bad_gateway(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    listener = await asyncio.start_server(bad_gateway, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    async with listener:
        code, lines = await servers.check(
            LANGUAGE=language, BTCTURK_WS_URL=f"ws://127.0.0.1:{port}"
        )

    assert code == EXIT_READY
    assert next(text for text in lines if text.startswith(expected[:12])).startswith(expected)
    assert 1 <= connections <= 2  # the probe gives up: nothing keeps trying after the report


@pytest.mark.slow
async def test_the_check_as_a_process_prints_its_lines_and_exits_with_its_code(
    servers: Servers,
) -> None:
    servers.exchange.trade_permission = True
    env = {"PATH": os.environ.get("PATH", "")} | servers.env(LANGUAGE="tr")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "balance_bot",
        "--check",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), START_TIMEOUT_S)

    assert process.returncode == EXIT_UNSAFE, err.decode()
    lines = out.decode().splitlines()
    assert lines[0].startswith("Canlıya geçmeden önce ayarlar kontrol ediliyor")
    assert line(lines, "⚠ Al-Sat").startswith("⚠ Al-Sat: AÇIK, bu anahtar emir verebilir!")
    assert servers.telegram.calls["sendMessage"] == 0


@pytest.mark.slow
@pytest.mark.parametrize("log_level", ["INFO", "DEBUG"])
async def test_the_check_prints_its_report_alone_unless_log_level_is_debug(
    servers: Servers, log_level: str
) -> None:
    servers.exchange.ip_allowed = False  # the client logs the refusal
    servers.feed.websocket_permission = False
    env = {"PATH": os.environ.get("PATH", "")} | servers.env(LOG_LEVEL=log_level)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "balance_bot",
        "--check",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), START_TIMEOUT_S)

    assert process.returncode == EXIT_CANNOT_RUN
    assert out.decode().splitlines()[0].startswith("Checking the settings")
    if log_level == "DEBUG":
        assert "BTCTurk refused the API key" in err.decode()
    else:
        assert err.decode() == ""  # the report alone: no log line of the probes
