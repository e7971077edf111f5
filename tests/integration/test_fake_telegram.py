"""A real python-telegram-bot Bot and Application against the fake Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, MessageEntityType, ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from balance_bot.fakes.seed import DEMO_BOT_TOKEN, DEMO_CHAT_ID
from balance_bot.fakes.telegram import FakeTelegram
from balance_bot.fakes.telegram_limits import FloodControl
from tests.kit.clocks import ManualMonotonic

# PTB itself warns when building RetryAfter's message; that is not ours to fix.

GROUP_ID = -4_001_234
OTHER_CHAT_ID = 555_000_111
# A 2x3 PNG: signature, then the IHDR chunk with width and height.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x03" + b"\x08\x02" * 40
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Refresh", callback_data="refresh")]])


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(DEMO_BOT_TOKEN, base_url=f"{fake.api_url}/bot") as client:
        yield client


async def test_get_me(fake: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()

    assert (me.id, me.username, me.is_bot) == (123456789, "btcturk_demo_bot", True)
    assert fake.calls["getMe"] >= 1


async def test_send_html_message_with_keyboard(fake: FakeTelegram, bot: Bot) -> None:
    text = "<b>Total</b> &lt;1 &amp; 🚀 <i>x</i> <code>BTC</code>"

    first = await bot.send_message(
        DEMO_CHAT_ID, text, parse_mode=ParseMode.HTML, reply_markup=KEYBOARD
    )
    second = await bot.send_message(DEMO_CHAT_ID, "again")
    elsewhere = await bot.send_message(OTHER_CHAT_ID, "hello")

    assert first.text == "Total <1 & 🚀 x BTC"
    assert [(e.type, e.offset, e.length) for e in first.entities] == [
        (MessageEntityType.BOLD, 0, 5),
        (MessageEntityType.ITALIC, 14, 1),  # the rocket counts as two UTF-16 units
        (MessageEntityType.CODE, 16, 3),
    ]
    assert first.reply_markup == KEYBOARD
    assert first.from_user is not None and first.from_user.id == bot.id
    assert first.chat.type == "private"
    assert (first.message_id, second.message_id, elsewhere.message_id) == (1, 2, 1)
    record = fake.sent[0]
    assert (record.method, record.chat_id, record.message_id) == ("sendMessage", DEMO_CHAT_ID, 1)
    assert (record.text, record.plain_text, record.parse_mode) == (
        text,
        "Total <1 & 🚀 x BTC",
        "HTML",
    )
    assert record.reply_markup == {
        "inline_keyboard": [[{"text": "Refresh", "callback_data": "refresh"}]]
    }


async def test_edit_message_text(fake: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(
        DEMO_CHAT_ID, "<b>1</b>", parse_mode="HTML", reply_markup=KEYBOARD
    )

    edited = await bot.edit_message_text(
        "<b>2</b>", DEMO_CHAT_ID, sent.message_id, parse_mode="HTML", reply_markup=KEYBOARD
    )
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "<b>2</b>", DEMO_CHAT_ID, sent.message_id, parse_mode="HTML", reply_markup=KEYBOARD
        )
    without_keyboard = await bot.edit_message_text(
        "<b>2</b>", DEMO_CHAT_ID, sent.message_id, parse_mode="HTML"
    )
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", DEMO_CHAT_ID, 999)

    assert isinstance(edited, type(sent)) and edited.text == "2"
    assert edited.edit_date is not None
    assert edited.reply_markup == KEYBOARD
    assert not isinstance(without_keyboard, bool) and without_keyboard.reply_markup is None
    assert [m.method for m in fake.sent] == ["sendMessage", "editMessageText", "editMessageText"]


async def test_send_photo_bytes(fake: FakeTelegram, bot: Bot) -> None:
    message = await bot.send_photo(DEMO_CHAT_ID, PNG, caption="<b>Chart</b>", parse_mode="HTML")

    assert message.caption == "Chart"
    assert (message.photo[-1].width, message.photo[-1].height) == (2, 3)
    assert message.photo[-1].file_size == len(PNG)
    record = fake.sent[-1]
    assert (record.method, record.photo_size, record.caption) == (
        "sendPhoto",
        len(PNG),
        "<b>Chart</b>",
    )
    assert record.plain_text == "Chart"
    assert record.photo == PNG  # the picture itself, as a viewer would open it
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(DEMO_CHAT_ID, b"not an image at all")


async def test_set_my_commands(fake: FakeTelegram, bot: Bot) -> None:
    commands = [BotCommand("balance", "Show balances"), BotCommand("help", "Help")]

    assert await bot.set_my_commands(commands)
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Command", "nope")])

    assert fake.commands() == [c.to_dict() for c in commands]


async def test_send_chat_action(fake: FakeTelegram, bot: Bot) -> None:
    assert await bot.send_chat_action(DEMO_CHAT_ID, ChatAction.TYPING)

    assert fake.chat_actions == [(DEMO_CHAT_ID, "typing")]


async def test_long_poll_returns_a_message_pushed_while_waiting(
    fake: FakeTelegram, bot: Bot
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=60))
    await fake.wait_until(lambda: fake.calls["getUpdates"] == 1, timeout=30)

    update_id = fake.send_text(GROUP_ID, "/balance@btcturk_demo_bot x", chat_type="group")
    updates = await asyncio.wait_for(poll, timeout=30)

    assert [u.update_id for u in updates] == [update_id]
    message = updates[0].message
    assert message is not None and message.chat.type == "group"
    assert message.parse_entities([MessageEntityType.BOT_COMMAND]) == {
        message.entities[0]: "/balance@btcturk_demo_bot"
    }
    assert message.entities[0].offset == 0
    assert await bot.get_updates(offset=update_id + 1, timeout=0) == ()
    assert fake.pending_updates == 0


async def test_get_updates_honours_offset_limit_and_allowed_updates(
    fake: FakeTelegram, bot: Bot
) -> None:
    first = fake.send_text(DEMO_CHAT_ID, "one")
    fake.send_text(DEMO_CHAT_ID, "two", edited=True)
    fake.post_channel(-1001234567890, "channel post")
    sent = await bot.send_message(DEMO_CHAT_ID, "menu", reply_markup=KEYBOARD)
    fake.send_callback(DEMO_CHAT_ID, "refresh", message_id=sent.message_id)

    limited = await bot.get_updates(limit=1)
    everything = await bot.get_updates(offset=first + 1)
    only_callbacks = await bot.get_updates(offset=first + 1, allowed_updates=["callback_query"])

    assert [u.message.text for u in limited if u.message] == ["one"]
    assert [type_of(u) for u in everything] == ["edited_message", "channel_post", "callback_query"]
    assert [type_of(u) for u in only_callbacks] == ["callback_query"]
    query = only_callbacks[0].callback_query
    assert query is not None and query.data == "refresh"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert await bot.answer_callback_query(query.id, text="Updated")
    assert [(a.chat_id, a.data, a.text) for a in fake.answered_callbacks] == [
        (DEMO_CHAT_ID, "refresh", "Updated")
    ]
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query.id)


def type_of(update: Update) -> str:
    return next(key for key in update.to_dict() if key != "update_id")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("line<br>break", 'Unsupported start tag "br" at byte offset 4'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<u>x</u>", 'Unsupported start tag "u" at byte offset 0'),
        ("1&nbsp;2", 'Unsupported entity "&nbsp;" at byte offset 1'),
        ("&#0;", 'Unsupported entity "&#0;" at byte offset 0'),
    ],
)
async def test_bad_html_is_rejected(bot: Bot, text: str, reason: str) -> None:
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(DEMO_CHAT_ID, text, parse_mode="HTML")

    assert caught.value.message.lower() == f"can't parse entities: {reason}".lower()


async def test_good_html_passes(bot: Bot) -> None:
    text = (
        '<a href="https://example.com/?a=1&amp;b=2">link</a> <pre>x = 1</pre> '
        "&#8378; &#x20BA; &quot;S & P&quot;"
    )

    message = await bot.send_message(DEMO_CHAT_ID, text, parse_mode="HTML")

    assert message.text == 'link x = 1 ₺ ₺ "S & P"'
    kinds = {e.type: e for e in message.entities}
    assert kinds[MessageEntityType.TEXT_LINK].url == "https://example.com/?a=1&b=2"
    assert (kinds[MessageEntityType.PRE].offset, kinds[MessageEntityType.PRE].length) == (5, 5)


async def test_length_limit_counts_text_after_parsing(bot: Bot) -> None:
    fits = await bot.send_message(DEMO_CHAT_ID, "<b>" + "&lt;" * 4096 + "</b>", parse_mode="HTML")

    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(DEMO_CHAT_ID, "x" * 4097)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(DEMO_CHAT_ID, "<b> </b>", parse_mode="HTML")

    assert len(fits.text or "") == 4096


async def test_fail_next_retry_after(fake: FakeTelegram, bot: Bot) -> None:
    fake.fail_next(
        "sendMessage", status=429, description="Too Many Requests: retry after 3", retry_after=3
    )

    with pytest.raises(RetryAfter) as limited:
        await bot.send_message(DEMO_CHAT_ID, "first")
    await bot.send_message(DEMO_CHAT_ID, "second")

    assert limited.value.retry_after == timedelta(seconds=3)

    assert [m.plain_text for m in fake.sent] == ["second"]
    assert fake.calls["sendMessage"] == 2


async def test_blocked_forgotten_and_down(fake: FakeTelegram, bot: Bot) -> None:
    fake.block_chat(DEMO_CHAT_ID)
    fake.forget_chat(OTHER_CHAT_ID)

    with pytest.raises(Forbidden, match="Forbidden: bot was blocked by the user"):
        await bot.send_message(DEMO_CHAT_ID, "hi")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(OTHER_CHAT_ID, "hi")
    fake.set_down(True)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(GROUP_ID, "hi")
    fake.set_down(False)
    fake.unblock_chat(DEMO_CHAT_ID)
    await bot.send_message(DEMO_CHAT_ID, "back")

    assert [m.plain_text for m in fake.sent] == ["back"]


async def test_wrong_token_is_unauthorized(fake: FakeTelegram) -> None:
    other = Bot("987654321:AAWrongTokenWrongTokenWrongToken00", base_url=f"{fake.api_url}/bot")

    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with other:
            pass


async def test_set_down_ends_a_waiting_long_poll(fake: FakeTelegram, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=60))
    await fake.wait_until(lambda: fake.calls["getUpdates"] == 1, timeout=30)

    fake.set_down(True)

    with pytest.raises(NetworkError, match="Bad Gateway"):
        await asyncio.wait_for(poll, timeout=30)


async def test_delete_message(fake: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(DEMO_CHAT_ID, "temporary")

    assert await bot.delete_message(DEMO_CHAT_ID, sent.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(DEMO_CHAT_ID, sent.message_id)
    assert fake.deleted == [(DEMO_CHAT_ID, sent.message_id)]


async def test_raw_http_answers(fake: FakeTelegram) -> None:
    root = f"{fake.api_url}/bot{DEMO_BOT_TOKEN}"
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{root}/sendMessage", json={"chat_id": 7, "text": "hi"}) as resp:
            sent = (resp.status, await resp.json())
        async with session.get(f"{root}/getMe") as resp:
            me = (resp.status, await resp.json())
        async with session.post(f"{fake.api_url}/botWRONG/getMe") as resp:
            wrong_token = (resp.status, await resp.json())
        async with session.post(f"{root}/noSuchMethod") as resp:
            unknown = (resp.status, await resp.json())
        async with session.get(f"{fake.api_url}/file/bot{DEMO_BOT_TOKEN}/photos/x.jpg") as resp:
            file_status = resp.status

    assert sent[0] == 200
    assert sent[1]["ok"] is True
    assert sent[1]["result"]["text"] == "hi"
    assert me[1]["result"]["username"] == "btcturk_demo_bot"
    assert wrong_token == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    assert unknown == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    assert file_status == 404


async def test_flood_limits_per_chat_group_and_overall() -> None:
    clock = ManualMonotonic()
    async with (
        FakeTelegram(enforce_limits=True) as fake,
        Bot(DEMO_BOT_TOKEN, base_url=f"{fake.api_url}/bot") as bot,
    ):
        fake.flood = FloodControl(clock=clock)
        for _ in range(3):  # the burst allowance
            await bot.send_message(DEMO_CHAT_ID, "burst")
        with pytest.raises(RetryAfter):
            await bot.send_message(DEMO_CHAT_ID, "one too many")
        clock.now += 1.0
        await bot.send_message(DEMO_CHAT_ID, "after a second")

        for _ in range(20):
            clock.now += 1.5
            await bot.send_message(GROUP_ID, "group")
        with pytest.raises(RetryAfter):
            await bot.send_message(GROUP_ID, "21st in a minute")

        clock.now += 60
        for chat in range(1, 31):
            await bot.send_message(chat, "broadcast")
        with pytest.raises(RetryAfter):
            await bot.send_message(31, "31st in a second")

        assert fake.rate_limit_hits == 3


async def test_flood_limits_with_the_real_clock() -> None:
    async with (
        FakeTelegram(enforce_limits=True) as fake,
        Bot(DEMO_BOT_TOKEN, base_url=f"{fake.api_url}/bot") as bot,
    ):

        async def spam() -> None:
            for _ in range(30):
                await bot.send_message(DEMO_CHAT_ID, "spam")

        with pytest.raises(RetryAfter):
            await spam()

        assert fake.rate_limit_hits == 1


async def test_wait_for_messages_explains_a_timeout(fake: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(DEMO_CHAT_ID, "only one")

    with pytest.raises(TimeoutError, match="only one"):
        await fake.wait_for_messages(DEMO_CHAT_ID, count=2, timeout=0.1)


async def ping(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer /ping."""
    assert update.effective_message is not None
    await update.effective_message.reply_text("<b>pong</b>", parse_mode=ParseMode.HTML)


async def test_application_polls_and_answers_a_command(fake: FakeTelegram) -> None:
    app = ApplicationBuilder().token(DEMO_BOT_TOKEN).base_url(f"{fake.api_url}/bot").build()
    app.add_handler(CommandHandler("ping", ping))

    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        fake.send_text(DEMO_CHAT_ID, "/ping")
        group_update = fake.send_text(GROUP_ID, "/ping@btcturk_demo_bot", chat_type="supergroup")
        replies = await fake.wait_for_messages(count=2, timeout=30)
        await app.updater.stop()
        await app.stop()

    assert sorted((m.chat_id, m.plain_text) for m in replies) == [
        (GROUP_ID, "pong"),
        (DEMO_CHAT_ID, "pong"),
    ]
    assert fake.pending_updates == 0
    assert group_update > 0
    assert fake.calls["deleteWebhook"] == 1
