"""The per-chat backlog of updates: duplicates merged while a chat waits, the excess dropped."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update

from balance_bot.telegram_io.backlog import ChatBacklog

FLOODING = -1001234567890
QUIET = 111


def command(update_id: int, chat_id: int, text: str) -> Update:
    chat = Chat(chat_id, Chat.SUPERGROUP if chat_id < 0 else Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime.now(UTC), chat, text=text))


class Harness:
    """A backlog whose updates wait until released, recording which ran and the notes."""

    def __init__(self, *, congested: bool) -> None:
        self.ran: list[int] = []
        self.notes: list[int] = []
        self.release = asyncio.Event()
        self.backlog = ChatBacklog(
            lambda update: True, self._note, congested=lambda chat_id: congested, per_chat=3
        )

    async def _note(self, chat_id: int) -> None:
        self.notes.append(chat_id)

    async def _work(self, update: Update) -> None:
        self.ran.append(update.update_id)
        await self.release.wait()

    async def feed(self, updates: list[Update]) -> None:
        """Hand every update to the backlog, then let the waiting ones finish."""
        tasks = [
            asyncio.create_task(self.backlog.process_update(u, self._work(u))) for u in updates
        ]
        for _ in range(5):
            await asyncio.sleep(0)
        self.release.set()
        await asyncio.gather(*tasks)


async def test_a_command_already_waiting_in_a_congested_chat_runs_once() -> None:
    harness = Harness(congested=True)

    await harness.feed([command(i, FLOODING, "/balance") for i in range(1, 6)])

    assert harness.ran == [1]
    assert harness.notes == []


async def test_duplicates_all_run_while_the_chat_is_answered_promptly() -> None:
    harness = Harness(congested=False)

    await harness.feed([command(i, QUIET, "/balance") for i in range(1, 4)])

    assert harness.ran == [1, 2, 3]


async def test_beyond_the_backlog_the_chat_is_told_once_and_others_are_not_affected() -> None:
    harness = Harness(congested=False)
    flood = [command(i, FLOODING, f"/unalert {i}") for i in range(1, 10)]

    await harness.feed([*flood, command(100, QUIET, "/help")])

    assert harness.ran == [1, 2, 3, 100]
    assert harness.notes == [FLOODING]


async def test_a_drained_backlog_accepts_again_and_may_note_again() -> None:
    harness = Harness(congested=False)
    await harness.feed([command(i, FLOODING, f"/unalert {i}") for i in range(1, 6)])
    harness.release = asyncio.Event()

    await harness.feed([command(i, FLOODING, f"/unalert {i}") for i in range(6, 11)])

    assert harness.ran == [1, 2, 3, 6, 7, 8]
    assert harness.notes == [FLOODING, FLOODING]
