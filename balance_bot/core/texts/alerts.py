"""Texts of /alert, /alerts and /unalert, and of price, value and move alerts firing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from decimal import Decimal
from html import escape

from balance_bot.core.i18n import View
from balance_bot.core.keywords import read_keyword
from balance_bot.core.texts.routes import via_lines, via_mark, via_price
from balance_bot.core.thresholds import (
    DEFAULT_COOLDOWN,
    TOTAL,
    AlertSpec,
    AlertUsageError,
    Direction,
    Kind,
    Move,
    Problem,
    condition_met,
    watched_routes,
    watched_value,
)
from balance_bot.core.valuation import Portfolio, Route

Routes = Mapping[str, Route]
NO_ROUTES: Routes = {}

# Where each refusal's quoted argument is when the error does not say: the classic form.
_QUOTED_ARGUMENT = {Problem.UNKNOWN_ASSET: 0, Problem.DIRECTION: 1, Problem.NOT_A_NUMBER: 2}
_KINDS = tuple(kind.value for kind in Kind)
DAY = timedelta(days=1)
_SPANS = (
    (timedelta(days=1), "alert.span_days"),
    (timedelta(hours=1), "alert.span_hours"),
    (timedelta(minutes=1), "alert.span_minutes"),
)


def span_words(span: timedelta, view: View) -> str:
    """Return a duration to read: 24 h, 7 d (Turkish 24 sa, 7 gün), 30 min."""
    for size, key in _SPANS:
        if span and span % size == timedelta(0) and (size < DAY or span > 2 * DAY):
            return view.t(key, n=span // size)
    return view.t("alert.span_minutes", n=int(span.total_seconds() // 60))


def _percent(value: Decimal, view: View) -> str:
    """Return a percentage's number without its sign, one decimal: 10.4 (Turkish 10,4)."""
    return view.lang.amount(abs(value), 1)


def describe(spec: AlertSpec, quote: str, view: View) -> str:
    """Return an alert in the chat's words: BTC below 5, BTC price above 4,000,000 TRY,
    BTC move 10% within 24 h (Turkish: BTC 5 altında, BTC fiyatı 4.000.000 TRY üstünde)."""
    target = view.t("word.total") if spec.target == TOTAL else escape(spec.target)
    if spec.kind is Kind.MOVE:
        return view.t(
            "alert.as_typed_move",
            target=target,
            percent=view.lang.plain(spec.amount),
            window=span_words(spec.move_window, view),
        )
    amount = view.lang.plain(spec.amount)
    if spec.kind is not Kind.AMOUNT:
        amount = view.t("amount.with_unit", amount=amount, unit=escape(quote))
    direction = view.t(f"word.{spec.direction.value}")
    if spec.kind is Kind.AMOUNT or spec.target == TOTAL:
        return view.t("alert.as_typed", target=target, direction=direction, amount=amount)
    return view.t(
        "alert.as_typed_kind",
        target=target,
        kind=view.t(f"alert.kind.{spec.kind.value}"),
        direction=direction,
        amount=amount,
    )


def unknown_reason(spec: AlertSpec, portfolio: Portfolio | None, view: View) -> str | None:
    """Return why the level `spec` watches is unknown now (prices failing, a held asset
    without its price, so the total is incomplete …), or None when it is known.

    `portfolio` is None when BTCTurk's balances were never read.
    """
    if portfolio is None:
        return view.t("alert.unknown.not_read")
    if watched_value(spec, portfolio) is not None:
        return None
    if spec.target != TOTAL and spec.kind is Kind.AMOUNT:
        return view.t("alert.unknown.not_listed", asset=escape(spec.target))
    if not portfolio.prices_available:
        return view.t("alert.unknown.no_prices")
    if spec.target == TOTAL:
        lost = ", ".join(escape(asset) for asset in portfolio.unpriced)
        return view.t("alert.unknown.total_incomplete", assets=lost)
    asset = escape(spec.target)
    if spec.target in portfolio.unpriced:
        return view.t("alert.unknown.lost_price", asset=asset)
    if spec.target not in portfolio.known_assets and spec.kind is not Kind.PRICE:
        return view.t("alert.unknown.not_listed", asset=asset)
    return view.t("alert.unknown.no_price", asset=asset, quote=escape(portfolio.quote))


def current_text(
    spec: AlertSpec,
    value: Decimal | None,
    precision: int,
    quote: str,
    view: View,
    move: Move | None = None,
    *,
    routes: Routes = NO_ROUTES,
    unknown: str | None = None,
) -> str:
    """Return the watched value now: 9.75021866 BTC, 34,215,249.83 TRY, or a move and what it
    is measured from: -3.20% from the high at 14:32 (Istanbul).

    `routes`: the prices not of their own pair the value is built on (thresholds.
    watched_routes): a price says "via USDT", a value or a move carries the mark of
    `route_note`'s footnote. `unknown`: why the level is unknown now (`unknown_reason`),
    said in place of the value.
    """
    if spec.kind is Kind.MOVE:
        if unknown is not None:
            return unknown
        if value is None or move is None:
            return view.t("alert.move_unknown", window=span_words(spec.move_window, view))
        key = "alert.move_now_flat"
        if move.percent:
            key = "alert.move_now_from_low" if move.rose else "alert.move_now_from_high"
        percent = view.lang.percent(value) + via_mark(routes)
        return view.t(key, percent=percent, when=view.when(move.started_at))
    if value is None:
        return unknown or view.t("alert.unknown_value")
    if spec.kind is Kind.PRICE:
        price = view.t("amount.with_unit", amount=view.lang.price(value), unit=escape(quote))
        return via_price(price, routes.get(spec.target), view)
    if spec.kind is Kind.VALUE:
        unit = escape(quote) + via_mark(routes)
        return view.t("amount.with_unit", amount=view.lang.money(value), unit=unit)
    return view.t(
        "amount.with_unit", amount=view.lang.amount(value, precision), unit=escape(spec.target)
    )


def route_note(spec: AlertSpec, value: Decimal | None, routes: Routes) -> Routes:
    """Return the routes a footnote names under `spec`'s value: those of a value or a move
    shown (a price says its own route beside it; an amount has none)."""
    if value is None or spec.kind in (Kind.PRICE, Kind.AMOUNT):
        return NO_ROUTES
    return routes


def alert_created(
    alert_id: int,
    spec: AlertSpec,
    value: Decimal | None,
    precision: int,
    quote: str,
    view: View,
    *,
    urgent: bool = False,
    routes: Routes = NO_ROUTES,
    unknown: str | None = None,
) -> str:
    """Confirm a new alert, echoing what was understood, and say if it is already met.

    `value` is what the alert watches now; a move's is the first value it compares with;
    `routes` the prices not of their own pair it is built on; `unknown` why `value` is
    unknown (`unknown_reason`).
    """
    if spec.kind is Kind.MOVE:
        now = unknown or view.t("alert.unknown_value")
        if value is not None:
            unit = escape(quote) + via_mark(routes)
            now = view.t("alert.move_set_now", value=view.lang.money(value), quote=unit)
    else:
        now = current_text(spec, value, precision, quote, view, routes=routes, unknown=unknown)
    lines = [
        view.t("alert.created", id=alert_id, alert=describe(spec, quote, view)),
        view.t("alert.now", value=now),
    ]
    if spec.kind is Kind.MOVE:
        window = span_words(spec.move_window, view)
        lines.append(view.t("alert.move_rule", percent=view.lang.plain(spec.amount), window=window))
    elif value is not None and condition_met(spec, value):
        above = spec.direction is Direction.ABOVE
        if above and spec.amount == 0:  # an amount: it cannot go below 0, only to none
            lines.append(view.t("alert.already_held", asset=escape(spec.target)))
        else:
            lines.append(view.t("alert.already_above" if above else "alert.already_below"))
    if not spec.cooldown:
        lines.append(view.t("alert.no_cooldown"))
    elif spec.cooldown != DEFAULT_COOLDOWN:
        lines.append(view.t("alert.cooldown_note", cooldown=span_words(spec.cooldown, view)))
    if urgent:
        lines.append(view.t("alert.urgent"))
    lines += via_lines(route_note(spec, value, routes), quote, view)
    return "\n".join(lines)


def alert_usage(
    error: AlertUsageError | None,
    args: Sequence[str],
    view: View,
    suggestion: Sequence[str] | None = None,
) -> str:
    """Explain why /alert was refused, offer the nearest valid form, and show the syntax."""
    typed = read_keyword(args[1], _KINDS) if len(args) > 1 else None
    kind = None if typed is None else Kind(typed)
    if error is not None and error.problem is Problem.TOTAL_KIND:
        kind = Kind.VALUE
    usage = view.t(f"alert.usage.{kind.value}" if kind else "alert.usage")
    problem = None
    if error is not None and error.problem is not Problem.USAGE:
        position = error.position
        if position is None:
            position = _QUOTED_ARGUMENT.get(error.problem)
        text = ""
        if position is not None and position < len(args):
            text = escape(" ".join(args[position : position + error.width])[:20])
        problem = _problem(error, text, view)
    if suggestion:
        mean = view.t("alert.did_you_mean", args=escape(" ".join(suggestion)))
        problem = mean if problem is None else f"{problem} {mean}"
    if problem is None:
        more = [] if kind else [view.t("alert.usage_more")]
        return "\n".join([usage, *more])
    return "\n".join([problem, usage])


def _problem(error: AlertUsageError, text: str, view: View) -> str:
    """Return why an /alert was refused; `text` is the argument at fault, as typed."""
    if error.problem is Problem.SPACED:  # readings: plain digits, then grouped if clear
        key = "alert.problem.spaced" if len(error.readings) > 1 else "alert.problem.spaced_plain"
        plain, grouped = escape(error.readings[0]), escape(error.readings[-1])
        return view.t(key, text=text, plain=plain, grouped=grouped)
    return view.t(f"alert.problem.{error.problem.value}", text=text)


def alerts_list(
    rows: Sequence[tuple[int, AlertSpec, str, bool]],
    quote: str,
    view: View,
    *,
    routes: Routes = NO_ROUTES,
) -> str:
    """List a chat's alerts: (id, spec, current value text, urgent) each.

    `routes`: the prices not of their own pair behind the values marked in the rows, named
    in a footnote (see route_note).
    """
    if not rows:
        return view.t("alerts.none")
    lines = [view.t("alerts.title")]
    for alert_id, spec, now, urgent in rows:
        key = "alerts.row_urgent" if urgent else "alerts.row"
        alert = describe(spec, quote, view)
        if not spec.cooldown:
            alert += view.t("alerts.no_cooldown")
        elif spec.cooldown != DEFAULT_COOLDOWN:
            alert += view.t("alerts.cooldown", cooldown=span_words(spec.cooldown, view))
        lines.append(view.t(key, id=alert_id, alert=alert, value=now))
    lines += via_lines(routes, quote, view)
    lines.append(view.t("alerts.remove_hint"))
    return "\n".join(lines)


def alert_fired(
    alert_id: int,
    spec: AlertSpec,
    value: Decimal,
    move: Move | None,
    precision: int,
    portfolio: Portfolio,
    view: View,
) -> str:
    """Announce that an alert's condition has just become true, in the words of its kind, and
    when (a message held by quiet hours may be read hours later)."""
    routes = watched_routes(spec, portfolio)
    when = view.when(portfolio.as_of)
    if spec.kind is Kind.MOVE and move is not None:
        text = _move_fired(alert_id, spec, move, portfolio, view, routes)
    elif spec.kind is Kind.AMOUNT or spec.target == TOTAL:
        return "\n".join([_amount_fired(alert_id, spec, value, precision, portfolio, view), when])
    else:
        text = _level_fired(alert_id, spec, value, precision, portfolio, view, routes)
    notes = via_lines(route_note(spec, value, routes), portfolio.quote, view)
    return "\n".join([text, *notes, when])


def _level_fired(
    alert_id: int,
    spec: AlertSpec,
    value: Decimal,
    precision: int,
    portfolio: Portfolio,
    view: View,
    routes: Routes,
) -> str:
    """Announce a price or value alert on an asset; its figure marked when it came by a route."""
    lang, quote, asset = view.lang, escape(portfolio.quote), escape(spec.target)
    above = spec.direction is Direction.ABOVE
    limit = view.t("amount.with_unit", amount=lang.plain(spec.amount), unit=quote)
    if spec.kind is Kind.PRICE:
        subject = view.t("alert.price_subject", asset=asset)
        again_subject = view.t("alert.the_price", asset=asset)
        price = view.t("amount.with_unit", amount=lang.price(value), unit=quote)
        now = via_price(price, routes.get(spec.target), view)
    else:
        subject = view.t("alert.value_subject", asset=asset)
        again_subject = view.t("alert.the_value", asset=asset)
        position = portfolio.position(spec.target)
        held = Decimal(0) if position is None else position.total
        now = view.t(
            "alert.value_now",
            value=lang.money(value),
            quote=quote + via_mark(routes),
            amount=lang.amount(held, precision),
            asset=asset,
        )
    return _crossed(alert_id, above, subject, again_subject, limit, now, view)


def _amount_fired(
    alert_id: int, rule: AlertSpec, value: Decimal, precision: int, portfolio: Portfolio, view: View
) -> str:
    """Announce an amount or total alert (`precision` of its asset); a value through another
    pair than the asset's own is marked, and the footnote names the assets."""
    lang, quote = view.lang, escape(portfolio.quote)
    above = rule.direction is Direction.ABOVE
    routes: Routes = NO_ROUTES
    if rule.target == TOTAL:
        routes = watched_routes(rule, portfolio)
        subject, again_subject = view.t("threshold.portfolio"), view.t("threshold.the_portfolio")
        limit = view.t("amount.with_unit", amount=lang.plain(rule.amount), unit=quote)
        unit = quote + via_mark(routes)
        now_value = view.t("amount.with_unit", amount=lang.money(value), unit=unit)
    else:
        subject = again_subject = escape(rule.target)
        limit = lang.plain(rule.amount)
        amount, price = lang.amount(value, precision), portfolio.prices.get(rule.target)
        if price is None:
            now_value = view.t("amount.with_unit", amount=amount, unit=subject)
        else:
            route = portfolio.route(rule.target)
            routes = NO_ROUTES if route is None else {rule.target: route}
            worth = lang.money(value * price)
            now_value = view.t(
                "threshold.value_worth",
                amount=amount,
                asset=subject,
                value=worth,
                quote=quote + via_mark(routes),
            )
    text = _crossed(alert_id, above, subject, again_subject, limit, now_value, view)
    return "\n".join([text, *via_lines(routes, portfolio.quote, view)])


def _crossed(
    alert_id: int,
    above: bool,
    subject: str,
    again_subject: str,
    limit: str,
    now: str,
    view: View,
) -> str:
    """Return the lines of a line crossed: what crossed, its value now, when it fires again."""
    title = view.t(
        "threshold.rose" if above else "threshold.fell", id=alert_id, subject=subject, limit=limit
    )
    again = view.t(
        "threshold.again_below" if above else "threshold.again_above",
        subject=again_subject,
        limit=limit,
        id=alert_id,
    )
    return "\n".join([title, view.t("threshold.now", value=now), again])


def _move_fired(
    alert_id: int, spec: AlertSpec, move: Move, portfolio: Portfolio, view: View, routes: Routes
) -> str:
    lang, quote = view.lang, escape(portfolio.quote) + via_mark(routes)
    subject = view.t("threshold.portfolio") if spec.target == TOTAL else escape(spec.target)
    title = view.t(
        "alert.moved_up" if move.rose else "alert.moved_down",
        id=alert_id,
        subject=subject,
        percent=_percent(move.percent, view),
        window=span_words(spec.move_window, view),
    )
    values = view.t(
        "alert.move_from_low" if move.rose else "alert.move_from_high",
        start=lang.money(move.start),
        end=lang.money(move.end),
        quote=quote,
        when=view.when(move.started_at),
    )
    again = view.t("alert.move_again", percent=lang.plain(spec.amount), id=alert_id)
    return "\n".join([title, values, again])
