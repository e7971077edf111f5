"""Properties of typed numbers: what the bot prints reads back, and every threshold a reply
echoes is the number the owner typed, in both languages, grouped or in plain digits."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Context, Decimal, localcontext
from zoneinfo import ZoneInfo

from babel.numbers import parse_decimal as babel_decimal
from hypothesis import given
from hypothesis import strategies as st

from balance_bot.core.alert_commands import (
    BUTTON_MARKS,
    button_args,
    button_data,
    readings,
    typed_args,
)
from balance_bot.core.alert_parse import AlertRequest, parse_alert
from balance_bot.core.i18n import View, get_lang
from balance_bot.core.texts.alert_checks import alert_exists, far_question
from balance_bot.core.texts.alerts import alert_created, alerts_list
from balance_bot.core.thresholds import TOTAL, AlertSpec, AlertUsageError, Direction, Kind, Problem
from balance_bot.core.typed_numbers import AmbiguousNumber, number_marks, read_number, write_number

NOW = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)
KNOWN = ("BTC", "USDT", "TRY")
LANGUAGES = st.sampled_from(["en", "tr"])
AMOUNTS = st.integers(min_value=0, max_value=16).flatmap(
    lambda places: st.decimals(
        min_value=Decimal("0.0001") if places >= 4 else 1,
        max_value=Decimal(10**15),
        places=places,
        allow_nan=False,
        allow_infinity=False,
    )
)
PERCENTS = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(1000), places=4)
FORMS = st.sampled_from(["grouped", "plain"])
# The forms that take an amount, and where the number is in each.
AMOUNT_FORMS = [("BTC below {}", 2), ("BTC price above {}", 3), ("total above {}", 2),
                ("USDT value below {}", 3)]  # fmt: skip


def view(code: str) -> View:
    return View(get_lang(code), ZoneInfo("Europe/Istanbul"), NOW)


def typed(value: Decimal, code: str, form: str) -> str:
    """Return `value` as an owner types it: as the bot prints it, or in plain digits."""
    if form == "grouped":
        return get_lang(code).plain(value)
    return write_number(value, number_marks(code))


def echoed(line: str, code: str) -> Decimal:
    """Return the threshold a reply line echoes, read as the chat's language prints numbers."""
    english = r"(?:above|below|move) %?([0-9.,]+)"
    turkish = r" %?([0-9.,]+)%?(?: TRY)? (?:üstünde|altında|hareket)"
    match = re.search(english if code == "en" else turkish, line)
    assert match is not None, line
    with localcontext(Context(prec=100)):  # strict parsing re-formats: 15 + 16 digits fit
        return Decimal(babel_decimal(match.group(1).rstrip(".,%"), locale=code, strict=True))


def created(args: list[str], code: str) -> tuple[AlertSpec, str]:
    """Parse `args` in `code` and return the spec and the reply's first line."""
    request = parse_alert(args, KNOWN, marks=number_marks(code))
    reply = alert_created(1, request.spec, None, 8, "TRY", view(code))
    return request.spec, reply.splitlines()[0]


@given(AMOUNTS, LANGUAGES, FORMS)
def test_what_the_bot_prints_reads_back_or_is_asked_about(
    value: Decimal, code: str, form: str
) -> None:
    text, marks = typed(value, code, form), number_marks(code)
    ambiguous = None
    try:
        assert read_number(text, marks) == value
    except AmbiguousNumber as caught:
        ambiguous = caught
    if ambiguous is not None:
        assert form == "grouped"
        assert text.count(marks.group) == 1
        assert marks.decimal not in text
        assert value in ambiguous.readings


@given(AMOUNTS, LANGUAGES, FORMS, st.sampled_from(AMOUNT_FORMS))
def test_every_threshold_a_reply_echoes_is_the_number_typed(
    value: Decimal, code: str, form: str, shape: tuple[str, int]
) -> None:
    pattern, position = shape
    marks = number_marks(code)
    args = pattern.format(typed(value, code, form)).split()
    error: AlertUsageError | None = None
    try:
        spec, line = created(args, code)
    except AlertUsageError as caught:
        error = caught
    if error is not None:
        assert (error.problem, error.position) == (Problem.AMBIGUOUS, position)
        # The reading that is the typed value is offered as a command, and it echoes that value.
        choices = readings(args, error, KNOWN, marks=marks)
        [command] = [c for _, c in choices if read_number(c[position], marks) == value]
        spec, line = created(command, code)
    assert spec.amount == value
    assert echoed(line, code) == value
    lang_view = view(code)
    listing = alerts_list([(1, spec, "-", False)], "TRY", lang_view).splitlines()[1]
    assert echoed(listing, code) == value
    assert echoed(alert_exists(1, spec, "TRY", lang_view), code) == value
    far = far_question(
        spec, Direction.ABOVE, Decimal(1), 8, "TRY", lang_view, typed=args, button=True
    )
    assert echoed(far, code) == value


@given(PERCENTS, LANGUAGES, FORMS, st.sampled_from(["{}%", "%{}"]))
def test_every_percentage_a_reply_echoes_is_the_one_typed(
    percent: Decimal, code: str, form: str, layout: str
) -> None:
    args = ["BTC", "move", layout.format(typed(percent, code, form))]
    error: AlertUsageError | None = None
    try:
        spec, line = created(args, code)
    except AlertUsageError as caught:
        error = caught
    if error is not None:
        assert error.problem is Problem.AMBIGUOUS
        marks = number_marks(code)
        assert percent in [read_number(r.strip("%"), marks) for r in error.readings]
        return
    assert spec.amount == percent
    assert echoed(line, code) == percent


SPECS = st.one_of(
    st.builds(
        AlertSpec,
        st.sampled_from(["BTC", "USDT", TOTAL]),
        st.sampled_from(list(Direction)),
        AMOUNTS.filter(lambda amount: amount > 0),
        st.sampled_from([Kind.AMOUNT, Kind.VALUE]),
    ),
    st.builds(
        AlertSpec,
        st.sampled_from(["BTC", "USDT"]),
        st.sampled_from(list(Direction)),
        AMOUNTS.filter(lambda amount: amount > 0),
        st.just(Kind.PRICE),
    ),
    st.builds(
        AlertSpec,
        st.sampled_from(["BTC", TOTAL]),
        st.just(Direction.ABOVE),
        PERCENTS,
        st.just(Kind.MOVE),
        st.integers(min_value=1, max_value=168).map(lambda hours: timedelta(hours=hours)),
    ),
)


@given(SPECS, st.integers(min_value=0, max_value=7 * 24 * 60), st.booleans(), st.booleans())
def test_an_alert_typed_back_or_pressed_is_the_same_alert(
    spec: AlertSpec, cooldown_minutes: int, urgent: bool, confirmed: bool
) -> None:
    spec = AlertSpec(
        spec.target,
        spec.direction,
        spec.amount,
        spec.kind,
        spec.window,
        timedelta(minutes=cooldown_minutes),
    )
    request = AlertRequest(spec, urgent, confirmed)
    canonical = parse_alert(typed_args(request, BUTTON_MARKS), KNOWN, marks=BUTTON_MARKS)
    for code in ("en", "tr"):
        marks = number_marks(code)
        assert parse_alert(typed_args(request, marks), KNOWN, marks=marks) == canonical
    data = button_data(request)
    if data is not None:
        assert parse_alert(button_args(data), KNOWN, marks=BUTTON_MARKS) == canonical
    assert canonical.spec.amount == spec.amount
    assert (canonical.urgent, canonical.confirmed) == (urgent, confirmed)
