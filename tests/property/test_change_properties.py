"""Properties of core.changes over a run of polls: every shown change is reported once.

tests/unit/test_changes.py checks one pair of snapshots; here a sequence of polls is diffed
pair by pair, as the monitor does, and the reported differences must add up to exactly what
the user saw change from the first poll to the last: nothing missed, nothing counted twice.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from balance_bot.core.changes import Holding, detect_changes
from balance_bot.core.numbers import quantize

PRECISIONS = {"BTC": 8, "ETH": 8, "XRP": 4, "TRY": 2, "USDT": 2, "SHIB": 0}
AMOUNTS = st.decimals(min_value=0, max_value=10**9, places=16, allow_nan=False)


@st.composite
def snapshots(draw: st.DrawFn) -> dict[str, Holding]:
    """Return one poll: some assets, each at a fixed precision, with any total."""
    assets = draw(st.lists(st.sampled_from(sorted(PRECISIONS)), unique=True, max_size=6))
    result = {}
    for asset in assets:
        total = draw(AMOUNTS)
        locked = draw(st.sampled_from([Decimal(0), total]))
        result[asset] = Holding(asset, total, total - locked, locked, PRECISIONS[asset])
    return result


def shown(snapshot: dict[str, Holding], asset: str) -> Decimal:
    holding = snapshot.get(asset)
    return Decimal(0) if holding is None else quantize(holding.total, PRECISIONS[asset])


@settings(max_examples=200, deadline=None)
@given(st.lists(snapshots(), min_size=2, max_size=6))
def test_reported_differences_add_up_to_what_was_shown(polls: list[dict[str, Holding]]) -> None:
    reported: dict[str, Decimal] = defaultdict(Decimal)
    for previous, current in itertools.pairwise(polls):
        changes = detect_changes(previous, current)
        assets = [c.asset for c in changes]
        assert len(assets) == len(set(assets))  # one report per asset per poll
        for change in changes:
            assert change.difference == shown(current, change.asset) - shown(previous, change.asset)
            reported[change.asset] += change.difference
        for asset in PRECISIONS:  # and a report whenever the shown amount moved
            moved = shown(current, asset) != shown(previous, asset)
            assert moved == (asset in assets)

    first, last = polls[0], polls[-1]
    for asset in PRECISIONS:
        assert reported[asset] == shown(last, asset) - shown(first, asset)


@settings(max_examples=100, deadline=None)
@given(snapshots(), st.booleans())
def test_a_poll_compared_with_itself_reports_nothing(
    snapshot: dict[str, Holding], order_moves: bool
) -> None:
    assert detect_changes(snapshot, dict(snapshot), include_order_moves=order_moves) == []
