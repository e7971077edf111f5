"""Compare two balance snapshots and report what a user would see change.

Totals are compared at each asset's display precision with the display's own rule,
`core.numbers.quantize` (half-even: "3.3109771999999998" shows as "3.31097720", which
truncation would get wrong). Sub-precision noise between two
polls is therefore never reported, and a change is reported as the difference between the
two amounts the user sees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from balance_bot.core.numbers import quantize

_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Holding:
    """What the account holds of one asset at one moment."""

    asset: str
    total: Decimal
    free: Decimal
    locked: Decimal
    precision: int


Snapshot = Mapping[str, Holding]
"""Asset code -> holding, as of one poll."""


@dataclass(frozen=True, slots=True)
class BalanceChange:
    """One asset whose total (or, for an order move, locked part) changed between two polls."""

    asset: str
    precision: int
    old_total: Decimal
    new_total: Decimal
    old_locked: Decimal
    new_locked: Decimal

    @property
    def difference(self) -> Decimal:
        """Return new minus old total, both at display precision."""
        return quantize(self.new_total, self.precision) - quantize(self.old_total, self.precision)

    @property
    def is_order_move(self) -> bool:
        """Return True when only the locked part changed (an order placed or cancelled)."""
        same_total = self.difference == 0
        old_locked = quantize(self.old_locked, self.precision)
        return same_total and old_locked != quantize(self.new_locked, self.precision)


def _zero(asset: str, precision: int) -> Holding:
    return Holding(asset=asset, total=_ZERO, free=_ZERO, locked=_ZERO, precision=precision)


def detect_changes(
    previous: Snapshot, current: Snapshot, *, include_order_moves: bool = False
) -> list[BalanceChange]:
    """Return the changes from `previous` to `current`, sorted by asset."""
    changes: list[BalanceChange] = []
    for asset in sorted(set(previous) | set(current)):
        old = previous.get(asset)
        new = current.get(asset)
        newest = new if new is not None else old
        assert newest is not None  # the asset comes from one side or the other
        # The newest precision wins; an asset missing on one side holds zero.
        precision = newest.precision
        old = old if old is not None else _zero(asset, precision)
        new = new if new is not None else _zero(asset, precision)
        change = BalanceChange(
            asset=asset,
            precision=precision,
            old_total=old.total,
            new_total=new.total,
            old_locked=old.locked,
            new_locked=new.locked,
        )
        if change.difference != 0 or (include_order_moves and change.is_order_move):
            changes.append(change)
    return changes


def is_suspicious(previous: Snapshot, current: Snapshot) -> bool:
    """Return True when `current` is empty although `previous` held something: never diff it."""
    return not current and any(h.total != 0 for h in previous.values())
