"""Numbers in /alert typed the way the bot prints them, far thresholds, duplicates, /unalert.

The seeded account: 9.75021866 BTC at 3,500,000 TRY, 1,500.25 USDT at 41.5 TRY (worth
62,260.38 TRY).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from balance_bot.config import Settings
from balance_bot.fakes.telegram import SentMessage
from tests.e2e.conftest import (
    ALLOWED_CHAT,
    ALLOWED_GROUP,
    REPLY_TIMEOUT_S,
    BotHarness,
    services_of,
)
from tests.e2e.test_whitelist import GuardWatch

StartBot = Callable[[Settings], Any]
OWNER, MEMBER = ALLOWED_CHAT, 777001


def buttons(message: SentMessage) -> list[dict[str, Any]]:
    """Return the inline buttons under `message`, row after row."""
    markup = message.reply_markup or {"inline_keyboard": []}
    return [button for row in markup["inline_keyboard"] for button in row]


async def press(
    bot: BotHarness, message: SentMessage, text: str, *, user_id: int | None = None
) -> list[SentMessage]:
    """Press the button labelled `text` under `message` and return the bot's reply."""
    [button] = [b for b in buttons(message) if b["text"] == text]
    since = len(bot.telegram.sent)
    bot.telegram.send_callback(
        message.chat_id, button["callback_data"], message_id=message.message_id, user_id=user_id
    )
    return await bot.telegram.wait_for_messages(
        message.chat_id, since=since, timeout=REPLY_TIMEOUT_S
    )


async def stored(bot: BotHarness, chat_id: int = ALLOWED_CHAT) -> list[str]:
    """Return the chat's alerts as `#id target kind direction amount`."""
    rules = await services_of(bot).store.alerts_for_chat(chat_id)
    return [f"#{r.id} {r.target} {r.kind} {r.direction} {r.amount}" for r in rules]


async def test_numbers_typed_as_the_bot_prints_them_in_english(bot: BotHarness) -> None:
    [grouped] = await bot.ask("/alert btc price above 3,600,000")
    [decimals] = await bot.ask("/alert btc price below 3,400,000.50")
    [plain] = await bot.ask("/alert usdt value above 50000")
    [comma] = await bot.ask("/alert btc below 2,5")

    assert grouped.plain_text.splitlines()[0] == "✅ Alert #1 set: BTC price above 3,600,000 TRY"
    assert decimals.plain_text.splitlines()[0] == (
        "✅ Alert #2 set: BTC price below 3,400,000.5 TRY"
    )
    assert plain.plain_text.splitlines()[0] == "✅ Alert #3 set: USDT value above 50,000 TRY"
    assert comma.plain_text.splitlines()[0] == "✅ Alert #4 set: BTC below 2.5"
    assert await stored(bot) == [
        "#1 BTC price above 3600000",
        "#2 BTC price below 3400000.5",
        "#3 USDT value above 50000",
        "#4 BTC amount below 2.5",
    ]


async def test_numbers_typed_as_the_bot_prints_them_in_turkish(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(LANGUAGE="tr")) as bot:
        [grouped] = await bot.ask("/alert btc price above 3.600.000")
        [decimals] = await bot.ask("/alert btc price below 3.400.000,50")
        [dot] = await bot.ask("/alert btc below 2.5")
        rules = await stored(bot)

    assert grouped.plain_text.splitlines()[0] == (
        "✅ Alarm #1 kuruldu: BTC fiyatı 3.600.000 TRY üstünde"
    )
    assert decimals.plain_text.splitlines()[0] == (
        "✅ Alarm #2 kuruldu: BTC fiyatı 3.400.000,5 TRY altında"
    )
    assert dot.plain_text.splitlines()[0] == "✅ Alarm #3 kuruldu: BTC 2,5 altında"
    assert rules == [
        "#1 BTC price above 3600000",
        "#2 BTC price below 3400000.5",
        "#3 BTC amount below 2.5",
    ]


async def test_an_ambiguous_number_is_asked_about_never_guessed(bot: BotHarness) -> None:
    [question] = await bot.ask("/alert usdt value above 50,000")
    nothing = await stored(bot)
    [created] = await press(bot, question, "50000")

    assert question.plain_text.splitlines() == [
        "⚠️ “50,000” can be read two ways: 50 or 50000. Send the one you mean:",
        "/alert usdt value above 50",
        "/alert usdt value above 50000",
    ]
    assert [b["text"] for b in buttons(question)] == ["50", "50000"]
    assert nothing == []
    assert created.plain_text.splitlines()[0] == "✅ Alert #1 set: USDT value above 50,000 TRY"


async def test_an_ambiguous_number_in_turkish(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(LANGUAGE="tr")) as bot:
        [question] = await bot.ask("/alert btc move 1.000%")
        rules = await stored(bot)

    assert question.plain_text.splitlines() == [
        "⚠️ “1.000%” iki türlü okunabilir: 1% ya da 1000%. Kastettiğinizi gönderin:",
        "/alert btc move 1%",
        "/alert btc move 1000%",
    ]
    assert rules == []


async def test_a_threshold_far_from_the_value_now_waits_for_a_typed_confirmation(
    bot: BotHarness,
) -> None:
    [asked] = await bot.ask("/alert btc price above 3.6")
    nothing = await stored(bot)
    [created] = await bot.ask("/alert btc price above 3.6 confirm")

    assert asked.plain_text.splitlines() == [
        "⚠️ Not set: BTC price above 3.6 TRY is less than 1/100 of its value now, 3,500,000.00 TRY.",
        "Typed it right? Tap “Set it anyway” or send /alert BTC price above 3.6 confirm",
    ]
    assert nothing == []
    assert created.plain_text.splitlines()[0] == "✅ Alert #1 set: BTC price above 3.6 TRY"
    assert await stored(bot) == ["#1 BTC price above 3.6"]


async def test_set_it_anyway_sets_the_far_threshold(bot: BotHarness) -> None:
    [asked] = await bot.ask("/alert btc above 1000 urgent")
    [created] = await press(bot, asked, "Set it anyway")

    assert asked.plain_text.splitlines()[0] == (
        "⚠️ Not set: BTC above 1,000 is more than 100 times what you hold now, 9.75021866 BTC."
    )
    assert created.plain_text.splitlines()[0] == "✅ Alert #1 set: BTC above 1,000"
    assert "urgent" in created.plain_text
    [rule] = await services_of(bot).store.alerts_for_chat(ALLOWED_CHAT)
    assert rule.urgent


async def test_a_far_threshold_confirmed_in_turkish(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(LANGUAGE="tr")) as bot:
        [asked] = await bot.ask("/alert btc price above 3,6")
        [created] = await bot.ask("/alert btc price above 3,6 onayla")

    assert asked.plain_text.splitlines() == [
        "⚠️ Kurulmadı: BTC fiyatı 3,6 TRY üstünde, şu anki değerin (3.500.000,00 TRY)"
        " yüzde birinden az.",
        "Doğru yazdıysanız “Yine de kur” düğmesine dokunun ya da"
        " /alert BTC fiyat üstünde 3,6 onayla gönderin.",
    ]
    assert [b["text"] for b in buttons(asked)] == ["Yine de kur"]
    assert created.plain_text.splitlines()[0] == "✅ Alarm #1 kuruldu: BTC fiyatı 3,6 TRY üstünde"


async def test_the_same_alert_twice_is_refused_with_its_number(bot: BotHarness) -> None:
    await bot.ask("/alert btc price above 3,600,000")
    [again] = await bot.ask("/alert BTC price above 3600000.0 cooldown 6h")
    [other] = await bot.ask("/alert btc price above 3,700,000")

    assert again.plain_text == (
        "You already have this alert: #1 BTC price above 3,600,000 TRY. /alerts lists yours."
    )
    assert other.plain_text.startswith("✅ Alert #2 set")
    assert len(await stored(bot)) == 2


async def test_set_it_anyway_pressed_twice_sets_one_alert(bot: BotHarness) -> None:
    [asked] = await bot.ask("/alert btc above 1000")
    await press(bot, asked, "Set it anyway")
    [again] = await press(bot, asked, "Set it anyway")

    assert again.plain_text.startswith("You already have this alert: #1 BTC above 1,000.")
    assert len(await stored(bot)) == 1


async def test_unalert_takes_several_numbers_and_all(bot: BotHarness) -> None:
    for amount in (5, 4, 3):
        await bot.ask(f"/alert btc below {amount}")
    [some] = await bot.ask("/unalert 1 3 7")
    [left] = await bot.ask("/alerts")
    [everything] = await bot.ask("/unalert all")
    [none] = await bot.ask("/unalert all")
    [one] = await bot.ask("/unalert 9")

    assert some.plain_text == "🗑 Removed #1, #3.\nNot found: #7. /alerts lists yours."
    assert "#2 BTC below 4" in left.plain_text
    assert "#1 " not in left.plain_text and "#3 " not in left.plain_text
    assert everything.plain_text == "🗑 Removed all your alerts: #2."
    assert none.plain_text == "You have no alerts to remove."
    assert one.plain_text == "You have no alert #9. /alerts lists yours."
    assert await stored(bot) == []


async def test_a_member_without_rights_cannot_press_set_it_anyway(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(ALLOWED_USER_IDS=str(OWNER))) as bot:
        [asked] = await bot.ask(
            "/alert btc above 1000", chat_id=ALLOWED_GROUP, chat_type="supergroup", user_id=OWNER
        )
        watch = GuardWatch(bot)
        [button] = buttons(asked)
        pressed = bot.telegram.send_callback(
            ALLOWED_GROUP, button["callback_data"], message_id=asked.message_id, user_id=MEMBER
        )
        await watch.wait_guarded([pressed])
        rules = await stored(bot, ALLOWED_GROUP)

    assert watch.past_guard == []
    assert rules == []
    [callback] = bot.telegram.answered_callbacks
    assert callback.text == "🔒 Only the bot's owners can do that here."
