"""/alert, /alerts and /unalert: threshold alerts of the chat that sets them.

Before an alert is stored: a number that reads two ways is asked about (both readings as
commands and buttons), a line far from the value now waits for a confirmation (the same
command with `confirm`, or the button "Set it anyway"), and a second alert on the same line
is refused with the first one's number. A button runs the command its data carries.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update

from balance_bot.btcturk.errors import BtcTurkError
from balance_bot.core.alert_commands import button_data, parse_unalert_args, readings, typed_args
from balance_bot.core.alert_parse import AlertRequest, parse_alert, suggest
from balance_bot.core.durations import Units, duration_units
from balance_bot.core.i18n import View
from balance_bot.core.samples import Extremes
from balance_bot.core.texts.alert_checks import (
    alert_exists,
    ambiguous_question,
    far_question,
    one_reading_question,
    unalert_all_reply,
    unalert_reply,
    unalert_usage,
)
from balance_bot.core.texts.alerts import (
    alert_created,
    alert_usage,
    alerts_list,
    current_text,
    route_note,
    unknown_reason,
)
from balance_bot.core.texts.errors import exchange_error_message
from balance_bot.core.thresholds import (
    DEFAULT_PRECISION,
    AlertSpec,
    AlertUsageError,
    Direction,
    Kind,
    Problem,
    far_side,
    initial_triggered,
    observe,
    watched_routes,
    watched_value,
)
from balance_bot.core.typed_numbers import Marks, number_marks
from balance_bot.core.valuation import Route
from balance_bot.handlers.context import BotContext
from balance_bot.handlers.preamble import in_chat
from balance_bot.handlers.replies import reply_html
from balance_bot.services.context import Services
from balance_bot.store.alerts import AlertExists
from balance_bot.store.database import StoreError

log = logging.getLogger(__name__)

Answer = tuple[str, InlineKeyboardMarkup | None]


@in_chat
async def set_alert(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """Create an alert: /alert <ASSET|total> [price|value|move] ... [cooldown 6h] [urgent]."""
    args = list(context.args or [])
    code = view.lang.code
    text, keyboard = await alert_answer(
        context.services, chat.id, args, view, number_marks(code), duration_units(code)
    )
    await reply_html(update, text, keyboard=keyboard)


async def alert_answer(
    services: Services,
    chat_id: int,
    args: Sequence[str],
    view: View,
    marks: Marks,
    units: Units,
) -> Answer:
    """Set the alert `args` describe (numbers read with `marks`, durations with `units`), or
    say why not."""
    if len(args) < 3:
        return alert_usage(None, args, view), None
    try:
        portfolio = (await services.account.portfolio.fetch_or_last()).portfolio
    except BtcTurkError as never_read:
        return exchange_error_message(never_read, view), None
    known = portfolio.known_assets
    try:
        request = parse_alert(args, known, marks=marks, units=units)
    except AlertUsageError as error:
        if error.problem is Problem.AMBIGUOUS:
            return _ambiguous(args, error, known, view)
        return alert_usage(error, args, view, suggest(args, known, marks=marks, units=units)), None
    spec = request.spec
    value = watched_value(spec, portfolio)  # a move's: the first value it compares with
    precision = portfolio.precision(spec.target)
    precision = DEFAULT_PRECISION if precision is None else precision
    quote = services.settings.quote_currency
    routes = watched_routes(spec, portfolio)
    side = far_side(spec, value)
    if side is not None and value is not None and not request.confirmed:
        return _far(request, side, value, precision, quote, view, routes)
    moves = spec.kind is Kind.MOVE
    try:
        rule = await services.store.add_alert(
            chat_id,
            spec,
            triggered=not moves and initial_triggered(spec, value),
            urgent=request.urgent,
            seen=value if moves else None,
        )
    except AlertExists as exists:
        return alert_exists(exists.rule.id, exists.rule.spec, quote, view), None
    except StoreError as error:
        log.error("could not save an alert of chat %d: %s", chat_id, error)
        return view.t("alert.not_saved"), None
    with contextlib.suppress(StoreError):  # the alert and its first value are saved already
        await services.moves.alert_set(rule, value)
    created = alert_created(
        rule.id,
        spec,
        value,
        precision,
        quote,
        view,
        urgent=request.urgent,
        routes=routes,
        unknown=unknown_reason(spec, portfolio, view),
    )
    return created, None


def _far(
    request: AlertRequest,
    side: Direction,
    value: Decimal,
    precision: int,
    quote: str,
    view: View,
    routes: Mapping[str, Route],
) -> Answer:
    """Ask to confirm a line far from the value now: typed, or with the button."""
    data = button_data(replace(request, confirmed=True))
    code = view.lang.code
    typed = typed_args(request, number_marks(code), duration_units(code))
    text = far_question(
        request.spec,
        side,
        value,
        precision,
        quote,
        view,
        typed=typed,
        button=data is not None,
        routes=routes,
    )
    if data is None:
        return text, None
    button = InlineKeyboardButton(view.t("alert.set_anyway"), callback_data=data)
    return text, InlineKeyboardMarkup([[button]])


def _ambiguous(
    args: Sequence[str], error: AlertUsageError, known: Collection[str], view: View
) -> Answer:
    """Ask which reading of an ambiguous number or duration was meant: as commands, and as
    buttons."""
    marks, units = number_marks(view.lang.code), duration_units(view.lang.code)
    choices = readings(args, error, known, marks=marks, units=units)
    typed = args[error.position].strip() if error.position is not None else ""
    commands = [command for _, command in choices]
    if len(choices) == 1 and len(error.readings) == 2:  # the other reading makes no alert
        kept = error.readings.index(choices[0][0])
        text = one_reading_question(
            typed, error.readings, kept, commands[0], view, spans=error.spans
        )
    else:
        text = ambiguous_question(typed, error.readings, commands, view, spans=error.spans)
    row = []
    for reading, command in choices:
        data = button_data(parse_alert(command, known, marks=marks, units=units))
        if data is not None:
            row.append(InlineKeyboardButton(reading, callback_data=data))
    return text, InlineKeyboardMarkup([row]) if row else None


@in_chat
async def list_alerts(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """List this chat's alerts with their IDs, kinds and the watched values now."""
    services = context.services
    rules = await services.store.alerts_for_chat(chat.id)
    portfolio = None
    if rules:
        with contextlib.suppress(BtcTurkError):  # never read: the values are unknown
            portfolio = (await services.account.portfolio.fetch_or_last()).portfolio
    quote = services.settings.quote_currency
    seen: dict[int, Extremes | None] = {}
    if portfolio is not None and any(rule.kind is Kind.MOVE for rule in rules):
        with contextlib.suppress(StoreError):  # unreadable: the moves stay unknown
            seen = await services.moves.known(rules, services.clock())
    rows: list[tuple[int, AlertSpec, str, bool]] = []
    noted: dict[str, Route] = {}
    for rule in rules:
        value, move, precision = None, None, DEFAULT_PRECISION
        routes: Mapping[str, Route] = {}
        if portfolio is not None:
            value, move = observe(rule.spec, portfolio, seen.get(rule.id))
            known = portfolio.precision(rule.target)
            precision = DEFAULT_PRECISION if known is None else known
            routes = watched_routes(rule.spec, portfolio)
        unknown = unknown_reason(rule.spec, portfolio, view)
        now = current_text(
            rule.spec, value, precision, quote, view, move, routes=routes, unknown=unknown
        )
        rows.append((rule.id, rule.spec, now, rule.urgent))
        noted.update(route_note(rule.spec, value, routes))
    await reply_html(update, alerts_list(rows, quote, view, routes=noted))


@in_chat
async def remove_alert(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """Delete some of this chat's alerts: /unalert 2 5 7, or /unalert all."""
    services = context.services
    try:
        wanted = parse_unalert_args(context.args or [])
    except ValueError:
        await reply_html(update, unalert_usage(view))
        return
    if wanted == "all":
        removed = await services.store.remove_all_alerts(chat.id)
        await reply_html(update, unalert_all_reply(removed, view))
        return
    removed = await services.store.remove_alerts(chat.id, wanted)
    missing = [alert_id for alert_id in wanted if alert_id not in removed]
    await reply_html(update, unalert_reply(removed, missing, view))
