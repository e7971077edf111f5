"""Tests for core.alert_parse: every /alert form, its options, and the nearest valid form."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from balance_bot.core.alert_commands import readings
from balance_bot.core.alert_parse import AlertRequest, parse_alert, parse_alert_args, suggest
from balance_bot.core.durations import (
    ENGLISH_UNITS,
    TURKISH_UNITS,
    Units,
    parse_duration,
    typed_duration,
)
from balance_bot.core.thresholds import (
    DEFAULT_COOLDOWN,
    DEFAULT_WINDOW,
    TOTAL,
    AlertSpec,
    AlertUsageError,
    Direction,
    Kind,
    Problem,
)
from balance_bot.core.typed_numbers import ENGLISH, TURKISH, Marks

D = Decimal
KNOWN = ("BTC", "TRY", "USDT", "ETH", "GLMR")
ABOVE, BELOW = Direction.ABOVE, Direction.BELOW
H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BTC price above 4000000", AlertSpec("BTC", ABOVE, D(4000000), Kind.PRICE)),
        ("glmr PRICE below 3,5", AlertSpec("GLMR", BELOW, D("3.5"), Kind.PRICE)),
        ("BTC value below 30000000", AlertSpec("BTC", BELOW, D(30000000), Kind.VALUE)),
        ("total value above 1e6", AlertSpec(TOTAL, ABOVE, D(1000000))),
        ("BTC amount below 5", AlertSpec("BTC", BELOW, D(5))),
        ("total move 5%", AlertSpec(TOTAL, ABOVE, D(5), Kind.MOVE, DEFAULT_WINDOW)),
        ("BTC move 10% 24h", AlertSpec("BTC", ABOVE, D(10), Kind.MOVE, 24 * H)),
        ("BTC move %2,5 1h", AlertSpec("BTC", ABOVE, D("2.5"), Kind.MOVE, H)),
        ("BTC move 10% 7d", AlertSpec("BTC", ABOVE, D(10), Kind.MOVE, 7 * 24 * H)),
        ("BTC move 3% 90m", AlertSpec("BTC", ABOVE, D(3), Kind.MOVE, 90 * H / 60)),
        ("BTC below 5 cooldown 6h", AlertSpec("BTC", BELOW, D(5), cooldown=6 * H)),
        ("BTC price above 1 cooldown 0", AlertSpec("BTC", ABOVE, D(1), Kind.PRICE, None, 0 * H)),
        ("BTC move 5% cooldown 1d", AlertSpec("BTC", ABOVE, D(5), Kind.MOVE, None, 24 * H)),
    ],
)
def test_parse_accepts_every_form(text: str, expected: AlertSpec) -> None:
    assert parse_alert_args(text.split(), KNOWN, marks=ENGLISH) == expected


def test_a_move_defaults_to_24_hours_and_a_cooldown_to_one_hour() -> None:
    spec = parse_alert_args(["total", "move", "5%"], KNOWN, marks=ENGLISH)
    assert (spec.kind, spec.window, spec.cooldown) == (Kind.MOVE, DEFAULT_WINDOW, DEFAULT_COOLDOWN)
    assert spec.direction is ABOVE  # a move fires either way


@pytest.mark.parametrize(
    "text",
    ["BTC below 5 urgent", "BTC price above 5 cooldown 2h urgent", "BTC move 5% acil"],
)
def test_urgent_is_read_at_the_end_of_any_form(text: str) -> None:
    request = parse_alert(text.split(), KNOWN, marks=ENGLISH)
    assert request.urgent is True
    assert parse_alert(text.split()[:-1], KNOWN, marks=ENGLISH) == AlertRequest(
        request.spec, urgent=False
    )


@pytest.mark.parametrize(
    ("text", "problem", "position"),
    [
        ("BTC prise above 5", Problem.KIND, 1),
        ("BTC sideways above 5", Problem.KIND, 1),
        ("BTC price abov 5", Problem.DIRECTION, 2),
        ("BTC price above", Problem.USAGE, None),
        ("total price above 5", Problem.TOTAL_KIND, 1),
        ("total amount above 5", Problem.TOTAL_KIND, 1),
        ("BTC move 5", Problem.PERCENT, 2),
        ("BTC move five%", Problem.PERCENT, 2),
        ("BTC move 0%", Problem.PERCENT, 2),
        ("BTC move 1001%", Problem.PERCENT, 2),
        ("BTC move -5%", Problem.PERCENT, 2),
        ("BTC move 5% 30m", Problem.WINDOW, 3),
        ("BTC move 5% 8d", Problem.WINDOW, 3),
        ("BTC move 5% 24", Problem.WINDOW, 3),
        ("BTC below 5 cooldown", Problem.COOLDOWN, 3),
        ("BTC below 5 cooldown 8d", Problem.COOLDOWN, 4),
        ("BTC below 5 cooldown soon", Problem.COOLDOWN, 4),
        ("BTC below 5 coldown 6h", Problem.USAGE, 3),
        ("BTC price below 0", Problem.ZERO_BELOW, None),
        ("DOGE price above 5", Problem.UNKNOWN_ASSET, 0),
    ],
)
def test_parse_refuses_bad_forms(text: str, problem: Problem, position: int | None) -> None:
    with pytest.raises(AlertUsageError) as caught:
        parse_alert(text.split(), KNOWN, marks=ENGLISH)
    assert caught.value.problem is problem
    assert caught.value.position == position
    assert 0 < len(caught.value.reason) <= 80


@pytest.mark.parametrize(
    ("text", "nearest"),
    [
        ("BTC price abov 4000000", "BTC price above 4000000"),
        ("BTC prise above 4000000", "BTC price above 4000000"),
        ("BTC price abov 4000000 coldown 6h", "BTC price above 4000000 cooldown 6h"),
        ("total move 5", "total move 5%"),
        ("BTC move 10 24", "BTC move 10% 24h"),
        ("BTC mvoe 10% 24h", "BTC move 10% 24h"),
        ("total price above 40000000", "total value above 40000000"),
        ("totl above 40000000", "total above 40000000"),
        ("BTX below 5", "BTC below 5"),
        ("BTC belwo 5", "BTC below 5"),
        ("BTC price above 4000000 6h", "BTC price above 4000000 cooldown 6h"),
        ("BTC below 5 urgnet", "BTC below 5 urgent"),
    ],
)
def test_suggest_fixes_a_misspelt_keyword_or_a_missing_sign(text: str, nearest: str) -> None:
    suggestion = suggest(text.split(), KNOWN, marks=ENGLISH)
    assert suggestion == nearest.split()
    parse_alert(suggestion, KNOWN, marks=ENGLISH)  # the suggestion is itself valid


@pytest.mark.parametrize(
    "text",
    ["BTC below 5", "BTC sideways 5", "BTC below five", "BTC below -5", "", "BTC move 0%"],
)
def test_suggest_offers_nothing_when_valid_or_unclear(text: str) -> None:
    assert suggest(text.split(), KNOWN, marks=ENGLISH) is None


@pytest.mark.parametrize(
    ("text", "span"),
    [("0", timedelta(0)), ("30m", 30 * H / 60), ("6h", 6 * H), ("1d", 24 * H), ("1W", 168 * H)],
)
def test_parse_duration(text: str, span: timedelta) -> None:
    assert parse_duration(text, ENGLISH_UNITS) == span


@pytest.mark.parametrize("text", ["", "6", "h", "6 h", "-1h", "1.5h", "²h", "6s"])
def test_parse_duration_refuses(text: str) -> None:
    assert parse_duration(text, ENGLISH_UNITS) is None


@pytest.mark.parametrize(
    ("span", "typed"),
    [(24 * H, "24h"), (48 * H, "48h"), (72 * H, "3d"), (7 * 24 * H, "7d"), (H / 2, "30m")],
)
def test_typed_duration_reads_back(span: timedelta, typed: str) -> None:
    assert typed_duration(span, ENGLISH_UNITS) == typed
    assert parse_duration(typed, ENGLISH_UNITS) == span


@pytest.mark.parametrize(
    ("text", "marks", "position", "readings"),
    [
        ("BTC price above 3,600", ENGLISH, 3, ("3.6", "3600")),
        ("BTC price above 3.600", TURKISH, 3, ("3,6", "3600")),
        ("USDT value above 50,000", ENGLISH, 3, ("50", "50000")),
        ("BTC below 1,500 urgent", ENGLISH, 2, ("1.5", "1500")),
        ("BTC move 1.000% 24h", TURKISH, 2, ("1%", "1000%")),
        ("BTC move %1,500", ENGLISH, 2, ("%1.5", "%1500")),
    ],
)
def test_an_ambiguous_number_is_refused_with_both_readings(
    text: str, marks: Marks, position: int, readings: tuple[str, str]
) -> None:
    with pytest.raises(AlertUsageError) as caught:
        parse_alert(text.split(), KNOWN, marks=marks)
    assert caught.value.problem is Problem.AMBIGUOUS
    assert (caught.value.position, caught.value.readings) == (position, readings)
    assert suggest(text.split(), KNOWN, marks=marks) is None  # never a guess


@pytest.mark.parametrize(
    ("text", "marks", "amount"),
    [
        ("BTC price above 3,600,000", ENGLISH, "3600000"),
        ("BTC price above 3.600.000", TURKISH, "3600000"),
        ("BTC price above 3,600,000.50", ENGLISH, "3600000.5"),
        ("BTC price above 3.600.000,50", TURKISH, "3600000.5"),
        ("BTC price above 3.600", ENGLISH, "3.6"),
        ("BTC price above 3,600", TURKISH, "3.6"),
        ("BTC price above 3,6", ENGLISH, "3.6"),
        ("BTC price above 3.6", TURKISH, "3.6"),
    ],
)
def test_amounts_are_read_as_the_chat_writes_them(text: str, marks: Marks, amount: str) -> None:
    assert parse_alert_args(text.split(), KNOWN, marks=marks).amount == D(amount)


def test_each_reading_is_offered_as_a_valid_command_fixed_when_obvious() -> None:
    args = ["BTC", "move", "1,500%", "24h", "urgnet"]
    with pytest.raises(AlertUsageError) as caught:
        parse_alert(args, KNOWN, marks=ENGLISH)
    found = readings(args, caught.value, KNOWN, marks=ENGLISH)
    # 1500% is no percentage the bot takes: only 1.5% is offered, with "urgent" spelt right.
    assert found == [("1.5%", ["BTC", "move", "1.5%", "24h", "urgent"])]


@pytest.mark.parametrize("word", ["confirm", "onayla", "CONFIRM"])
def test_confirm_is_read_after_any_form(word: str) -> None:
    for text in ("BTC price above 3.6", "BTC move 5% 1h", "total above 1 urgent cooldown 6h"):
        plain = parse_alert(text.split(), KNOWN, marks=ENGLISH)
        confirmed = parse_alert([*text.split(), word], KNOWN, marks=ENGLISH)
        assert confirmed == AlertRequest(plain.spec, plain.urgent, confirmed=True)
    assert suggest(["BTC", "below", "5", "confrim"], KNOWN, marks=ENGLISH) == [
        "BTC", "below", "5", "confirm"
    ]  # fmt: skip


# --- lines at 0 that can never fire, and numbers typed with spaces -----------------------------


@pytest.mark.parametrize(
    ("text", "problem", "position"),
    [
        ("BTC price above 0", Problem.ZERO_PRICE, 3),
        ("GLMR price above 0,000", Problem.ZERO_PRICE, 3),
        ("total above 0", Problem.ZERO_TOTAL, 2),
        ("total value above 0", Problem.ZERO_TOTAL, 3),
        ("BTC value above 0", Problem.ZERO_VALUE, 1),
    ],
)
def test_a_line_at_zero_that_tells_nothing_is_refused(
    text: str, problem: Problem, position: int
) -> None:
    with pytest.raises(AlertUsageError) as caught:
        parse_alert(text.split(), KNOWN, marks=ENGLISH)
    assert (caught.value.problem, caught.value.position) == (problem, position)


@pytest.mark.parametrize("text", ["BTC above 0", "BTC amount above 0", "ETH above 0 urgent"])
def test_an_amount_line_at_zero_is_kept_it_fires_once_any_is_held(text: str) -> None:
    spec = parse_alert_args(text.split(), KNOWN, marks=ENGLISH)
    assert (spec.kind, spec.direction, spec.amount) == (Kind.AMOUNT, ABOVE, D(0))


def test_a_value_line_at_zero_is_offered_as_the_amount_line_it_means() -> None:
    assert suggest(["BTC", "value", "above", "0"], KNOWN, marks=ENGLISH) == ["BTC", "above", "0"]
    assert suggest(["BTC", "price", "above", "0"], KNOWN, marks=ENGLISH) is None
    assert suggest(["total", "above", "0"], KNOWN, marks=ENGLISH) is None


@pytest.mark.parametrize(
    ("text", "marks", "spelled", "nearest"),
    [
        (
            "BTC price above 3 600 000",
            ENGLISH,
            ("3600000", "3,600,000"),
            "BTC price above 3600000",
        ),
        (
            "BTC price above 3 600 000",
            TURKISH,
            ("3600000", "3.600.000"),
            "BTC price above 3600000",
        ),
        (
            "total above 40 000 000,50 urgent",
            TURKISH,
            ("40000000,50", "40.000.000,50"),
            "total above 40000000,50 urgent",
        ),
        (
            "BTC value below 12 345 678.9 cooldown 6h",
            ENGLISH,
            ("12345678.9", "12,345,678.9"),
            "BTC value below 12345678.9 cooldown 6h",
        ),
        ("BTC below 3 600", ENGLISH, ("3600",), "BTC below 3600"),  # "3,600" would be a question
    ],
)
def test_a_number_typed_with_spaces_is_refused_saying_how_to_write_it(
    text: str, marks: Marks, spelled: tuple[str, ...], nearest: str
) -> None:
    with pytest.raises(AlertUsageError) as caught:
        parse_alert(text.split(), KNOWN, marks=marks)
    assert caught.value.problem is Problem.SPACED
    assert caught.value.readings == spelled
    assert suggest(text.split(), KNOWN, marks=marks) == nearest.split()


@pytest.mark.parametrize("text", ["BTC below 3 60", "BTC below 3 6000", "BTC below 3600 000"])
def test_what_is_not_a_spaced_number_keeps_its_own_refusal(text: str) -> None:
    with pytest.raises(AlertUsageError) as caught:
        parse_alert(text.split(), KNOWN, marks=ENGLISH)
    assert caught.value.problem is Problem.USAGE


def test_an_asset_typed_with_a_turkish_capital_i_is_the_asset() -> None:
    spec = parse_alert_args(["SHİB", "FİYAT", "ALTINDA", "0,001"], ("SHIB",), marks=TURKISH)

    assert spec == AlertSpec("SHIB", BELOW, D("0.001"), Kind.PRICE)


def test_a_percentage_without_its_sign_is_offered_with_the_sign_where_the_language_puts_it() -> (
    None
):
    turkish = suggest(["btc", "hareket", "5"], KNOWN, marks=TURKISH, units=TURKISH_UNITS)
    english = suggest(["btc", "move", "5"], KNOWN, marks=ENGLISH)

    assert turkish == ["btc", "hareket", "%5"]
    assert english == ["btc", "move", "5%"]


@pytest.mark.parametrize(
    ("text", "units", "marks", "nearest"),
    [
        ("btc fiyat abov 4000000", TURKISH_UNITS, TURKISH, "btc fiyat üstünde 4000000"),
        ("btc fiyat altnda 4000000", TURKISH_UNITS, TURKISH, "btc fiyat altında 4000000"),
        ("toplm üstünde 40000000", TURKISH_UNITS, TURKISH, "toplam üstünde 40000000"),
        ("btc below 5 acl", TURKISH_UNITS, TURKISH, "btc below 5 acil"),
        ("btc price altnda 4000000", ENGLISH_UNITS, ENGLISH, "btc price below 4000000"),
        ("totl above 40000000", ENGLISH_UNITS, ENGLISH, "total above 40000000"),
    ],
)
def test_a_misspelt_keyword_is_offered_in_the_chats_words(
    text: str, units: Units, marks: Marks, nearest: str
) -> None:
    """A Turkish chat that typed "abov" was offered "above" between its Turkish words."""
    assert suggest(text.split(), KNOWN, marks=marks, units=units) == nearest.split()
