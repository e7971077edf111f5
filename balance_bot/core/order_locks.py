"""What is in orders against what the open orders lock: the feed is not trusted alone. Pure.

BTCTurk's users have seen the feed's order events stop after a reconnect while balance
updates and fills went on. So every poll checks the open orders against what the balances
say is in orders (`orderFund`, per asset): a sell locks what is left of its base, a buy what
is left of its quote (`denomLeft`, fee included), within FEE_TOLERANCE. What no order
explains is shown, never guessed (`Attribution`): as it was when the feed logged in (orders
placed before the bot connected), or grown since. Order events are missing (`LockWatch`)
when a fill comes for an order never told while nothing from before the login could be it,
or when a lock grows with no 451 behind it and still has none at a poll GRACE later (a 451
may come a moment after the balance).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from balance_bot.core.orders import GRACE

FEE_TOLERANCE = Decimal("0.01")  # BTCTurk's highest fee with its tax is well under 1 %
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Attribution:
    """Per asset, what is in orders that the open orders do not explain, and the reverse.

    `before`: more in orders than the open orders lock, as it was when the feed logged in
    (orders placed before the bot connected); `unseen`: more than that, grown since (events
    lost); `short`: less than the orders lock (one may have ended unseen).
    """

    before: Mapping[str, Decimal] = field(default_factory=dict)
    unseen: Mapping[str, Decimal] = field(default_factory=dict)
    short: Mapping[str, Decimal] = field(default_factory=dict)


def tolerance(expected: Decimal, precision: int) -> Decimal:
    """Return how far what is in orders may be from what the orders lock: the fee, at least
    one unit of the asset's last decimal."""
    return expected * FEE_TOLERANCE + Decimal(1).scaleb(-precision)


def order_funds(
    positions: Iterable[tuple[str, Decimal | None, Decimal | None, Decimal]],
    listed: Collection[str],
) -> dict[str, Decimal]:
    """Return what the balances say is in orders, per asset: `orderFund`, else `locked` less
    what waits for a withdrawal when the row said that; an asset listed and not held has
    nothing in orders; one whose row says neither is left out.

    `positions`: (asset, order_fund, request_fund, locked) of each holding.
    """
    funds = dict.fromkeys(listed, _ZERO)
    for asset, order_fund, request_fund, locked in positions:
        if order_fund is not None:
            funds[asset] = order_fund
        elif request_fund is not None:
            funds[asset] = locked - request_fund
        else:
            funds.pop(asset, None)
    return funds


class LockWatch:
    """What no open order explains, split into older orders and growth; events lost."""

    def __init__(self) -> None:
        self._baseline: dict[str, Decimal] | None = None  # unexplained at the login's poll
        self._suspects: dict[str, datetime] = {}  # asset -> the poll that first saw it odd
        self.missing_since: datetime | None = None
        self.relogin_after: datetime | None = None  # missing since, and asked to log in again

    def logged_in(self) -> None:
        """The feed logged in (again): what is in orders now is the new baseline, unless
        events were missing (what they left unexplained stays so: no order explains it)."""
        if self.missing_since is None:
            self._baseline = None
            self._suspects.clear()

    def stray_fill(self, asset: str | None, now: datetime) -> None:
        """A fill of an order the bot never heard of, on an order locking `asset`: events were
        lost, unless an order placed before the bot connected (something in orders no order
        explained) can be it."""
        if self._baseline is None or asset is None:
            return
        if self._baseline.get(asset, _ZERO) <= 0:
            self._lost(now)

    def check(
        self,
        extra: Mapping[str, Decimal],
        short: Mapping[str, Decimal],
        precisions: Mapping[str, int],
        now: datetime,
        *,
        watching: bool,
    ) -> Attribution:
        """Split what no order explains (`extra`) into older orders and growth; notice events
        lost while `watching` (the feed is up: what happens while it is down is no event
        lost, and becomes the new baseline)."""
        if not watching:
            self.logged_in()
        if self._baseline is None:
            self._baseline = dict(extra)
        before: dict[str, Decimal] = {}
        unseen: dict[str, Decimal] = {}
        for asset in set(extra) | set(short) | set(self._baseline):
            found, base = extra.get(asset, _ZERO), self._baseline.get(asset, _ZERO)
            margin = tolerance(base, precisions.get(asset, 8))
            if found - base > margin or asset in short:
                first = self._suspects.setdefault(asset, now)
                if now - first >= GRACE:
                    self._lost(first)  # since the poll that first saw it
            else:
                self._suspects.pop(asset, None)
                self._baseline[asset] = min(base, found)  # an older order closed
            held = min(found, self._baseline.get(asset, _ZERO))
            if held > 0:
                before[asset] = held
            if found - held > 0:
                unseen[asset] = found - held
        return Attribution(before, unseen, dict(short))

    def events_flow(self) -> None:
        """A 451 or a 452 arrived: after a new login, the events flow again."""
        if self.relogin_after is not None:
            self.missing_since = self.relogin_after = None
            self._suspects.clear()
            self._baseline = None

    def asked_relogin(self, now: datetime) -> bool:
        """Return True once per stretch of missing events: the feed should log in again."""
        if self.missing_since is None or self.relogin_after is not None:
            return False
        self.relogin_after = now
        return True

    def _lost(self, now: datetime) -> None:
        if self.missing_since is None:
            self.missing_since = now
