"""The demo reads what is typed into its terminal only while it runs: once it stops, a line
typed before the process exits is left for the shell."""

from __future__ import annotations

import asyncio
import os
import select
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

import pytest

from balance_bot.demo import typed_lines

DEADLINE_S = 5.0


@dataclass
class Terminal:
    """A pseudo-terminal: the keyboard's end, and the demo's, as a file and as its fd."""

    keyboard: int
    screen: int
    stdin: TextIO


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    keyboard, screen = os.openpty()
    # Left open: a reader left behind in a thread holds it; the fds are closed below.
    stdin = open(screen, encoding="utf-8", closefd=False)  # noqa: SIM115
    try:
        yield Terminal(keyboard, screen, stdin)
    finally:
        os.close(keyboard)
        os.close(screen)


async def test_a_line_typed_after_the_demo_stopped_reading_is_left_for_the_shell(
    terminal: Terminal,
) -> None:
    """A thread read the terminal until the process exited, and swallowed the next command
    typed for the shell."""
    keyboard, screen = terminal.keyboard, terminal.screen
    lines = typed_lines(terminal.stdin)
    os.write(keyboard, b"/balance\n")
    async with asyncio.timeout(DEADLINE_S):
        assert await anext(lines) == "/balance"
    await lines.aclose()  # the demo stops: Ctrl-C
    await asyncio.sleep(0)  # a reader left behind would take the next line now
    os.write(keyboard, b"ls\n")  # typed for the shell, while the process still exits
    ready, _, _ = await asyncio.to_thread(select.select, [screen], [], [], DEADLINE_S)
    assert ready == [screen]
    assert os.read(screen, 100) == b"ls\n"


async def test_lines_come_as_typed_and_end_with_the_input(terminal: Terminal) -> None:
    keyboard = terminal.keyboard
    lines = typed_lines(terminal.stdin)
    os.write(keyboard, "/alert btc fiyat üstünde 3.600.000\n".encode())
    os.write(keyboard, b"  /help  \n\x04")  # then Ctrl-D on an empty line: the end
    async with asyncio.timeout(DEADLINE_S):
        assert [line async for line in lines] == ["/alert btc fiyat üstünde 3.600.000", "/help"]
