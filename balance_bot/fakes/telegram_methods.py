"""The fake Bot API's message methods: send, edit, photos, chat actions, callback answers."""

from __future__ import annotations

import collections
import copy
import dataclasses
import time
from typing import Final

from balance_bot.fakes.telegram_html import (
    EntityParseError,
    FormattedText,
    parse_html,
    strip_formatted,
)
from balance_bot.fakes.telegram_limits import FloodControl
from balance_bot.fakes.telegram_types import (
    AnsweredCallback,
    ApiError,
    ChatType,
    JsonDict,
    Params,
    SentMessage,
    Upload,
    bad_request,
    chat_object,
    default_chat_type,
    image_size,
)

MAX_TEXT: Final = 4096
MAX_CAPTION: Final = 1024
NOT_MODIFIED: Final = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
CHAT_ACTIONS: Final = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_BUTTON_ACTIONS: Final = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)


class MessageMethods:
    """Chats, stored messages and the methods that create or change messages."""

    def __init__(self, *, enforce_limits: bool) -> None:
        """Start with no chats and no messages."""
        self.enforce_limits = enforce_limits
        self.flood = FloodControl()
        self.rate_limit_hits = 0
        self.sent: list[SentMessage] = []
        self.answered_callbacks: list[AnsweredCallback] = []
        self.chat_actions: list[tuple[int, str]] = []
        self.deleted: list[tuple[int, int]] = []
        self._chats: dict[int, JsonDict] = {}
        self._messages: dict[tuple[int, int], JsonDict] = {}
        self._bot_messages: set[tuple[int, int]] = set()
        self._last_message_id: dict[int, int] = collections.defaultdict(int)
        self._blocked: set[int] = set()
        self._forgotten: set[int] = set()
        self._callbacks: dict[str, tuple[int, str]] = {}
        self._next_file = 1
        self._frozen: set[tuple[int, int]] = set()

    @property
    def bot_user(self) -> JsonDict:
        """Return the bot's User object."""
        raise NotImplementedError

    # Methods

    async def _send_message(self, params: Params) -> object:
        chat = self._reachable_chat(params)
        text = params.text("text") or ""
        formatted = self._formatted(text, params.text("parse_mode"), params.json("entities"))
        if not formatted.text:
            raise bad_request("message text is empty")
        if len(formatted.text) > MAX_TEXT:
            raise bad_request("message is too long")
        sent_markup, markup = self._markup(params)
        reply_to = self._reply_to(params, chat)
        self._check_flood(chat["id"])
        fields: JsonDict = {"text": formatted.text}
        if formatted.entities:
            fields["entities"] = formatted.entities
        message = self._bot_message(chat, fields, reply_to, markup)
        self._record(params, "sendMessage", message, text, formatted.text, sent_markup)
        return copy.deepcopy(message)

    def _bot_message(
        self, chat: JsonDict, fields: JsonDict, reply_to: JsonDict | None, markup: JsonDict | None
    ) -> JsonDict:
        """Store a new message from the bot with its reply and keyboard, if any."""
        if reply_to is not None:
            fields["reply_to_message"] = reply_to
        if markup is not None:
            fields["reply_markup"] = markup
        message = self._new_message(chat, sender=self.bot_user, **fields)
        self._bot_messages.add((chat["id"], message["message_id"]))
        return message

    async def _edit_message_text(self, params: Params) -> object:
        _, stored = self._editable(params)
        if "text" not in stored:
            raise bad_request("there is no text in the message to edit")
        text = params.text("text") or ""
        formatted = self._formatted(text, params.text("parse_mode"), params.json("entities"))
        if not formatted.text:
            raise bad_request("message text is empty")
        if len(formatted.text) > MAX_TEXT:
            raise bad_request("MESSAGE_TOO_LONG")
        sent_markup, markup = self._markup(params)
        unchanged = (
            stored["text"] == formatted.text
            and stored.get("entities", []) == formatted.entities
            and stored.get("reply_markup") == markup
        )
        if unchanged:
            raise bad_request(NOT_MODIFIED)
        stored["text"] = formatted.text
        _set_or_drop(stored, "entities", formatted.entities or None)
        _set_or_drop(stored, "reply_markup", markup)
        stored["edit_date"] = int(time.time())
        self._record(params, "editMessageText", stored, text, formatted.text, sent_markup)
        return copy.deepcopy(stored)

    async def _send_photo(self, params: Params) -> object:
        chat = self._reachable_chat(params)
        upload = self._photo_upload(params)
        if upload is None and not params.text("photo"):
            raise bad_request("there is no photo in the request")
        width, height, size = 800, 600, None
        if upload is not None:
            if not upload.content:
                raise bad_request("file must be non-empty")
            dimensions = image_size(upload.content)
            if dimensions is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            width, height = dimensions if dimensions != (0, 0) else (width, height)
            size = len(upload.content)
        caption = params.text("caption") or ""
        formatted = self._formatted(
            caption, params.text("parse_mode"), params.json("caption_entities")
        )
        if len(formatted.text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        sent_markup, markup = self._markup(params)
        reply_to = self._reply_to(params, chat)
        self._check_flood(chat["id"])
        number = self._next_file
        self._next_file += 1
        photo = {
            "file_id": f"AgACAgIAAxkBAAI{number:08d}fakePhotoFileId",
            "file_unique_id": f"AQAD{number:08d}",
            "width": width,
            "height": height,
            "file_size": size or 0,
        }
        fields: JsonDict = {"photo": [photo]}
        if formatted.text:
            fields["caption"] = formatted.text
        if formatted.entities:
            fields["caption_entities"] = formatted.entities
        message = self._bot_message(chat, fields, reply_to, markup)
        self._record(
            params,
            "sendPhoto",
            message,
            "",
            formatted.text,
            sent_markup,
            photo_size=size,
            caption=caption or None,
        )
        if upload is not None:
            self.sent[-1] = dataclasses.replace(
                self.sent[-1], photo=upload.content, filename=upload.filename
            )
        return copy.deepcopy(message)

    async def _send_document(self, params: Params) -> object:
        chat = self._reachable_chat(params)
        upload = params.files.get("document")
        if upload is None or not upload.content:
            raise bad_request("there is no document in the request")
        caption = params.text("caption") or ""
        formatted = self._formatted(
            caption, params.text("parse_mode"), params.json("caption_entities")
        )
        if len(formatted.text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        self._check_flood(chat["id"])
        number = self._next_file
        self._next_file += 1
        document = {
            "file_id": f"BQACAgIAAxkBAAI{number:08d}fakeDocumentFileId",
            "file_unique_id": f"AgAD{number:08d}",
            "file_name": upload.filename or "document",
            "file_size": len(upload.content),
        }
        fields: JsonDict = {"document": document}
        if formatted.text:
            fields["caption"] = formatted.text
        message = self._bot_message(chat, fields, self._reply_to(params, chat), None)
        self._record(params, "sendDocument", message, "", formatted.text, None, caption=caption)
        self.sent[-1] = dataclasses.replace(
            self.sent[-1], document=upload.content, filename=upload.filename
        )
        return copy.deepcopy(message)

    async def _send_chat_action(self, params: Params) -> object:
        chat = self._reachable_chat(params)
        action = params.text("action") or ""
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.chat_actions.append((chat["id"], action))
        return True

    async def _delete_message(self, params: Params) -> object:
        chat = self._reachable_chat(params)
        message_id = params.integer("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        key = (int(chat["id"]), message_id)
        if self._messages.pop(key, None) is None:
            raise bad_request("message to delete not found")
        self._bot_messages.discard(key)
        self.deleted.append(key)
        return True

    async def _answer_callback_query(self, params: Params) -> object:
        query_id = params.text("callback_query_id") or ""
        if query_id not in self._callbacks:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        chat_id, data = self._callbacks.pop(query_id)
        answer = AnsweredCallback(
            query_id,
            chat_id,
            data,
            params.text("text"),
            params.flag("show_alert"),
            at=time.monotonic(),
        )
        self.answered_callbacks.append(answer)
        return True

    # Helpers

    def _register_chat(self, chat_id: int, chat_type: ChatType | None = None) -> JsonDict:
        """Return the chat, creating it (or changing its type) as needed."""
        chat = self._chats.get(chat_id)
        if chat is None or (chat_type is not None and chat["type"] != chat_type):
            chat = chat_object(chat_id, chat_type or default_chat_type(chat_id))
            self._chats[chat_id] = chat
        return chat

    def _reachable_chat(self, params: Params) -> JsonDict:
        """Return the chat named by chat_id, or raise the error Telegram gives for it."""
        raw = params.values.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        try:
            chat_id = int(str(raw))
        except ValueError:
            raise bad_request("chat not found") from None
        if chat_id in self._forgotten:
            raise bad_request("chat not found")
        if chat_id in self._blocked:
            if chat_id > 0:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            raise ApiError(403, "Forbidden: bot was kicked from the group chat")
        return self._register_chat(chat_id)

    def _editable(self, params: Params) -> tuple[JsonDict, JsonDict]:
        """Return the chat and the stored bot message named by chat_id and message_id."""
        if params.text("inline_message_id"):
            raise bad_request("message to edit not found")
        chat = self._reachable_chat(params)
        message_id = params.integer("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        key = (int(chat["id"]), message_id)
        stored = self._messages.get(key)
        if stored is None:
            raise bad_request("message to edit not found")
        if key not in self._bot_messages or key in self._frozen:
            raise bad_request("message can't be edited")
        return chat, stored

    def _new_message(
        self, chat: JsonDict, *, sender: JsonDict | None, **fields: object
    ) -> JsonDict:
        """Create and store a message in `chat` with the chat's next message_id."""
        chat_id = int(chat["id"])
        self._last_message_id[chat_id] += 1
        message: JsonDict = {"message_id": self._last_message_id[chat_id]}
        if sender is not None:
            message["from"] = sender
        if chat["type"] == "channel":
            message["sender_chat"] = chat
        message |= {"chat": chat, "date": int(time.time())} | fields
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _record(
        self,
        params: Params,
        method: str,
        message: JsonDict,
        text: str,
        plain_text: str,
        reply_markup: JsonDict | None,
        *,
        photo_size: int | None = None,
        caption: str | None = None,
    ) -> None:
        self.sent.append(
            SentMessage(
                method=method,
                chat_id=int(message["chat"]["id"]),
                message_id=int(message["message_id"]),
                text=text,
                plain_text=plain_text,
                parse_mode=params.text("parse_mode"),
                reply_markup=reply_markup,
                photo_size=photo_size,
                caption=caption,
                at=time.monotonic(),
                disable_notification=params.flag("disable_notification"),
            )
        )

    def _check_flood(self, chat_id: int) -> None:
        """Raise 429 when the message would exceed Telegram's limits (if enforced)."""
        if not self.enforce_limits:
            return
        wait = self.flood.acquire(chat_id)
        if wait is not None:
            self.rate_limit_hits += 1
            raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)

    @staticmethod
    def _formatted(text: str, parse_mode: str | None, entities: object) -> FormattedText:
        """Parse a text in its parse mode and trim it, or raise Telegram's 400."""
        mode = (parse_mode or "").lower()
        if mode == "html":
            try:
                formatted = parse_html(text)
            except EntityParseError as error:
                raise bad_request(f"can't parse entities: {error}") from None
        elif mode in ("", "markdown", "markdownv2"):
            given = entities if mode == "" and isinstance(entities, list) else []
            formatted = FormattedText(text, [e for e in given if isinstance(e, dict)])
        else:
            raise bad_request("unsupported parse_mode")
        return strip_formatted(formatted)

    @staticmethod
    def _markup(params: Params) -> tuple[JsonDict | None, JsonDict | None]:
        """Return the reply_markup as sent and as a Message echoes it (inline keyboards only)."""
        try:
            markup = params.json("reply_markup")
        except ApiError:
            raise bad_request("can't parse reply keyboard markup JSON object") from None
        if markup is None:
            return None, None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        keyboard = markup.get("inline_keyboard")
        if keyboard is None:
            return markup, None
        if not isinstance(keyboard, list) or not all(isinstance(row, list) for row in keyboard):
            raise bad_request("can't parse inline keyboard markup JSON object")
        for row in keyboard:
            for button in row:
                _check_button(button)
        rows = [row for row in keyboard if row]
        return markup, ({"inline_keyboard": rows} if rows else None)

    def _reply_to(self, params: Params, chat: JsonDict) -> JsonDict | None:
        """Return the message replied to, or raise when it is missing and that matters."""
        reply = params.json("reply_parameters")
        message_id = params.integer("reply_to_message_id")
        allow_missing = params.flag("allow_sending_without_reply")
        if isinstance(reply, dict):
            message_id = int(reply.get("message_id", 0))
            allow_missing = bool(reply.get("allow_sending_without_reply", allow_missing))
        if message_id is None:
            return None
        stored = self._messages.get((int(chat["id"]), message_id))
        if stored is None:
            if allow_missing:
                return None
            raise bad_request("message to be replied not found")
        return {k: v for k, v in stored.items() if k != "reply_to_message"}

    @staticmethod
    def _photo_upload(params: Params) -> Upload | None:
        if "photo" in params.files:
            return params.files["photo"]
        reference = params.text("photo") or ""
        if reference.startswith("attach://"):
            upload = params.files.get(reference.removeprefix("attach://"))
            if upload is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            return upload
        return None


def _check_button(button: object) -> None:
    """Raise Telegram's 400 for an inline keyboard button it would refuse."""
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    if not isinstance(button.get("text"), str) or not button["text"]:
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    if not _BUTTON_ACTIONS & button.keys():
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode()) <= 64:
        raise bad_request("BUTTON_DATA_INVALID")


def _set_or_drop(message: JsonDict, key: str, value: object) -> None:
    if value is None:
        message.pop(key, None)
    else:
        message[key] = value
