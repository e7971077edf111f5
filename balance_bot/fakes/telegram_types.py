"""Records and Bot API objects of the fake Telegram: users, chats, messages, parameters."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Final, Literal

from aiohttp import web

from balance_bot.fakes.seed import DEMO_CHAT_ID
from balance_bot.fakes.telegram_html import utf16_len

JsonDict = dict[str, Any]
ChatType = Literal["private", "group", "supergroup", "channel"]

_COMMAND_RE: Final = re.compile(r"(?<![^\s])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")


@dataclass(frozen=True)
class SentMessage:
    """One message the bot sent or edited.

    `text` is the raw text as sent (the caption for sendPhoto is in `caption`); `plain_text`
    is what the user reads: tags stripped, entities unescaped (for sendPhoto and sendDocument,
    the caption's). `photo` and `document` hold the uploaded file's bytes.
    """

    method: str
    chat_id: int
    message_id: int
    text: str
    plain_text: str
    parse_mode: str | None
    reply_markup: JsonDict | None
    photo_size: int | None
    caption: str | None
    at: float
    disable_notification: bool = False  # sent without sound
    document: bytes | None = None  # sendDocument: the file's content
    filename: str | None = None
    photo: bytes | None = None  # sendPhoto: the uploaded picture (None when sent by file_id)

    @property
    def silent(self) -> bool:
        """Tell whether the message arrived without sound."""
        return self.disable_notification


@dataclass(frozen=True)
class AnsweredCallback:
    """One answerCallbackQuery call for a query the fake sent."""

    query_id: str
    chat_id: int
    data: str
    text: str | None
    show_alert: bool
    at: float = 0.0  # time.monotonic() when answered


class ApiError(Exception):
    """A Bot API error answer: {"ok": false, "error_code": status, "description": ...}."""

    def __init__(
        self,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def body(self) -> JsonDict:
        """Return the JSON body Telegram sends for this error."""
        body: JsonDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        if self.migrate_to_chat_id is not None:
            body["parameters"] = {"migrate_to_chat_id": self.migrate_to_chat_id}
        return body


def bad_request(reason: str) -> ApiError:
    """Return a 400 error with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {reason}")


@dataclass(frozen=True)
class Upload:
    """A file sent as a multipart part."""

    filename: str | None
    content: bytes


class Params:
    """The parameters of one Bot API call, from the query string and the body."""

    def __init__(self, values: dict[str, object], files: dict[str, Upload]) -> None:
        self.values = values
        self.files = files

    @classmethod
    async def read(cls, request: web.Request) -> Params:
        """Read parameters the way the Bot API accepts them: query, form, multipart or JSON."""
        values: dict[str, object] = dict(request.query)
        files: dict[str, Upload] = {}
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON request body") from None
            if isinstance(body, dict):
                values.update(body)
        elif request.can_read_body:
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    files[name] = Upload(value.filename, value.file.read())
                elif isinstance(value, bytes | bytearray):
                    values[name] = bytes(value).decode()
                else:
                    values[name] = value
        return cls(values, files)

    def text(self, name: str) -> str | None:
        """Return a string parameter (JSON values other than strings are re-encoded)."""
        value = self.values.get(name)
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value)

    def integer(self, name: str) -> int | None:
        """Return an integer parameter or raise 400 when it is not one."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        if isinstance(value, int):
            return value
        try:
            return int(str(value))
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None

    def number(self, name: str) -> float | None:
        """Return a numeric parameter or raise 400 when it is not one."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(str(value))
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        """Return a boolean parameter (absent means False)."""
        value = self.values.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def json(self, name: str) -> object:
        """Return a JSON-encoded parameter decoded, or raise 400 when it does not parse."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None


def user_object(user_id: int) -> JsonDict:
    """Return a human user."""
    first_name = "Demo" if user_id == DEMO_CHAT_ID else f"User {user_id}"
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": first_name,
        "username": f"user{user_id}",
        "language_code": "en",
    }


def chat_object(chat_id: int, chat_type: ChatType) -> JsonDict:
    """Return a chat: private chats carry the user's names, the others a title."""
    if chat_type == "private":
        user = user_object(chat_id)
        return {
            "id": chat_id,
            "type": "private",
            "first_name": user["first_name"],
            "username": user["username"],
        }
    return {"id": chat_id, "type": chat_type, "title": f"Demo {chat_type} {abs(chat_id)}"}


def default_chat_type(chat_id: int) -> ChatType:
    """Guess a chat's type from its id, as Telegram numbers them."""
    if chat_id > 0:
        return "private"
    return "supergroup" if chat_id <= -1_000_000_000_000 else "group"


def command_entities(text: str) -> list[JsonDict]:
    """Return the bot_command entities Telegram marks in a user's text."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group()),
        }
        for match in _COMMAND_RE.finditer(text)
    ]


def image_size(content: bytes) -> tuple[int, int] | None:
    """Return (width, height) of a PNG, (0, 0) for another known image format, else None."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        return int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")
    known = (b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")
    if content.startswith(known) or (content[:4] == b"RIFF" and content[8:12] == b"WEBP"):
        return 0, 0
    return None
