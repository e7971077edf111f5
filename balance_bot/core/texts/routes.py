"""Marks for prices taken through another pair than the asset's own (core.valuation.Route).

A price says it beside itself ("3,499,985.50 TRY via USDT"); a value or a total built on such
a price carries VIA_MARK, and one footnote line names the assets and the bridge:
"* via USDT: BTC, GLMR (no TRY price of their own)".
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from balance_bot.core.i18n import View
from balance_bot.core.valuation import Route

VIA_MARK = "*"


def via_price(price: str, route: Route | None, view: View) -> str:
    """Return a price as shown (`price`: "3,499,985.50 TRY"), with its route when it has one."""
    if route is None:
        return price
    return view.t("route.price_via", price=price, bridge=escape(route.bridge))


def via_mark(routes: Mapping[str, Route]) -> str:
    """Return the mark a figure built on `routes` carries: VIA_MARK, or "" for none."""
    return VIA_MARK if routes else ""


def via_lines(routes: Mapping[str, Route], quote: str, view: View) -> list[str]:
    """Return the footnote naming the assets valued through a bridge, one line per bridge."""
    bridges: dict[str, list[str]] = {}
    for asset, route in routes.items():
        bridges.setdefault(route.bridge, []).append(escape(asset))
    return [
        view.t(
            "balance.via",
            mark=VIA_MARK,
            bridge=escape(bridge),
            assets=", ".join(assets),
            quote=escape(quote),
        )
        for bridge, assets in bridges.items()
    ]
