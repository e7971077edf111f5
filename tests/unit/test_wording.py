"""One word per meaning, in both languages: plurals, names, marks and what a figure is."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from balance_bot.core.i18n import Lang, View
from balance_bot.core.texts.alert_checks import far_question
from balance_bot.core.texts.alerts import alerts_list
from balance_bot.core.texts.balance import balance_reply
from balance_bot.core.texts.notify import unmute_message
from balance_bot.core.texts.status import FeedFacts, status_message
from balance_bot.core.thresholds import TOTAL, AlertSpec, Direction, Kind
from tests.unit.reply_gallery import portfolio, status_facts

D = Decimal
NOW = datetime(2026, 11, 25, 11, 32, tzinfo=UTC)


def view(code: str) -> View:
    return View(Lang(code), ZoneInfo("Europe/Istanbul"), NOW)


@pytest.mark.parametrize(
    ("count", "en", "tr"),
    [
        (
            1,
            "🔔 Alerts are on again; 1 held message follows.",
            "🔔 Bildirimler yeniden açık; bekletilen 1 mesaj geliyor.",
        ),
        (
            3,
            "🔔 Alerts are on again; 3 held messages follow.",
            "🔔 Bildirimler yeniden açık; bekletilen 3 mesaj geliyor.",
        ),
    ],
)
def test_held_messages_are_counted_in_each_languages_plural(count: int, en: str, tr: str) -> None:
    """ "1 held message(s) follow"."""
    assert unmute_message(count, view("en")) == en
    assert unmute_message(count, view("tr")) == tr


@pytest.mark.parametrize(
    ("count", "en", "tr"),
    [
        (
            1,
            "🔔 Alerts are on again; 1 held message comes when quiet hours end, at 23:59"
            " (Istanbul).",
            "🔔 Bildirimler yeniden açık; bekletilen 1 mesaj sessiz saatler bitince, 23:59"
            " (İstanbul) saatinde gelecek.",
        ),
        (
            3,
            "🔔 Alerts are on again; 3 held messages come when quiet hours end, at 23:59"
            " (Istanbul).",
            "🔔 Bildirimler yeniden açık; bekletilen 3 mesaj sessiz saatler bitince, 23:59"
            " (İstanbul) saatinde gelecek.",
        ),
    ],
)
def test_unmute_says_until_when_quiet_hours_still_hold_the_held_messages(
    count: int, en: str, tr: str
) -> None:
    """/unmute said "1 held message follows" while quiet hours held it until 23:59."""
    end = datetime(2026, 11, 25, 20, 59, tzinfo=UTC)  # 23:59 in Istanbul
    assert unmute_message(count, view("en"), end) == en
    assert unmute_message(count, view("tr"), end) == tr


def test_an_english_chat_reads_an_english_name_for_the_lira() -> None:
    """`/balance try` in English read "TRY · Türk Lirası", BTCTurk's Turkish name."""
    english = balance_reply("TRY", portfolio(), view("en")).splitlines()[0]
    turkish = balance_reply("TRY", portfolio(), view("tr")).splitlines()[0]
    assert english == "<b>TRY</b> · Turkish lira"
    assert turkish == "<b>TRY</b> · Türk lirası"
    assert balance_reply("BTC", portfolio(), view("en")).splitlines()[0] == "<b>BTC</b> · Bitcoin"


def test_a_far_line_on_an_amount_compares_with_what_is_held_not_a_value() -> None:
    """ "BTC below 0.05 is less than 1/100 of its value now, 9.75021866 BTC"."""
    amount = AlertSpec("BTC", Direction.BELOW, D("0.05"))
    args = ["BTC", "below", "0.05"]
    now = D("9.7502186644553258")
    english = far_question(
        amount, Direction.BELOW, now, 8, "TRY", view("en"), typed=args, button=True
    )
    turkish = far_question(
        amount, Direction.BELOW, now, 8, "TRY", view("tr"), typed=args, button=True
    )
    assert english.splitlines()[0] == (
        "⚠️ Not set: BTC below 0.05 is less than 1/100 of what you hold now, 9.75021866 BTC."
    )
    assert turkish.splitlines()[0] == (
        "⚠️ Kurulmadı: BTC 0,05 altında, şu an elinizdekinin (9,75021866 BTC) yüzde birinden az."
    )
    total = AlertSpec(TOTAL, Direction.ABOVE, D("4000000000"))
    far_total = far_question(
        total, Direction.ABOVE, D("34216101.93"), 2, "TRY", view("en"), typed=[], button=True
    )
    assert "more than 100 times its value now" in far_total  # the total is a value


@pytest.mark.parametrize("code", ["en", "tr"])
def test_an_urgent_alert_is_marked_in_words_not_with_the_live_feeds_mark(code: str) -> None:
    """/alerts marked an urgent alert ⚡ without a legend, and ⚡ is the live feed in /status."""
    spec = AlertSpec("BTC", Direction.ABOVE, D("4000000"), Kind.PRICE)
    text = alerts_list([(1, spec, "3.500.000,00 TRY", True)], "TRY", view(code))
    row = text.splitlines()[1]
    assert "⚡" not in row
    assert ("urgent" if code == "en" else "acil") in row


@pytest.mark.parametrize(
    ("code", "line"),
    [
        ("en", "⚡ Live feed reconnects today: 1"),
        ("tr", "⚡ Canlı akış bugün 1 kez yeniden bağlandı"),
    ],
)
def test_the_feeds_reconnects_today_read_as_a_sentence(code: str, line: str) -> None:
    feed = FeedFacts(NOW, None, 1, False, 300)

    text = status_message(status_facts(feed=feed), view(code))

    assert line in text.splitlines()
