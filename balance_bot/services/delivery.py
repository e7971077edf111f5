"""Deliver the outbox: send what is due, retry what failed for a passing reason, drop the rest.

A message is marked sent only after Telegram accepted it. Network errors, 5xx and 429 are
retried with backoff; a chat that blocked the bot or no longer exists is logged and skipped.
Messages to one chat keep their order: after a failure, that chat's later messages wait.
Each chat is delivered on its own, so a chat that must wait (a group's 20 a minute, a 429)
never holds up the others. A send Telegram did not answer in time may have arrived: it is
sent once more, waiting longer for the answer, and never a third time. A message Telegram
cannot parse goes out as plain text. When the database cannot record a send, nothing more is
sent until it can; an upgraded group is followed to its new ID.
During a chat's mute or the quiet hours, change and threshold alerts wait; when the hold
ends they go out as one digest. Urgent threshold alerts and summaries are never held.
Each chat's notification levels (/notify) apply here: a kind set `off` is dropped unsent, one
set `silent` goes with Telegram's disable_notification (urgent alerts always ring).
A sent message's Telegram id is recorded with it. An item that edits an earlier one (an alert
the history explained later) edits that message in place; where it cannot (the message was
not sent alone, is gone or too old, or the edit is refused) its short text replies to it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from telegram import Bot, Message, ReplyParameters
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from balance_bot.core.notify import Level, level_for
from balance_bot.core.plain import cannot_parse, plain_text
from balance_bot.core.split import split_message
from balance_bot.services.chats import ChatViews
from balance_bot.services.clock_steps import WallSteps
from balance_bot.services.quiet import QuietPolicy
from balance_bot.store.database import StoreError
from balance_bot.store.models import OutboxItem, OutboxState
from balance_bot.store.store import Store
from balance_bot.telegram_io.rate_limit import retry_after_s
from balance_bot.telegram_io.request import NotSent

log = logging.getLogger(__name__)

BATCH = 50
MAX_BACKOFF_S = 300.0
SEND_TIMEOUT_S = 20.0  # how long a send waits for Telegram's answer
PATIENT_TIMEOUT_S = 120.0  # the same, for the one retry of a send that was not answered
GONE_CHAT_HINTS = ("chat not found", "user not found", "peer_id_invalid", "group chat was")
OFF_REASON = "off in this chat's notification settings"
NOT_MODIFIED = "message is not modified"  # an edit made before (a retry): nothing to do


_End = tuple[OutboxState, str | None]  # how an item ended (sent, dropped…) and the error's text


def retry_delay(attempts: int) -> float:
    """Return how long to wait after the `attempts`-th failure: 2, 4, 8 … 300 seconds."""
    return float(min(MAX_BACKOFF_S, 2 ** min(attempts + 1, 16)))


@dataclass
class _Worker:
    """One chat's delivery; `parked` is set once it waits for Telegram's pacing of that chat."""

    task: asyncio.Task[int] | None = None
    parked: asyncio.Event = field(default_factory=asyncio.Event)


class Deliverer:
    """Send due outbox messages through the bot, each chat's in its own task."""

    def __init__(
        self,
        store: Store,
        bot: Bot,
        clock: Callable[[], datetime],
        quiet: QuietPolicy | None = None,
        views: ChatViews | None = None,
        *,
        congested: Callable[[int], bool] = lambda chat_id: False,
        migrate: Callable[[int, int], Awaitable[bool]] | None = None,
        steps: WallSteps | None = None,
        send_timeout_s: float = SEND_TIMEOUT_S,
        patient_timeout_s: float = PATIENT_TIMEOUT_S,
    ) -> None:
        """`congested` tells when a chat must wait its turn; `migrate` follows upgraded groups;
        `steps` tells when the wall clock stepped (None: it never does); a send waits
        `send_timeout_s` for Telegram's answer, its one retry `patient_timeout_s`."""
        self._store = store
        self._bot = bot
        self._clock = clock
        self._quiet = quiet
        self._views = views
        self._congested = congested
        self._migrate = migrate
        self._steps = steps
        self._send_timeout_s = send_timeout_s
        self._patient_timeout_s = patient_timeout_s
        self._workers: dict[int, _Worker] = {}
        self._unrecorded: dict[int, _End] = {}  # handled, but not saved yet
        self._message_ids: dict[int, int] = {}  # outbox id -> Telegram's id, until recorded
        self._kicked: set[asyncio.Task[int]] = set()
        self._stopped = False

    async def deliver_due(self) -> int:
        """Send what is due; wait for each chat's delivery unless it waits for its turn."""
        if self._stopped or not await self._record_unrecorded():
            return 0
        await self._follow_step()
        delivered, started = 0, set[int]()
        while not self._stopped:
            chats = [c for c in await self._store.due_chats(self._clock()) if c not in started]
            workers = [self._start(chat_id) for chat_id in chats if chat_id not in self._workers]
            if not workers:
                return delivered
            started.update(chats)
            for count in await asyncio.gather(*(_settled(worker) for worker in workers)):
                delivered += count
        return delivered

    def kick(self) -> None:
        """Start a delivery round in the background: messages were queued that go out now."""
        if self._stopped:
            return
        task = asyncio.get_running_loop().create_task(self.deliver_due(), name="deliver:kick")
        self._kicked.add(task)
        task.add_done_callback(self._kicked_done)

    def _kicked_done(self, task: asyncio.Task[int]) -> None:
        self._kicked.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("delivering the outbox failed", exc_info=task.exception())

    async def _follow_step(self) -> None:
        """After the wall clock stepped, move the retries' due times with it."""
        step = timedelta(0) if self._steps is None else self._steps.look()
        if step:
            moved = await self._store.shift_due(step)
            log.info("the wall clock stepped: %d owed message(s) keep their wait", moved)

    def stop(self) -> None:
        """Stop sending: what is not sent yet stays in the outbox for the next start."""
        self._stopped = True
        for worker in self._workers.values():
            if worker.task is not None:
                worker.task.cancel()
        for task in list(self._kicked):
            task.cancel()

    def _start(self, chat_id: int) -> _Worker:
        worker = self._workers[chat_id] = _Worker()
        worker.task = asyncio.create_task(self._deliver_chat_due(chat_id, worker))
        return worker

    async def _deliver_chat_due(self, chat_id: int, worker: _Worker) -> int:
        """Send the chat's due messages, batch by batch, until done or one must be retried."""
        sent = 0
        try:
            while not self._stopped and not self._unrecorded:
                due = await self._store.due_notifications(self._clock(), BATCH, chat_id)
                if not due:
                    break
                kept = await self._drop_unwanted(due)
                if kept is None:
                    break
                wanted, silent = kept
                released = await self._release(wanted)
                count, finished = await self._deliver_chat(released, worker, silent)
                sent += count
                if not finished:
                    break  # rows queued while this batch went out are read at the next turn
        finally:
            del self._workers[chat_id]
        return sent

    async def _record_unrecorded(self) -> bool:
        """Record the sends the database refused before; False while it still refuses."""
        for item_id, end in list(self._unrecorded.items()):
            try:
                await self._mark(item_id, end)
            except StoreError as error:
                log.error("the database still cannot record sent messages (%s)", error)
                return False
            del self._unrecorded[item_id]
        return True

    async def _mark(self, item_id: int, end: _End) -> None:
        state, error = end
        if state is OutboxState.SENT:
            await self._store.mark_sent(item_id, self._message_ids.get(item_id))
        elif state is OutboxState.ASSUMED_SENT:
            await self._store.mark_assumed_sent(item_id, error or "")
        else:
            await self._store.mark_dropped(item_id, error or "")
        self._message_ids.pop(item_id, None)

    async def _finish(self, items: list[OutboxItem], dropped_reason: str | None) -> bool:
        """Record that the items were sent (or dropped, with a reason); False on a database
        error, after which nothing is sent until it is recorded."""
        if dropped_reason is None:
            return await self._record(items, (OutboxState.SENT, None))
        return await self._record(items, (OutboxState.DROPPED, dropped_reason))

    async def _finish_unconfirmed(self, item: OutboxItem, error: str) -> bool:
        """Record that the item went out twice without an answer, so it is not sent again."""
        return await self._record([item], (OutboxState.ASSUMED_SENT, error))

    async def _record(self, items: list[OutboxItem], end: _End) -> bool:
        """Record how the items ended; on a database error, stop sending (False)."""
        for index, item in enumerate(items):
            try:
                await self._mark(item.id, end)
            except StoreError as error:
                log.error(
                    "message %d to chat %d was handled but the database cannot record it (%s);"
                    " sending nothing until it can, so that it is not sent again",
                    item.id, item.chat_id, error,
                )  # fmt: skip
                self._unrecorded.update((i.id, end) for i in items[index:])
                return False
        return True

    async def _drop_unwanted(
        self, items: list[OutboxItem]
    ) -> tuple[list[OutboxItem], frozenset[int]] | None:
        """Drop the kinds the chat turned off; return the rest and the ids that go silently.

        None when the database cannot record the drop.
        """
        if self._quiet is None or not items:
            return items, frozenset()
        chat_id = items[0].chat_id
        levels = await self._quiet.levels(chat_id)
        kept: list[OutboxItem] = []
        off: list[OutboxItem] = []
        silent: set[int] = set()
        for item in items:
            level = level_for(item.kind, levels)
            if level is Level.OFF:
                off.append(item)
                continue
            if level is Level.SILENT and not item.kind.rings:
                silent.add(item.id)
            kept.append(item)
        if off:
            log.debug("chat %d turned off %d queued message(s): dropped", chat_id, len(off))
            if not await self._finish(off, OFF_REASON):
                return None
        return kept, frozenset(silent)

    async def _release(self, items: list[OutboxItem]) -> list[OutboxItem]:
        """Hold what waits for the end of a mute or quiet hours; return what goes now."""
        if self._quiet is None or not items:
            return items
        until = await self._quiet.held_until(items[0].chat_id, self._clock())
        if until is None:
            return items
        held = [i for i in items if i.kind.held]
        if held:
            await self._store.hold([i.id for i in held], until)
        return [i for i in items if not i.kind.held]

    async def _deliver_chat(
        self, items: list[OutboxItem], worker: _Worker, silent: frozenset[int] = frozenset()
    ) -> tuple[int, bool]:
        """Send one chat's messages in order; stop at the first one that must be retried."""
        held = [i for i in items if i.held and i.kind.held and i.photo is None]
        if len(held) > 1 and self._views is not None:
            quietly = all(i.id in silent for i in held)
            if not await self._deliver_digest(held, worker, quietly):
                return 0, False
            items = [i for i in items if i not in held]
            sent = 1
        else:
            sent = 0
        for item in items:
            if self._stopped or self._unrecorded:
                return sent, False
            if not await self._deliver(item, worker, item.id in silent):
                return sent, False
            sent += 1
        return sent, True

    async def _deliver_digest(
        self, held: list[OutboxItem], worker: _Worker, silent: bool = False
    ) -> bool:
        """Send alerts held by quiet hours or a mute as one message (split only if too long)."""
        assert self._views is not None
        first = held[0]
        view = await self._views.view(first.chat_id)
        text = "\n\n".join([view.t("digest.title", count=len(held)), *(i.text for i in held)])
        for part in split_message(text):
            outcome, error = await self._send(first, part, None, worker, silent)
            self._message_ids.pop(first.id, None)  # a digest is no alert's message to edit
            if outcome is Outcome.DROPPED:
                return await self._finish(held, str(error))
            if outcome is not Outcome.SENT:
                return await self._failed(first, outcome, error)
        return await self._finish(held, None)

    async def _deliver(self, item: OutboxItem, worker: _Worker, silent: bool = False) -> bool:
        """Try one message; return True when it is finished (sent or dropped for good)."""
        reply_to = None
        if item.edit_of is not None:
            reply_to = await self._store.sent_message_id(item.edit_of)
            if reply_to is not None and item.edit_text is not None:
                outcome, error = await self._edit(item, item.edit_text, reply_to)
                if outcome is Outcome.SENT:
                    self._message_ids[item.id] = reply_to
                    return await self._finish([item], None)
                if outcome is not Outcome.DROPPED:
                    return await self._failed(item, outcome, error)
                log.info(
                    "message %d to chat %d cannot be edited (%s); replying to it instead",
                    reply_to, item.chat_id, error,
                )  # fmt: skip
        outcome, error = await self._send(item, item.text, item.photo, worker, silent, reply_to)
        if outcome is Outcome.SENT:
            return await self._finish([item], None)
        if outcome is Outcome.DROPPED:
            return await self._finish([item], str(error))
        return await self._failed(item, outcome, error)

    async def _failed(
        self, item: OutboxItem, outcome: Outcome, error: TelegramError | None
    ) -> bool:
        """Deal with a send that did not go through; return True if the item is finished."""
        if isinstance(error, ChatMigrated) and self._migrate is not None:
            if await self._migrate(item.chat_id, error.new_chat_id):
                return False  # the chat's messages are now owed to the new ID
            log.warning(
                "chat %d moved to %d, which it does not serve; skipped",
                item.chat_id,
                error.new_chat_id,
            )
            return await self._finish([item], str(error))
        if outcome is Outcome.UNCONFIRMED and item.unconfirmed:
            log.error(
                "Telegram did not confirm %s message %d to chat %d twice (%s); it probably"
                " arrived, so it is not sent a third time (unconfirmed)",
                item.kind, item.id, item.chat_id, error,
            )  # fmt: skip
            return await self._finish_unconfirmed(item, str(error))
        await self._retry(item, outcome, error)
        return False

    async def _send(
        self,
        item: OutboxItem,
        text: str,
        photo: bytes | None,
        worker: _Worker,
        silent: bool = False,
        reply_to: int | None = None,
    ) -> tuple[Outcome, TelegramError | None]:
        """Send one message (as plain text if Telegram cannot parse it) and classify the result."""
        chat_id = item.chat_id
        if self._congested(chat_id):
            worker.parked.set()  # the round goes on without waiting for this chat
        wait_s = self._patient_timeout_s if item.unconfirmed else self._send_timeout_s
        post = _Post(chat_id, photo, wait_s, silent, reply_to)
        try:
            try:
                message = await self._post(post, text, "HTML")
            except BadRequest as error:
                if not cannot_parse(error.message):
                    raise
                log.error(
                    "Telegram cannot parse %s message %d to chat %d (%s); sent as plain text",
                    item.kind, item.id, chat_id, error,
                )  # fmt: skip
                message = await self._post(post, plain_text(text), None)
            self._message_ids[item.id] = message.message_id
        except ChatMigrated as error:
            if self._migrate is not None:
                return Outcome.RETRY, error
            log.warning("chat %d cannot receive messages (%s); skipped", chat_id, error)
            return Outcome.DROPPED, error
        except Forbidden as error:
            log.warning("chat %d cannot receive messages (%s); skipped", chat_id, error)
            return Outcome.DROPPED, error
        except BadRequest as error:  # retrying the same request cannot help
            if any(hint in error.message.lower() for hint in GONE_CHAT_HINTS):
                log.warning("chat %d cannot receive messages (%s); skipped", chat_id, error)
            else:
                log.error("Telegram refused a message to chat %d: %s", chat_id, error)
            return Outcome.DROPPED, error
        except TimedOut as error:
            return (Outcome.RETRY if isinstance(error, NotSent) else Outcome.UNCONFIRMED), error
        except (RetryAfter, NetworkError) as error:  # NetworkError: 5xx too
            return Outcome.RETRY, error
        return Outcome.SENT, None

    async def _post(self, post: _Post, text: str, parse_mode: str | None) -> Message:
        reply = None
        if post.reply_to is not None:
            reply = ReplyParameters(post.reply_to, allow_sending_without_reply=True)
        if post.photo is not None:
            return await self._bot.send_photo(
                post.chat_id,
                post.photo,
                caption=text,
                parse_mode=parse_mode,
                read_timeout=post.wait_s,
                disable_notification=post.silent,
                reply_parameters=reply,
            )
        return await self._bot.send_message(
            post.chat_id,
            text,
            parse_mode=parse_mode,
            read_timeout=post.wait_s,
            disable_notification=post.silent,
            reply_parameters=reply,
        )

    async def _edit(
        self, item: OutboxItem, text: str, message_id: int
    ) -> tuple[Outcome, TelegramError | None]:
        """Edit an alert in place; DROPPED when it cannot be (the caller replies instead)."""
        chat_id = item.chat_id
        try:
            try:
                await self._edit_post(chat_id, message_id, text, "HTML")
            except BadRequest as error:
                if not cannot_parse(error.message):
                    raise
                await self._edit_post(chat_id, message_id, plain_text(text), None)
        except BadRequest as error:
            if NOT_MODIFIED in error.message.lower():
                return Outcome.SENT, None  # edited before: a retry after a lost answer
            return Outcome.DROPPED, error
        except Forbidden as error:
            return Outcome.DROPPED, error
        except (RetryAfter, NetworkError) as error:  # TimedOut too: an edit may be repeated
            return Outcome.RETRY, error
        except TelegramError as error:  # a chat that moved: the reply follows it
            return Outcome.DROPPED, error
        return Outcome.SENT, None

    async def _edit_post(
        self, chat_id: int, message_id: int, text: str, parse_mode: str | None
    ) -> None:
        await self._bot.edit_message_text(
            text,
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=parse_mode,
            read_timeout=self._send_timeout_s,
        )

    async def _retry(self, item: OutboxItem, outcome: Outcome, error: TelegramError | None) -> None:
        if isinstance(error, RetryAfter):
            delay_s = retry_after_s(error)
        else:
            delay_s = retry_delay(item.attempts)
        unconfirmed = outcome is Outcome.UNCONFIRMED
        log.warning(
            "delivery of %s message %d to chat %d failed (%s); retrying in %.0f s%s",
            item.kind, item.id, item.chat_id, error, delay_s,
            ", waiting longer for the answer" if unconfirmed else "",
        )  # fmt: skip
        when = self._clock() + timedelta(seconds=delay_s)
        await self._store.mark_retry(item.id, when, str(error), unconfirmed=unconfirmed)


@dataclass(frozen=True, slots=True)
class _Post:
    """Where and how one message is sent."""

    chat_id: int
    photo: bytes | None
    wait_s: float
    silent: bool
    reply_to: int | None  # the message it replies to, if any


async def _settled(worker: _Worker) -> int:
    """Wait until the worker is done or waits for its chat's turn; return what it sent."""
    assert worker.task is not None
    parked = asyncio.create_task(worker.parked.wait())
    try:
        await asyncio.wait({worker.task, parked}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        parked.cancel()
    if not worker.task.done() or worker.task.cancelled():
        return 0
    error = worker.task.exception()
    if error is not None:
        log.error("delivering the outbox failed", exc_info=error)
        return 0
    return worker.task.result()


class Outcome(Enum):
    """What became of one attempt to send."""

    SENT = "sent"
    DROPPED = "dropped"
    RETRY = "retry"
    UNCONFIRMED = "unconfirmed"  # timed out after it was sent: Telegram may have it
