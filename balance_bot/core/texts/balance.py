"""The /balance answers: the whole portfolio, one asset in detail, or why neither."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from html import escape

from balance_bot.btcturk.parsing import FIAT_ASSETS
from balance_bot.core.commands import closest_asset
from balance_bot.core.i18n import View
from balance_bot.core.texts.rounding import rounding_note
from balance_bot.core.texts.routes import VIA_MARK, via_lines
from balance_bot.core.texts.table import pre_table
from balance_bot.core.valuation import DUST_LIMIT, Portfolio, Position, is_dust


def balance_reply(
    asset: str | None, portfolio: Portfolio, view: View, *, cost_line: str | None = None
) -> str:
    """Return the /balance answer for one asset (upper-case), or for all with None.

    `cost_line`: the asset's average cost and P&L, shown in its detail when given.
    """
    if asset is None:
        return balance_message(portfolio, view)
    position = portfolio.position(asset)
    held = [p.asset for p in portfolio.positions]
    if position is not None:
        return asset_message(position, portfolio, view, cost_line=cost_line)
    if asset in portfolio.known_assets:
        return not_held_message(asset, held, view)
    nearest = closest_asset(asset, portfolio.known_assets)
    return unknown_asset_message(asset, held, view, nearest=nearest)


def balance_message(portfolio: Portfolio, view: View) -> str:
    """Render the whole portfolio: total first, one line per asset, dust folded."""
    updated = view.t("balance.updated", when=view.when(portfolio.as_of))
    if not portfolio.positions:
        return f"{view.t('balance.empty')}\n{updated}"
    shown = [p for p in portfolio.positions if not is_dust(p)]
    dust = [p for p in portfolio.positions if is_dust(p)]
    lines = [_title(portfolio, view)]
    if shown:
        lines.append(_table(shown, portfolio.quote, view))
    in_orders = [(p.in_orders, p) for p in shown if p.in_orders != 0]
    if in_orders:
        lines.append(view.t("balance.in_orders", amounts=_amount_list(in_orders, view)))
    withdrawing = [(p.withdrawing, p) for p in shown if p.withdrawing != 0]
    if withdrawing:
        lines.append(view.t("balance.withdrawing", amounts=_amount_list(withdrawing, view)))
    locked = [p for p in shown if p.locked != 0]
    if locked:
        lines.append(
            view.t("balance.free", amounts=_amount_list([(p.free, p) for p in locked], view))
        )
    if dust:
        lines.append(dust_line(dust, portfolio.quote, view))
    lines += _price_notes(portfolio, shown, view)
    lines += _route_notes(portfolio, shown, view)
    lines += _rounding_note(portfolio, shown, dust, view)
    lines.append(updated)
    return "\n".join(lines)


def _title(portfolio: Portfolio, view: View) -> str:
    """Return the total first; without prices there is no total to show."""
    if not portfolio.prices_available:
        return view.t("balance.title_amounts")
    quote = escape(portfolio.quote)
    return view.t("balance.title", total=view.lang.money(portfolio.total), quote=quote)


def _price_notes(portfolio: Portfolio, shown: Sequence[Position], view: View) -> list[str]:
    """Say what the values and the total lack: all prices, or some assets' prices."""
    if not portfolio.prices_available:
        return [view.t("balance.no_prices")]
    notes = []
    lost = set(portfolio.unpriced)
    if lost:
        notes.append(
            view.t("balance.lost_price", assets=", ".join(escape(a) for a in sorted(lost)))
        )
    never = [escape(p.asset) for p in shown if not p.is_priced and p.asset not in lost]
    if never:
        quote = escape(portfolio.quote)
        notes.append(view.t("balance.unpriced", quote=quote, assets=", ".join(never)))
    return notes


def _rounding_note(
    portfolio: Portfolio, shown: Sequence[Position], dust: Sequence[Position], view: View
) -> list[str]:
    """Say so when the values shown, each rounded to the kuruş, do not add up to the total."""
    if not portfolio.prices_available:
        return []
    rows = [p.value for p in shown if p.value is not None]
    if dust:
        rows.append(_worth(dust))
    return rounding_note(rows, portfolio.total, portfolio.quote, view)


def _route_notes(portfolio: Portfolio, shown: Sequence[Position], view: View) -> list[str]:
    """Say which values took their price through another currency, one line per currency."""
    routes = {p.asset: p.route for p in shown if p.route is not None and p.value is not None}
    return via_lines(routes, portfolio.quote, view)


def asset_message(
    position: Position, portfolio: Portfolio, view: View, *, cost_line: str | None = None
) -> str:
    """Render one holding in detail (with its cost and P&L line when given)."""
    asset, p, quote = escape(position.asset), position.precision, escape(portfolio.quote)
    lang = view.lang
    lines = [view.t("asset.title", asset=asset, name=_name(position, view))]
    lines.append(view.t("asset.total", amount=lang.amount(position.total, p), asset=asset))
    if position.locked != 0:
        lines.append(view.t("asset.free", amount=lang.amount(position.free, p), asset=asset))
    if position.in_orders != 0:
        in_orders = lang.amount(position.in_orders, p)
        lines.append(view.t("asset.in_orders", amount=in_orders, asset=asset))
    if position.withdrawing != 0:
        waiting = lang.amount(position.withdrawing, p)
        lines.append(view.t("asset.withdrawing", amount=waiting, asset=asset))
    if position.asset == portfolio.quote:
        pass  # its value is its amount: said once, above
    elif position.value is not None and position.price is not None:
        lines.append(_value_line(position, position.value, position.price, quote, view))
    elif not portfolio.prices_available:
        lines.append(view.t("asset.no_prices"))
    else:
        lines.append(view.t("asset.no_value", quote=quote))
    if cost_line:
        lines.append(cost_line)
    lines.append(view.t("balance.updated", when=view.when(portfolio.as_of)))
    return "\n".join(lines)


def _value_line(position: Position, worth: Decimal, unit: Decimal, quote: str, view: View) -> str:
    """Return the value and the price it comes from, with the route when not its own pair."""
    lang, asset, route = view.lang, escape(position.asset), position.route
    value, price = lang.money(worth), lang.price(unit)
    if route is None:
        return view.t("asset.value", value=value, quote=quote, asset=asset, price=price)
    if route.divisor is not None:  # XRP in USDT: XRPTRY ÷ USDTTRY
        return view.t(
            "asset.value_via_divided",
            value=value,
            quote=quote,
            asset=asset,
            price=price,
            bridge=escape(route.bridge),
            in_bridge=lang.price(route.in_bridge),
            divisor=lang.price(route.divisor),
        )
    return view.t(
        "asset.value_via",
        value=value,
        quote=quote,
        asset=asset,
        price=price,
        bridge=escape(route.bridge),
        in_bridge=lang.price(route.in_bridge),
        bridge_price=lang.price(route.bridge_price),
    )


def not_held_message(asset: str, held: Sequence[str], view: View) -> str:
    """Tell the user they hold none of a listed asset."""
    return _with_held(view.t("asset.not_held", asset=escape(asset)), held, view)


def unknown_asset_message(
    asset: str, held: Sequence[str], view: View, *, nearest: str | None = None
) -> str:
    """Tell the user an asset is not listed on BTCTurk, offering the `nearest` one listed."""
    message = view.t("asset.unknown", asset=escape(asset[:20]))
    if nearest is not None:
        message += " " + view.t("asset.did_you_mean", asset=escape(nearest))
    return _with_held(message, held, view)


def _table(positions: Sequence[Position], quote: str, view: View) -> str:
    """Return one row per asset: amount and value; as records on a narrow phone, where the
    quote currency's value (its amount again) and an unknown value (the notes below say why)
    are left out."""
    rows = [
        (
            p.asset,
            view.lang.amount(p.total, p.precision),
            view.t("balance.no_value") if p.value is None else view.lang.money(p.value),
        )
        for p in positions
    ]
    records = [
        (asset, amount, "" if p.asset == quote or p.value is None else value)
        for (asset, amount, value), p in zip(rows, positions, strict=True)
    ]
    marks = [VIA_MARK if p.route is not None and p.value is not None else "" for p in positions]
    return pre_table(rows, "<>>", marks=marks, records=records)


def _amount_list(amounts: Iterable[tuple[Decimal, Position]], view: View) -> str:
    return ", ".join(
        view.t(
            "amount.with_unit", amount=view.lang.amount(amount, p.precision), unit=escape(p.asset)
        )
        for amount, p in amounts
    )


def dust_line(dust: Sequence[Position], quote: str, view: View) -> str:
    """Return the one line the small balances are folded into, with what they are worth."""
    return view.t(
        "balance.dust.one" if len(dust) == 1 else "balance.dust.many",
        count=len(dust),
        limit=view.lang.amount(DUST_LIMIT, 0),
        quote=escape(quote),
        worth=view.lang.money(_worth(dust)),
    )


def _worth(dust: Sequence[Position]) -> Decimal:
    return sum((p.value for p in dust if p.value is not None), Decimal(0))


def _with_held(message: str, held: Sequence[str], view: View) -> str:
    """Add to `message` the assets the user does hold, when there are any."""
    if not held:
        return message
    assets = ", ".join(escape(a) for a in held)
    return view.t("asset.you_hold", message=message, assets=assets)


def _name(position: Position, view: View) -> str:
    """Return an asset's name: a fiat currency's in the chat's language (BTCTurk names the
    lira in Turkish), else BTCTurk's."""
    if position.asset in FIAT_ASSETS:
        return view.t(f"asset.name.{position.asset}")
    return escape(position.name)
