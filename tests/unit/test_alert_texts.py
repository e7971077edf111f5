"""Tests for core.texts.alerts: each kind as typed, its value now, and the refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from balance_bot.core.alert_commands import typed_args
from balance_bot.core.alert_parse import parse_alert, suggest
from balance_bot.core.durations import ENGLISH_UNITS, TURKISH_UNITS, Units
from balance_bot.core.i18n import View, get_lang
from balance_bot.core.texts.alerts import (
    alert_fired,
    alert_usage,
    alerts_list,
    current_text,
    describe,
    span_words,
)
from balance_bot.core.thresholds import TOTAL, AlertSpec, AlertUsageError, Direction, Kind, Move
from balance_bot.core.typed_numbers import ENGLISH, TURKISH, Marks
from balance_bot.core.valuation import value_portfolio
from tests.kit.account import AS_OF, balance, ticker

D = Decimal
H = timedelta(hours=1)
NOW = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)
KNOWN = ("BTC", "TRY", "USDT", "GLMR")


def view(code: str = "en") -> View:
    return View(get_lang(code), ZoneInfo("Europe/Istanbul"), NOW)


@pytest.mark.parametrize(
    ("spec", "en", "tr"),
    [
        (AlertSpec("BTC", Direction.BELOW, D(5)), "BTC below 5", "BTC 5 altında"),
        (
            AlertSpec(TOTAL, Direction.ABOVE, D("4e7")),
            "total above 40,000,000 TRY",
            "toplam 40.000.000 TRY üstünde",
        ),
        (
            AlertSpec("BTC", Direction.ABOVE, D("4000000.5"), Kind.PRICE),
            "BTC price above 4,000,000.5 TRY",
            "BTC fiyatı 4.000.000,5 TRY üstünde",
        ),
        (
            AlertSpec("BTC", Direction.BELOW, D(3e7), Kind.VALUE),
            "BTC value below 30,000,000 TRY",
            "BTC değeri 30.000.000 TRY altında",
        ),
        (AlertSpec(TOTAL, Direction.ABOVE, D("2.5"), Kind.MOVE), "total move 2.5% within 24 h",
         "toplam 24 sa içinde %2,5 hareket"),
        (AlertSpec("BTC", Direction.ABOVE, D(10), Kind.MOVE, 72 * H), "BTC move 10% within 3 d",
         "BTC 3 gün içinde %10 hareket"),
    ],
)  # fmt: skip
def test_describe_each_kind_in_the_chats_words(spec: AlertSpec, en: str, tr: str) -> None:
    assert describe(spec, "TRY", view("en")) == en
    assert describe(spec, "TRY", view("tr")) == tr


@pytest.mark.parametrize(
    ("marks", "units"), [(ENGLISH, ENGLISH_UNITS), (TURKISH, TURKISH_UNITS)], ids=["en", "tr"]
)
def test_an_alert_typed_back_in_the_chats_words_parses_to_the_same_alert(
    marks: Marks, units: Units
) -> None:
    for text in ("BTC price above 4000000", "BTC move 10% 3d", "total move 5% 1h cooldown 6h"):
        request = parse_alert(text.split(), KNOWN, marks=ENGLISH)
        typed = typed_args(request, marks, units)
        assert parse_alert(typed, KNOWN, marks=marks, units=units) == request


def test_current_text_of_each_kind() -> None:
    en = view()
    price = AlertSpec("GLMR", Direction.ABOVE, D(4), Kind.PRICE)
    move = AlertSpec("BTC", Direction.ABOVE, D(10), Kind.MOVE, 6 * H)
    assert current_text(price, D("4.15"), 2, "TRY", en) == "4.15 TRY"
    assert current_text(price, D("0.0123456"), 2, "TRY", en) == "0.01235 TRY"
    assert current_text(move, None, 8, "TRY", en) == "not known yet (no value seen within 6 h)"


def test_a_move_now_says_what_it_is_measured_from() -> None:
    en, tr = view(), view("tr")
    move = AlertSpec("BTC", Direction.ABOVE, D(10), Kind.MOVE, 6 * H)
    fall = Move(D(100), D("96.784"), NOW - H)
    rise = Move(D(100), D("103.2"), NOW - 2 * H)
    flat = Move(D(100), D(100), NOW - 3 * H)
    assert current_text(move, fall.percent, 8, "TRY", en, fall) == (
        "-3.22% from the high at 07:00 (Istanbul)"
    )
    assert current_text(move, rise.percent, 8, "TRY", en, rise) == (
        "+3.20% from the low at 06:00 (Istanbul)"
    )
    assert current_text(move, flat.percent, 8, "TRY", en, flat) == "+0.00% since 05:00 (Istanbul)"
    assert current_text(move, rise.percent, 8, "TRY", tr, rise) == (
        "+%3,20 (en düşük değere göre, 06:00 (İstanbul))"
    )


@pytest.mark.parametrize(
    ("span", "en", "tr"),
    [(H, "1 h", "1 sa"), (24 * H, "24 h", "24 sa"), (7 * 24 * H, "7 d", "7 gün"),
     (H / 2, "30 min", "30 dk")],
)  # fmt: skip
def test_span_words(span: timedelta, en: str, tr: str) -> None:
    assert (span_words(span, view("en")), span_words(span, view("tr"))) == (en, tr)


def test_the_list_shows_a_cooldown_that_is_not_the_default() -> None:
    spec = AlertSpec("BTC", Direction.BELOW, D(5), cooldown=6 * H)
    text = alerts_list([(3, spec, "9 BTC", False)], "TRY", view())
    assert "#3 BTC below 5 · cooldown 6 h · now 9 BTC" in text


BAD = [
    "", "BTC", "BTC below", "BTC sideways 5", "BTC price abov 4000000", "total move 5",
    "BTC move 5% 30m", "total price above 5", "BTC below 5 coldown 6h", "nope above 1",
    "BTC value below -1", "BTC move 5% cooldown 9d", "<b> price above 1",
    "BTC price above 0", "total above 0", "BTC value above 0", "BTC price above 3 600 000",
    "total above 40 000 000.5 urgent", "BTC below 3 600",
]  # fmt: skip


@pytest.mark.parametrize("code", ["en", "tr"])
@pytest.mark.parametrize("text", BAD)
def test_a_refusal_is_at_most_three_lines_and_ends_with_a_usage(code: str, text: str) -> None:
    args = text.split()
    try:
        parse_alert(args, KNOWN, marks=ENGLISH)
    except AlertUsageError as error:
        reply = alert_usage(error, args, view(code), suggest(args, KNOWN, marks=ENGLISH))
    else:
        pytest.fail(f"{text!r} was accepted")
    lines = reply.splitlines()
    assert 1 <= len(lines) <= 3
    assert lines[-1].startswith(("e.g. /alert", "örn. /alert", "Also:", "Ayrıca:"))
    assert any(line.startswith(("Usage: /alert", "Kullanım: /alert")) for line in lines)
    assert "<b>" not in reply


def test_the_total_refused_a_price_is_shown_the_value_form() -> None:
    args = ["total", "price", "above", "5"]
    with pytest.raises(AlertUsageError) as caught:
        parse_alert(args, KNOWN, marks=ENGLISH)
    reply = alert_usage(caught.value, args, view(), suggest(args, KNOWN, marks=ENGLISH))
    assert reply.splitlines() == [
        "⚠️ The total has a value, not a price or an amount."
        " Did you mean /alert total value above 5?",
        "Usage: /alert &lt;ASSET|total&gt; value &lt;above|below&gt; &lt;amount&gt;"
        " [cooldown 6h] [urgent]",
        "e.g. /alert BTC value below 30000000",
    ]


def test_a_threshold_of_thirty_one_digits_is_echoed_whole() -> None:
    """15 digits before the point and 16 after: more than the 28 of Python's default context."""
    amount = D("999999999999999.9999999999999999")
    spec = parse_alert(["BTC", "price", "above", str(amount)], KNOWN, marks=ENGLISH).spec
    assert describe(spec, "TRY", view("en")) == (
        "BTC price above 999,999,999,999,999.9999999999999999 TRY"
    )
    assert describe(spec, "TRY", view("tr")) == (
        "BTC fiyatı 999.999.999.999.999,9999999999999999 TRY üstünde"
    )


def test_an_amount_alert_marks_its_worth_when_the_price_came_through_usdt() -> None:
    tickers = [ticker("GLMR", "USDT", "0.0821"), ticker("USDT", "TRY", "41.5")]
    portfolio = value_portfolio([balance("GLMR", "250", precision=2)], tickers, "TRY", AS_OF)
    spec = AlertSpec("GLMR", Direction.ABOVE, D(200))

    text = alert_fired(1, spec, D(250), None, 2, portfolio, view())

    assert text.splitlines()[1:] == [
        "Now 250.00 GLMR (≈ 851.79 TRY*)",
        "It will fire again after GLMR falls back below 200 · /unalert 1",
        "* via USDT: GLMR (no TRY price of their own)",
        "14:32 (Istanbul)",  # when it fired: a message held by quiet hours is read later
    ]
