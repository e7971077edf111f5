"""The demo's terminal view of the fake Telegram chat.

Each message the bot sends becomes text as the owner reads it (tags stripped, captions too);
a picture or a file is saved to a folder and its path shown, so it opens in any viewer or
spreadsheet; inline buttons are listed under their message and found again, by their label or
their number, to be pressed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from balance_bot.fakes.telegram_types import JsonDict, SentMessage

_IMAGE_TYPES: Final = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF8", "gif"),
)


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button the owner can press: its label, its callback data and its message."""

    label: str
    data: str
    message_id: int


def button_labels(markup: JsonDict | None) -> list[str]:
    """Return the labels of an inline keyboard, row by row."""
    rows = (markup or {}).get("inline_keyboard", [])
    return [str(button.get("text", "")) for row in rows for button in row]


def _buttons(message: JsonDict) -> list[Button]:
    """Return the message's buttons that send a callback query, in order."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [
        Button(str(button.get("text", "")), str(button["callback_data"]), message["message_id"])
        for row in rows
        for button in row
        if "callback_data" in button
    ]


def find_button(messages: Sequence[JsonDict], wanted: str) -> Button | str:
    """Return the button `wanted` names, or say why there is none.

    `messages` are the chat's messages as it shows them now, oldest first. A number N picks the
    Nth button of the newest message with buttons, unless a label is that number; words pick
    the newest button whose label contains them, in any case ("refresh" finds "🔄 Refresh").
    """
    words = " ".join(wanted.split()).casefold()
    with_buttons = [buttons for m in messages if (buttons := _buttons(m))]
    if not words:
        return "say which button: !press Refresh, or !press 1 for the first one"
    if not with_buttons:
        return "no message above has a button"
    exact = [b for buttons in with_buttons for b in buttons if b.label.casefold() == words]
    if exact:
        return exact[-1]
    if words.isdigit():
        newest = with_buttons[-1]
        index = int(words)
        if 1 <= index <= len(newest):
            return newest[index - 1]
        return f"the last message with buttons has {len(newest)}: {_listed(newest)}"
    for buttons in reversed(with_buttons):
        for button in buttons:
            if words in button.label.casefold():
                return button
    return f"no button says “{wanted.strip()}”; the last ones: {_listed(with_buttons[-1])}"


def _listed(buttons: Sequence[Button]) -> str:
    return ", ".join(f"{n} “{b.label}”" for n, b in enumerate(buttons, start=1))


class Attachments:
    """Save the pictures and files the bot sends, numbered in the order they came."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.saved: list[Path] = []

    def save(self, message: SentMessage) -> Path | None:
        """Write the message's picture or file to the folder; return its path (None: none)."""
        content = message.photo if message.photo is not None else message.document
        if content is None:
            return None
        if message.photo is not None:
            name = f"picture.{_image_type(content)}"
        else:
            name = Path(message.filename or "file").name or "file"
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{len(self.saved) + 1:02d}-{name}"
        path.write_bytes(content)
        self.saved.append(path)
        return path


def _image_type(content: bytes) -> str:
    return next((kind for magic, kind in _IMAGE_TYPES if content.startswith(magic)), "img")


def message_text(message: SentMessage, saved: Path | None) -> str:
    """Return what the owner sees of `message`: its picture or file, text, and buttons."""
    lines = []
    if message.method == "sendPhoto":
        lines.append(f"[picture saved: {saved}]" if saved else "[picture]")
    elif message.method == "sendDocument":
        lines.append(f"[file saved: {saved}]" if saved else "[file]")
    if message.plain_text:
        lines.append(message.plain_text)
    labels = button_labels(message.reply_markup)
    if len(labels) == 1:
        lines.append(f"[ {labels[0]} ]")
    elif labels:
        lines.append("  ".join(f"[{n}: {label}]" for n, label in enumerate(labels, start=1)))
    return "\n".join(lines)
