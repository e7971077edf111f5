"""The whitelist: one guard in front of every handler, for every kind of update.

In an allowed group with ALLOWED_USER_IDS set, only those users may run the commands that
change something (`changes` in handlers/command_table.py) or press a button that does
(WRITE_BUTTON_PREFIXES); the other members may read, or do nothing when GROUP_MEMBERS is
`none`. A refused member gets one short reply an hour at most, with no figure.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection

from telegram import Bot, Message, MessageEntity, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, TypeHandler

from balance_bot.core.alert_commands import ALERT_BUTTON_PREFIX
from balance_bot.core.i18n import get_lang
from balance_bot.core.texts.general import refusal_message
from balance_bot.telegram_io.refusals import RefusalBudget

log = logging.getLogger(__name__)

GUARD_GROUP = -100  # lower groups run first: nothing runs before the guard
REFUSAL_INTERVAL_S = 3600.0
MAX_REMEMBERED_STRANGERS = 10_000
GROUP_TYPES = frozenset({"group", "supergroup"})
WRITE_BUTTON_PREFIXES = (ALERT_BUTTON_PREFIX,)  # buttons that set something, as /alert does


class AccessGuard:
    """Let updates from whitelisted chats through and stop everything else."""

    def __init__(
        self,
        allowed_chat_ids: frozenset[int],
        *,
        default_language: str,
        refusal_bot: Bot,
        monotonic: Callable[[], float] = time.monotonic,
        migrated_chat_ids: Collection[int],
        allowed_user_ids: frozenset[int],
        group_members: str,
        changing: Collection[str],
        shown_alone: Collection[str],
    ) -> None:
        """Guard `allowed_chat_ids`; refusals go through `refusal_bot`, one with no rate limiter.

        `changing`: the commands a read-only group member may not send; `shown_alone`: those
        such a member may send without arguments (they then only show a setting)."""
        self.allowed_chat_ids = allowed_chat_ids
        self.migrated_chat_ids = migrated_chat_ids  # upgraded allowed groups, kept up to date
        self._default_language = default_language
        self._refusal_bot = refusal_bot
        self._monotonic = monotonic
        self._last_refusal: dict[int, float] = {}
        self._budget = RefusalBudget(monotonic=monotonic)
        self.allowed_user_ids = allowed_user_ids  # empty: every group member may act
        self.group_members = group_members  # "read" or "none"
        self._changing = frozenset(changing)
        self._shown_alone = frozenset(shown_alone)
        self._last_member_refusal: dict[tuple[int, int], float] = {}

    def is_allowed(self, update: object) -> bool:
        """Tell whether `update` comes from a whitelisted chat (deny when there is no chat)."""
        if not isinstance(update, Update):
            return False
        chat, message = update.effective_chat, update.effective_message
        # Telegram's own notice in a supergroup that an allowed group became: let it through.
        origin = message.migrate_from_chat_id if message is not None else None
        return chat is not None and any(
            chat_id in self.allowed_chat_ids or chat_id in self.migrated_chat_ids
            for chat_id in (chat.id, origin)
            if chat_id is not None
        )

    async def check(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stop a stranger's update before any other handler sees it."""
        if self.is_allowed(update):
            assert isinstance(update, Update)
            await self._check_member(update, context)
            return
        chat_id, user_id = _ids(update)
        if chat_id is None and user_id is None:  # nobody sent it, e.g. an update emptied on receipt
            log.debug("stopped an update from no chat and no user")
            raise ApplicationHandlerStop
        log.warning("refused update from chat_id=%s user_id=%s", chat_id, user_id)
        try:
            if isinstance(update, Update):
                await self._refuse(update, context, chat_id)
        except TelegramError as error:  # the refusal is a courtesy; the stop is not optional
            log.warning("could not send the refusal to chat %s: %s", chat_id, error)
        finally:
            raise ApplicationHandlerStop

    async def _refuse(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, chat_id: int | None
    ) -> None:
        """Answer at most once an hour per chat, with no figure, only the chat's own ID."""
        user = update.effective_user
        spoken = (user.language_code or "")[:2] if user else ""
        lang = get_lang(spoken, self._default_language)
        if update.callback_query is not None:
            await update.callback_query.answer(lang.t("refusal.short"))
        asks = _asks_something(update, context.bot.username)
        if chat_id is None or not asks or not self._due(chat_id) or not self._budget.take():
            return
        self._remember(chat_id)
        await self._refusal_bot.send_message(
            chat_id, refusal_message(chat_id, lang), parse_mode="HTML"
        )

    def _due(self, chat_id: int) -> bool:
        """Tell whether `chat_id` had no refusal in the last hour."""
        last = self._last_refusal.get(chat_id)
        return last is None or self._monotonic() - last >= REFUSAL_INTERVAL_S

    def _remember(self, chat_id: int) -> None:
        """Record a refusal to `chat_id` now, forgetting old ones when there are many."""
        now = self._monotonic()
        if len(self._last_refusal) >= MAX_REMEMBERED_STRANGERS:
            self._last_refusal = {
                chat: at for chat, at in self._last_refusal.items() if now - at < REFUSAL_INTERVAL_S
            }
        self._last_refusal[chat_id] = now

    def member_may(self, update: Update, bot_username: str) -> bool:
        """Tell whether the sender of `update` may do what it asks in this chat."""
        chat, user = update.effective_chat, update.effective_user
        if not self.allowed_user_ids or chat is None or chat.type not in GROUP_TYPES:
            return True
        if user is not None and user.id in self.allowed_user_ids:
            return True
        if update.callback_query is not None:  # Refresh reads; the alert buttons change things
            data = update.callback_query.data or ""
            return self.group_members == "read" and not data.startswith(WRITE_BUTTON_PREFIXES)
        message = update.message
        if message is None or not addressed_to_bot(message, bot_username):
            return True  # not a command to this bot: service messages, chatter, edits
        if self.group_members != "read":
            return False
        name = command_name(message)
        if name in self._shown_alone and len((message.text or "").split()) == 1:
            return True
        return name not in self._changing

    async def _check_member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stop a group member's command that needs rights the member lacks, answering politely."""
        if self.member_may(update, context.bot.username):
            return
        chat_id, user_id = _ids(update)
        log.info("refused a command from user_id=%s in group %s: no rights", user_id, chat_id)
        try:
            await self._refuse_member(update, context, chat_id, user_id)
        except TelegramError as error:
            log.warning("could not send the refusal to chat %s: %s", chat_id, error)
        finally:
            raise ApplicationHandlerStop

    async def _refuse_member(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        chat_id: int | None,
        user_id: int | None,
    ) -> None:
        """Answer a member at most once an hour per group, with no figure."""
        user = update.effective_user
        lang = get_lang((user.language_code or "")[:2] if user else "", self._default_language)
        if update.callback_query is not None:
            await update.callback_query.answer(lang.t("member.refused_short"))
            return
        if chat_id is None or user_id is None:
            return
        key, now = (chat_id, user_id), self._monotonic()
        last = self._last_member_refusal.get(key)
        if last is not None and now - last < REFUSAL_INTERVAL_S:
            return
        if not self._budget.take():
            return
        if len(self._last_member_refusal) >= MAX_REMEMBERED_STRANGERS:
            self._last_member_refusal.clear()
        self._last_member_refusal[key] = now
        text = lang.t("member.refused" if self.group_members == "read" else "member.refused_none")
        message = update.message
        reply_to = message.message_id if message is not None else None
        await self._refusal_bot.send_message(
            chat_id, text, parse_mode="HTML", reply_to_message_id=reply_to
        )


def install_guard(application: Application, guard: AccessGuard) -> None:  # type: ignore[type-arg]
    """Put `guard` in front of every handler of `application`."""
    application.add_handler(TypeHandler(object, guard.check), group=GUARD_GROUP)


def _ids(update: object) -> tuple[int | None, int | None]:
    if not isinstance(update, Update):
        return None, None
    chat, user = update.effective_chat, update.effective_user
    return (chat.id if chat else None), (user.id if user else None)


def _asks_something(update: Update, bot_username: str) -> bool:
    """Tell whether a stranger's update deserves an answer: a new private message, or a command
    addressed to this bot in a group (joins, edits and other bots' commands do not)."""
    message = update.message
    return message is not None and addressed_to_bot(message, bot_username)


def command_name(message: Message) -> str:
    """Return the command `message` starts with, without / and bot name: "alert"."""
    command = next(iter(message.parse_entities([MessageEntity.BOT_COMMAND]).values()), "")
    return command.lstrip("/").partition("@")[0].lower()


def addressed_to_bot(message: Message, bot_username: str) -> bool:
    """Tell whether `message` speaks to this bot: any private message, or in a group a command
    without a bot's name or with this bot's."""
    if message.chat.type == "private":
        return True
    command = next(iter(message.parse_entities([MessageEntity.BOT_COMMAND]).values()), "")
    if not command or not (message.text or "").startswith(command):
        return False
    _, _, addressee = command.partition("@")
    return not addressee or addressee.lower() == bot_username.lower()
