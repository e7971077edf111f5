"""What the owner reads of their orders: placed, edited, cancelled, filled, and /orders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from html import escape

from balance_bot.core.explain import default_precision
from balance_bot.core.i18n import View, time_of_day
from balance_bot.core.order_locks import Attribution
from balance_bot.core.orders import (
    Cancelled,
    Edited,
    FeedHealth,
    FillStory,
    Gone,
    News,
    OrderTerms,
    Placed,
)
from balance_bot.core.percent import percent_of
from balance_bot.core.texts.table import pre_block, wrap

Precisions = Mapping[str, int]


@dataclass(frozen=True, slots=True)
class OpenOrder:
    """One open order as /orders lists it."""

    terms: OrderTerms
    left: Decimal
    filled: Decimal
    placed_at: datetime | None


@dataclass(frozen=True, slots=True)
class OrdersFacts:
    """Everything /orders shows, gathered by the caller."""

    orders: Sequence[OpenOrder]
    feed: FeedHealth
    attribution: Attribution = field(default_factory=Attribution)
    precisions: Precisions = field(default_factory=dict)
    in_orders: Mapping[str, Decimal] = field(default_factory=dict)  # what BTCTurk says
    funds_known: bool = True  # the balances say what is in orders
    missing_since: datetime | None = None  # order events stopped coming
    as_of: datetime | None = None  # the balances the list was checked against


def order_phrase(
    terms: OrderTerms, view: View, precisions: Precisions, *, price: bool = True
) -> str:
    """Return an order in words: "Limit sell 0.10000000 BTC @ 3,900,000.00 TRY"."""
    side = view.t(f"order.side.{terms.side or 'unknown'}")
    amount = view.lang.amount(terms.amount, _precision(terms.base, precisions))
    base, quote = escape(terms.base), escape(terms.quote)
    if terms.market:
        return view.t("order.market", side=side, base=base)
    if not price:
        return view.t(f"order.{terms.kind}_short", side=side, amount=amount, base=base)
    shown = view.lang.price(terms.price)
    return view.t(
        f"order.{terms.kind}", side=side, amount=amount, base=base, price=shown, quote=quote
    )


def order_news(news: Sequence[News], view: View, precisions: Precisions) -> str:
    """Tell what happened to orders: one line for one, under one title for several."""
    lines = [_news_line(item, view, precisions) for item in news]
    return lines[0] if len(lines) == 1 else "\n".join([view.t("change.orders_title"), *lines])


def story_line(story: FillStory, view: View, precisions: Precisions) -> str:
    """Return how far an order filled, the line over its fills in a change alert."""
    order = order_phrase(story.terms, view, precisions)
    if story.complete:
        return view.t("order.filled", order=order)
    share = percent_of(story.filled, story.terms.amount)
    return view.t("order.partly", order=order, percent=view.lang.percent(share).removeprefix("+"))


def orders_message(facts: OrdersFacts, view: View) -> str:
    """Render /orders: the open orders, what they leave unexplained, and how far to trust it."""
    precisions = facts.precisions
    if facts.feed in (FeedHealth.OFF, FeedHealth.REFUSED, FeedHealth.KEY_REFUSED):
        lines = [view.t(f"orders.feed_{facts.feed.value}")]
        if facts.in_orders:
            amounts = ", ".join(
                view.t(
                    "amount.with_unit",
                    amount=view.lang.amount(amount, _precision(asset, precisions)),
                    unit=escape(asset),
                )
                for asset, amount in sorted(facts.in_orders.items())
            )
            lines.append(view.t("balance.in_orders", amounts=amounts))
        return "\n".join(lines)
    if facts.orders:
        lines = [view.t("orders.title", count=len(facts.orders))]
        records = [line for order in facts.orders for line in _record(order, view, precisions)]
        lines.append(pre_block(records))
    else:
        lines = [view.t("orders.none")]
    lines += _unexplained(facts.attribution, view, precisions)
    if facts.missing_since is not None:
        lines.append(view.t("orders.missing", when=view.when(facts.missing_since)))
    elif facts.feed is FeedHealth.DOWN:
        lines.append(view.t("orders.feed_down"))
    if not facts.funds_known:
        lines.append(view.t("orders.unchecked"))
    if facts.as_of is not None:
        lines.append(view.t("balance.updated", when=view.when(facts.as_of)))
    return "\n".join(lines)


def orders_missing_line(since: datetime, relogin: datetime | None, view: View) -> str:
    """Return /status's line: order events stopped coming, and the feed logged in again."""
    if relogin is None:
        return view.t("status.orders_missing", when=view.when(since))
    return view.t(
        "status.orders_missing_relogin", when=view.when(since), relogin=view.when(relogin)
    )


def _news_line(item: News, view: View, precisions: Precisions) -> str:
    if isinstance(item, Placed):
        return view.t("order.placed", order=order_phrase(item.terms, view, precisions))
    if isinstance(item, Edited):
        return _edited(item, view, precisions)
    if isinstance(item, Gone):
        order = order_phrase(item.terms, view, precisions)
        return view.t("order.gone", order=order, asset=escape(item.asset))
    return _cancelled(item, view, precisions)


def _cancelled(item: Cancelled, view: View, precisions: Precisions) -> str:
    order = order_phrase(item.terms, view, precisions)
    key = "order.cancelled" if item.seen_placed else "order.cancelled_older"
    text = view.t(key, order=order)
    if item.filled > 0 and item.left > 0:
        amount = view.lang.amount(item.left, _precision(item.terms.base, precisions))
        text += view.t("order.left", amount=amount, asset=escape(item.terms.base))
    return text


def _edited(item: Edited, view: View, precisions: Precisions) -> str:
    before, after = item.before, item.after
    if after.price == before.price:
        return view.t("order.edited_same", order=order_phrase(after, view, precisions))
    change = view.t(
        "order.edit_price",
        old=view.lang.price(before.price),
        new=view.lang.price(after.price),
        quote=escape(after.quote),
    )
    order = order_phrase(before, view, precisions, price=False)
    return view.t("order.edited", order=order, changes=change)


def _record(order: OpenOrder, view: View, precisions: Precisions) -> list[str]:
    """Return one order as a record of a <pre> block, each line at most a phone wide."""
    terms, lang = order.terms, view.lang
    side = view.t(f"orders.side.{terms.side or 'unknown'}")
    left = lang.amount(order.left, _precision(terms.base, precisions))
    head = f"{side} {terms.base}/{terms.quote} {left}"
    value = lang.money(order.left * terms.price)
    priced = view.t("orders.priced", price=lang.price(terms.price), value=value, quote=terms.quote)
    lines = wrap(head, "  ") + wrap(" " + priced, "   ")
    when = []
    if order.placed_at is not None:
        when.append(view.t("orders.since", when=_moment(order.placed_at, view)))
    if order.filled > 0 and terms.amount > 0:
        share = lang.percent(percent_of(order.filled, terms.amount)).removeprefix("+")
        when.append(view.t("orders.filled", percent=share))
    if when:
        lines += wrap(" " + _both(when, view), "   ")
    return lines


def _unexplained(attribution: Attribution, view: View, precisions: Precisions) -> list[str]:
    lines = []
    for key, amounts in (
        ("orders.before", attribution.before),
        ("orders.unseen", attribution.unseen),
        ("orders.short", attribution.short),
    ):
        for asset, amount in sorted(amounts.items()):
            shown = view.lang.amount(amount, _precision(asset, precisions))
            lines.append(view.t(key, amount=shown, asset=escape(asset)))
    return lines


def _moment(moment: datetime, view: View) -> str:
    """Return a time of today as 14:02, another day's as 24 Nov 14:02 (no zone: the footer
    names it)."""
    local = moment.astimezone(view.tz)
    clock = time_of_day(local.time())
    if local.date() == view.now.astimezone(view.tz).date():
        return clock
    return view.short_date(local) + " " + clock


def _both(parts: Sequence[str], view: View) -> str:
    """Return one part, or two parted by a middle dot."""
    if len(parts) == 1:
        return parts[0]
    return view.t("order.both", first=parts[0], second=parts[1])


def _precision(asset: str, precisions: Precisions) -> int:
    return precisions.get(asset, default_precision(asset))
