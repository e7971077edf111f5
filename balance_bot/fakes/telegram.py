"""A fake Telegram Bot API that python-telegram-bot cannot tell from the real one.

    async with FakeTelegram() as telegram:
        app = ApplicationBuilder().token(DEMO_BOT_TOKEN).base_url(f"{telegram.api_url}/bot").build()
        telegram.send_text(DEMO_CHAT_ID, "/balance")
        [reply] = await telegram.wait_for_messages(DEMO_CHAT_ID)

Requests arrive at /bot{token}/{method} as query, form, multipart or JSON parameters, like
Telegram accepts them. Answers follow the Bot API: {"ok": true, "result": ...} or
{"ok": false, "error_code": ..., "description": ...}, with Telegram's own error texts.
"""

from __future__ import annotations

import collections
import copy
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Final

from aiohttp import web

from balance_bot.fakes._server import LocalServer, json_response
from balance_bot.fakes.seed import DEMO_BOT_TOKEN, DEMO_CHAT_ID
from balance_bot.fakes.telegram_methods import MessageMethods
from balance_bot.fakes.telegram_types import (
    ApiError,
    ChatType,
    JsonDict,
    Params,
    SentMessage,
    bad_request,
    command_entities,
    default_chat_type,
    user_object,
)

__all__ = ["ApiError", "FakeTelegram", "SentMessage"]

BAD_GATEWAY_HTML: Final = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)
CONFLICT: Final = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
_DEFAULT_EXCLUDED_UPDATES: Final = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)
_PATH_RE: Final = re.compile(r"/bot([^/]*)/([^/]*)")

Handler = Callable[[Params], Awaitable[object]]

_LOGGER = logging.getLogger(__name__)


class _Down(Exception):
    """The fake was set down while a request waited."""


class FakeTelegram(MessageMethods, LocalServer):
    """Serve the Bot API methods the bot uses; feed it updates and record what it sends."""

    def __init__(
        self,
        *,
        token: str = DEMO_BOT_TOKEN,
        bot_id: int | None = None,
        bot_username: str = "btcturk_demo_bot",
        enforce_limits: bool = False,
    ) -> None:
        """Set up a bot; `bot_id` defaults to the number before the token's colon."""
        LocalServer.__init__(self)
        MessageMethods.__init__(self, enforce_limits=enforce_limits)
        self.token = token
        self.bot_id = bot_id if bot_id is not None else int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.calls: collections.Counter[str] = collections.Counter()
        self._down = False
        self._token_refused = False
        self._failures: dict[str, collections.deque[ApiError]] = collections.defaultdict(
            collections.deque
        )
        self._updates: list[JsonDict] = []
        self._next_update_id = 700_000_001
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self._next_callback = 4_238_100_000_000_000_001
        self._commands: dict[tuple[str, str], list[JsonDict]] = {}
        self._chat_failures: dict[int, collections.deque[ApiError]] = collections.defaultdict(
            collections.deque
        )
        self._migrated: dict[int, int] = {}
        self._me_without: frozenset[str] = frozenset()
        self._slow: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)
        handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook,
            "setMyCommands": self._set_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "answerCallbackQuery": self._answer_callback_query,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendChatAction": self._send_chat_action,
            "deleteMessage": self._delete_message,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
        }
        self._handlers = {name.lower(): (name, handler) for name, handler in handlers.items()}

    @property
    def api_url(self) -> str:
        """Return the API root; configure the bot with base_url f"{api_url}/bot"."""
        return self.url

    @property
    def bot_user(self) -> JsonDict:
        """Return the bot's User object."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "BTCTurk Demo",
            "username": self.bot_username,
        }

    # Inputs: what users do

    def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: ChatType = "private",
        edited: bool = False,
    ) -> int:
        """Deliver a user's text message (or its edit); commands carry bot_command entities."""
        if chat_type == "channel" or (chat_type == "private") != (chat_id > 0):
            raise ValueError(f"chat {chat_id} cannot be of type {chat_type!r}")
        chat = self._register_chat(chat_id, chat_type)
        sender = user_id if user_id is not None else (chat_id if chat_id > 0 else DEMO_CHAT_ID)
        message = self._new_message(chat, sender=user_object(sender), text=text)
        entities = command_entities(text)
        if entities:
            message["entities"] = entities
        if edited:
            message["edit_date"] = message["date"]
        return self.push_update({"edited_message" if edited else "message": message})

    def send_callback(
        self, chat_id: int, data: str, *, message_id: int, user_id: int | None = None
    ) -> int:
        """Deliver a press on an inline button of message `message_id`."""
        chat = self._chats.get(chat_id) or self._register_chat(chat_id)
        stored = self._messages.get((chat_id, message_id))
        message = copy.deepcopy(stored) if stored else {"message_id": message_id, "chat": chat}
        message.setdefault("date", 0)  # date 0: an inaccessible message
        query_id = str(self._next_callback)
        self._next_callback += 1
        self._callbacks[query_id] = (chat_id, data)
        sender = user_id if user_id is not None else (chat_id if chat_id > 0 else DEMO_CHAT_ID)
        query = {
            "id": query_id,
            "from": user_object(sender),
            "message": message,
            "chat_instance": str(-7_000_000_000_000_000 - chat_id),
            "data": data,
        }
        return self.push_update({"callback_query": query})

    def post_channel(self, chat_id: int, text: str) -> int:
        """Deliver a post in a channel the bot is a member of."""
        chat = self._register_chat(chat_id, "channel")
        message = self._new_message(chat, sender=None, text=text)
        return self.push_update({"channel_post": message})

    def push_update(self, raw: JsonDict) -> int:
        """Queue a raw Update (update_id assigned when absent) and wake getUpdates."""
        update = copy.deepcopy(raw)
        update_id = int(update.get("update_id", self._next_update_id))
        update["update_id"] = update_id
        self._next_update_id = max(self._next_update_id, update_id + 1)
        self._updates.append(update)
        self.changed.notify()
        return update_id

    def edit_text(self, chat_id: int, text: str, *, message_id: int | None = None) -> int:
        """Deliver the edit of a user's message (by default their last one in `chat_id`)."""
        if message_id is None:
            message_id = max(
                m for c, m in self._messages if c == chat_id and (c, m) not in self._bot_messages
            )
        message = self._messages[(chat_id, message_id)]
        message["text"] = text
        message.pop("entities", None)
        if command_entities(text):
            message["entities"] = command_entities(text)
        message["edit_date"] = message["date"] + 1
        return self.push_update({"edited_message": message})

    def add_to_group(self, chat_id: int, *, user_id: int = DEMO_CHAT_ID) -> list[int]:
        """Have `user_id` add the bot to a group: my_chat_member, then the service message."""
        chat = self._register_chat(chat_id, default_chat_type(chat_id))
        adder = user_object(user_id)
        member = {
            "chat": chat,
            "from": adder,
            "date": int(time.time()),
            "old_chat_member": {"status": "left", "user": self.bot_user},
            "new_chat_member": {"status": "member", "user": self.bot_user},
        }
        joined = self._new_message(chat, sender=adder, new_chat_members=[self.bot_user])
        return [self.push_update({"my_chat_member": member}), self.push_update({"message": joined})]

    def send_unreadable(self, chat_id: int, text: str = "/help") -> int:
        """Deliver a message python-telegram-bot cannot parse: an entity without its offset."""
        chat = self._register_chat(chat_id)
        message = self._new_message(chat, sender=user_object(chat_id), text=text)
        message["entities"] = [{"type": "bot_command"}]
        return self.push_update({"message": message})

    # Faults and state

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` with this error."""
        error = ApiError(status, description, retry_after=retry_after)
        self._failures[method.lower()].extend([error] * times)

    def pending_chat_failures(self, chat_id: int) -> int:
        """Return how many of the failures queued for `chat_id` no request has met yet."""
        return len(self._chat_failures.get(chat_id, ()))

    def fail_chat_next(
        self,
        chat_id: int,
        *,
        status: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` requests naming `chat_id` (any method) with this error."""
        error = ApiError(status, description, retry_after=retry_after)
        self._chat_failures[chat_id].extend([error] * times)

    def migrate_chat(
        self, old_chat_id: int, new_chat_id: int, *, announce: bool = False
    ) -> list[int]:
        """Upgrade a group to a supergroup: sends to the old ID fail with migrate_to_chat_id.

        With `announce`, both chats also get the service messages Telegram sends: the old
        group one with `migrate_to_chat_id`, the new supergroup one with `migrate_from_chat_id`.
        Return the IDs of the updates pushed.
        """
        self._migrated[old_chat_id] = new_chat_id
        if not announce:
            return []
        old = self._register_chat(old_chat_id, "group")
        new = self._register_chat(new_chat_id, "supergroup")
        sender = user_object(DEMO_CHAT_ID)
        to_new = self._new_message(old, sender=sender, migrate_to_chat_id=new_chat_id)
        from_old = self._new_message(new, sender=sender, migrate_from_chat_id=old_chat_id)
        return [self.push_update({"message": to_new}), self.push_update({"message": from_old})]

    def answer_me_without(self, *fields: str) -> None:
        """Answer getMe without `fields` (e.g. "is_bot"), as a server that is no Bot API may."""
        self._me_without = frozenset(fields)

    def slow_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Carry out the next `times` calls of `method` at once but answer `seconds` later."""
        self._slow[method.lower()].extend([seconds] * times)

    def block_chat(self, chat_id: int) -> None:
        """Make sends to `chat_id` fail with 403, as after the user blocked the bot."""
        self._blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        """Undo block_chat()."""
        self._blocked.discard(chat_id)

    def forget_chat(self, chat_id: int) -> None:
        """Make sends to `chat_id` fail with 400 "chat not found"."""
        self._forgotten.add(chat_id)

    def refuse_token(self, refused: bool = True) -> None:
        """Answer every request with 401 Unauthorized, as after the token was revoked."""
        self._token_refused = refused
        self.changed.notify()

    def set_down(self, down: bool = True) -> None:
        """Answer every request with 502 Bad Gateway, like an unreachable Bot API."""
        self._down = down
        self.changed.notify()

    def message(self, chat_id: int, message_id: int) -> JsonDict | None:
        """Return the current state of a message, as Telegram would return it."""
        stored = self._messages.get((chat_id, message_id))
        return copy.deepcopy(stored) if stored is not None else None

    def freeze_message(self, chat_id: int, message_id: int) -> None:
        """Make edits of a message fail with 400, as Telegram does once it is too old."""
        self._frozen.add((chat_id, message_id))

    def remove_message(self, chat_id: int, message_id: int) -> None:
        """Delete a message as a user would; a button press on it then names no message."""
        self._messages.pop((chat_id, message_id), None)
        self._bot_messages.discard((chat_id, message_id))

    def bot_messages(self, chat_id: int) -> list[JsonDict]:
        """Return the bot's messages in a chat as the chat shows them now, oldest first."""
        keys = sorted(key for key in self._bot_messages if key[0] == chat_id)
        return [copy.deepcopy(self._messages[key]) for key in keys]

    def commands(self, scope: JsonDict | None = None, language_code: str = "") -> list[JsonDict]:
        """Return the commands set for a scope (default scope when None) and language."""
        return copy.deepcopy(self._commands.get(_commands_key(scope, language_code), []))

    @property
    def pending_updates(self) -> int:
        """Return how many updates the bot has not confirmed yet."""
        return len(self._updates)

    async def wait_for_messages(
        self,
        chat_id: int | None = None,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for tests, not a network timeout
        since: int = 0,
    ) -> list[SentMessage]:
        """Wait until `sent[since:]` holds `count` messages (to `chat_id`); return them all."""

        def matching() -> list[SentMessage]:
            return [m for m in self.sent[since:] if chat_id is None or m.chat_id == chat_id]

        target = "any chat" if chat_id is None else f"chat {chat_id}"
        await self.wait_until(
            lambda: len(matching()) >= count,
            timeout=timeout,
            what=f"{count} message(s) to {target} after sent[{since}]",
        )
        return matching()

    def describe(self) -> str:
        """List the calls and every message sent so far."""
        lines = [
            f"#{i} {m.method} -> {m.chat_id}: {m.plain_text[:80]!r}"
            for i, m in enumerate(self.sent)
        ]
        return f"calls: {dict(self.calls)}; sent so far ({len(self.sent)}):\n" + (
            "\n".join(lines) or "(nothing)"
        )

    # Server

    def build_app(self) -> web.Application:
        """Return the application answering every path."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        return app

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        try:
            return await self._answer(request)
        finally:
            self.changed.notify()

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        match = _PATH_RE.fullmatch(request.path)
        token, asked = match.groups() if match else ("", "")
        name, handler = self._handlers.get(asked.lower(), (asked, None))
        if match:
            self.calls[name] += 1
            self.changed.notify()
        if self._down:
            return _bad_gateway()
        try:
            if not match:
                raise ApiError(404, "Not Found")
            if token != self.token or self._token_refused:
                raise ApiError(401, "Unauthorized")
            failures = self._failures.get(name.lower())
            if failures:
                raise failures.popleft()
            if handler is None:
                _LOGGER.warning("FakeTelegram has no method %r; answering 404 Not Found", asked)
                raise ApiError(404, "Not Found")
            params = await Params.read(request)
            self._chat_fault(name, params)
            result = await handler(params)
            await self._slow_answer(name)
        except ApiError as error:
            return json_response(error.body(), status=error.status)
        except _Down:
            return _bad_gateway()
        return json_response({"ok": True, "result": result})

    def _chat_fault(self, method: str, params: Params) -> None:
        """Raise the error queued for the request's chat, or the upgrade of its group."""
        raw = params.values.get("chat_id")
        if raw is None or method in ("getUpdates", "getMe"):
            return
        try:
            chat_id = int(str(raw))
        except ValueError:
            return
        if chat_id in self._migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=self._migrated[chat_id],
            )
        failures = self._chat_failures.get(chat_id)
        if failures:
            raise failures.popleft()

    async def _slow_answer(self, method: str) -> None:
        """Hold the answer of a call slow_next() made slow (its work is already done)."""
        delays = self._slow.get(method.lower())
        if delays:
            self.changed.notify()
            await self.sleep(delays.popleft())

    # Methods other than messages

    async def _get_me(self, params: Params) -> object:
        me = self.bot_user | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        return {key: value for key, value in me.items() if key not in self._me_without}

    async def _get_chat(self, params: Params) -> object:
        """Answer as Telegram does: the chat with its full info, or why the bot cannot reach it."""
        return self._reachable_chat(params) | {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def _get_chat_member(self, params: Params) -> object:
        """Answer the bot's own membership: a member of every chat it can reach."""
        self._reachable_chat(params)
        user_id = params.integer("user_id")
        if user_id != self.bot_id:
            raise bad_request("user not found")
        return {"status": "member", "user": self.bot_user}

    async def _get_updates(self, params: Params) -> object:
        offset = params.integer("offset")
        limit = min(max(params.integer("limit") or 100, 1), 100)
        timeout = params.number("timeout") or 0.0
        allowed = params.json("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(map(str, allowed)) or None
        if offset is not None:
            self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation

        def ready() -> bool:
            return bool(
                self._deliverable()
                or self.closing
                or self._down
                or self._token_refused
                or generation != self._poll_generation
            )

        if timeout > 0:
            await self.changed.wait_until(ready, timeout)
        if generation != self._poll_generation:
            raise ApiError(409, CONFLICT)
        if self._down:
            raise _Down
        if self._token_refused:
            raise ApiError(401, "Unauthorized")
        return copy.deepcopy(self._deliverable()[:limit])

    def _confirm(self, offset: int) -> None:
        """Forget updates below `offset`; a negative offset keeps only the last -offset."""
        if offset < 0:
            self._updates = self._updates[offset:]
        else:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]

    def _deliverable(self) -> list[JsonDict]:
        """Drop updates of types the bot did not ask for and return the rest."""
        allowed = self._allowed_updates

        def wanted(update: JsonDict) -> bool:
            kind = next((key for key in update if key != "update_id"), "")
            return kind in allowed if allowed is not None else kind not in _DEFAULT_EXCLUDED_UPDATES

        self._updates = [u for u in self._updates if wanted(u)]
        return self._updates

    async def _delete_webhook(self, params: Params) -> object:
        if params.flag("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _set_my_commands(self, params: Params) -> object:
        commands = params.json("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        cleaned: list[JsonDict] = []
        for item in commands:
            if not isinstance(item, dict):
                raise bad_request("can't parse BotCommand JSON object")
            command, description = str(item.get("command", "")), str(item.get("description", ""))
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("command description must be non-empty")
            cleaned.append({"command": command, "description": description})
        self._commands[self._commands_key(params)] = cleaned
        return True

    def _commands_key(self, params: Params) -> tuple[str, str]:
        scope = params.json("scope")
        if scope is not None and not isinstance(scope, dict):
            raise bad_request("can't parse BotCommandScope JSON object")
        return _commands_key(scope, params.text("language_code") or "")


def _commands_key(scope: JsonDict | None, language_code: str) -> tuple[str, str]:
    scope = scope or {"type": "default"}
    key = ",".join(f"{k}={scope[k]}" for k in sorted(scope))
    return key, language_code


def _bad_gateway() -> web.Response:
    return web.Response(status=502, text=BAD_GATEWAY_HTML, content_type="text/html")
