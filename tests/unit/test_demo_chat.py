"""The demo's view of the chat: what a message shows, where its file goes, which button."""

from __future__ import annotations

from pathlib import Path

from balance_bot.fakes.telegram_chat import Attachments, Button, find_button, message_text
from balance_bot.fakes.telegram_types import JsonDict, SentMessage

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def keyboard(*labels: str) -> JsonDict:
    return {"inline_keyboard": [[{"text": t, "callback_data": f"d:{t}"} for t in labels]]}


def message(message_id: int, markup: JsonDict | None = None) -> JsonDict:
    shown: JsonDict = {"message_id": message_id, "text": "…"}
    if markup is not None:
        shown["reply_markup"] = markup
    return shown


def sent(method: str, plain: str, **fields: object) -> SentMessage:
    return SentMessage(method, 1, 1, "<b>raw</b>", plain, "HTML", None, None, None, 0.0, **fields)  # type: ignore[arg-type]


CHAT = [
    message(1, keyboard("🔄 Refresh")),
    message(2),
    message(3, keyboard("3.6", "3600")),
    message(4),
]


def test_words_find_the_newest_button_that_says_them_in_any_case() -> None:
    assert find_button(CHAT, "refresh") == Button("🔄 Refresh", "d:🔄 Refresh", 1)
    assert find_button(CHAT, " 3600 ") == Button("3600", "d:3600", 3)


def test_a_number_picks_a_button_of_the_newest_message_with_buttons() -> None:
    assert find_button(CHAT, "1") == Button("3.6", "d:3.6", 3)
    assert find_button(CHAT, "3") == "the last message with buttons has 2: 1 “3.6”, 2 “3600”"


def test_no_button_says_why() -> None:
    assert find_button(CHAT, "check again").startswith("no button says “check again”")  # type: ignore[union-attr]
    assert find_button([message(1)], "refresh") == "no message above has a button"
    url_only = message(1, {"inline_keyboard": [[{"text": "Site", "url": "https://x"}]]})
    assert find_button([url_only], "site") == "no message above has a button"


def test_a_picture_is_saved_and_shown_with_its_caption_as_read(tmp_path: Path) -> None:
    files = Attachments(tmp_path / "files")
    picture = sent("sendPhoto", "📊 Portfolio: 1 TRY", photo=PNG)
    csv = sent("sendDocument", "📄 2026", document=b"a,b\n", filename="btcturk-2026.csv")

    shown = [message_text(m, files.save(m)) for m in (picture, csv)]

    assert files.saved == [
        tmp_path / "files/01-picture.png",
        tmp_path / "files/02-btcturk-2026.csv",
    ]
    assert files.saved[0].read_bytes() == PNG
    assert shown == [
        f"[picture saved: {files.saved[0]}]\n📊 Portfolio: 1 TRY",
        f"[file saved: {files.saved[1]}]\n📄 2026",
    ]


def test_buttons_are_listed_under_the_text_numbered_when_several() -> None:
    one = SentMessage("sendMessage", 1, 1, "", "Hi", None, keyboard("🔄 Refresh"), None, None, 0.0)
    two = SentMessage("sendMessage", 1, 2, "", "Hi", None, keyboard("3.6", "3600"), None, None, 0.0)

    assert message_text(one, None) == "Hi\n[ 🔄 Refresh ]"
    assert message_text(two, None) == "Hi\n[1: 3.6]  [2: 3600]"
