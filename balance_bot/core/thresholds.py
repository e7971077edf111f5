"""Threshold alerts: what each kind watches, and when it fires.

Kinds (`Kind`), each on an asset or on the portfolio ("total"):
- amount: the quantity of an asset held (`/alert BTC below 5`);
- price: an asset's price in the quote currency, through USDT when it has no direct pair;
- value: a holding's value, amount x price (`/alert total above ...` is the portfolio's value);
- move: how much that value moved, up or down, within a window (default 24 h), in percent:
  from the lowest or the highest value seen within the window, or since the alert was set if
  that is shorter (see core.samples), whichever is the bigger move.

Level comparisons are strict: "above 5" is met by 5.01, not by 5, and "below 5" by 4.99, not
by 5, so "above 0" means "as soon as I hold any" and "below 0" is impossible (refused). A move
is met when it is at least the percentage, either way.

Alerts are edge-triggered: one message when the condition becomes true, silence while it stays
true, and the alert re-arms once it is false again. After firing, an alert stays quiet for its
cooldown (default 1 h) even if it re-arms and crosses again meanwhile: such a crossing counts
as told. An unknown value (asset not priced, fetch failed, no value seen within the window)
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from balance_bot.btcturk.parsing import CRYPTO_PRECISION
from balance_bot.core.percent import percent_of
from balance_bot.core.samples import Extremes
from balance_bot.core.valuation import Portfolio, Route, total_routes

DEFAULT_PRECISION = CRYPTO_PRECISION  # an asset the account does not list: as crypto

TOTAL = "total"
USAGE = "/alert <ASSET|total> <above|below> <amount>"
DEFAULT_COOLDOWN = timedelta(hours=1)
DEFAULT_WINDOW = timedelta(hours=24)
FAR_FACTOR = Decimal(100)  # a threshold this many times above or below the value now is asked about


class Direction(StrEnum):
    """Which side of the amount fires the alert (a move fires either way: stored as above)."""

    ABOVE = "above"
    BELOW = "below"


class Kind(StrEnum):
    """What an alert watches."""

    AMOUNT = "amount"
    PRICE = "price"
    VALUE = "value"
    MOVE = "move"


class Problem(StrEnum):
    """Why a `/alert` command was refused, for callers that word it themselves."""

    USAGE = "usage"
    UNKNOWN_ASSET = "unknown_asset"
    DIRECTION = "direction"
    NOT_A_NUMBER = "not_a_number"
    AMBIGUOUS = "ambiguous"
    NEGATIVE = "negative"
    ZERO_BELOW = "zero_below"
    ZERO_PRICE = "zero_price"  # a price is always above 0
    ZERO_VALUE = "zero_value"  # a holding's value above 0 is its amount above 0
    ZERO_TOTAL = "zero_total"  # the portfolio's value is never below 0
    SPACED = "spaced"  # a number typed with spaces between its groups: 3 600 000
    TOO_LARGE = "too_large"
    TOO_PRECISE = "too_precise"
    KIND = "kind"
    TOTAL_KIND = "total_kind"
    PERCENT = "percent"
    WINDOW = "window"
    COOLDOWN = "cooldown"


class AlertUsageError(ValueError):
    """The arguments of `/alert` do not describe an alert.

    `position` is the index of the argument at fault (None: the form as a whole) and `fix` the
    argument(s) that would replace it (and the `width - 1` after it) in the nearest valid form,
    when one is obvious. An ambiguous number or duration has no fix but `readings`: the argument
    written each way it can be read (and, for a duration, `spans`: what each reading means); a
    number typed with spaces has both, `readings` being the ways to write it.
    """

    def __init__(
        self,
        problem: Problem,
        reason: str,
        *,
        position: int | None = None,
        fix: tuple[str, ...] | None = None,
        readings: tuple[str, ...] = (),
        spans: tuple[timedelta, ...] = (),
        width: int = 1,
    ) -> None:
        super().__init__(reason)
        self.problem = problem
        self.reason = reason
        self.position = position
        self.fix = fix
        self.readings = readings
        self.spans = spans
        self.width = width


@dataclass(frozen=True, slots=True)
class AlertSpec:
    """What to watch: an upper-case asset code or TOTAL, a direction, an amount, and how.

    For a move, `amount` is the percentage and `window` the span it is measured over. The
    total's amount is its value: `AlertSpec(TOTAL, ...)` is a value alert.
    """

    target: str
    direction: Direction
    amount: Decimal
    kind: Kind = Kind.AMOUNT
    window: timedelta | None = None
    cooldown: timedelta = DEFAULT_COOLDOWN

    def __post_init__(self) -> None:
        if self.target == TOTAL and self.kind is Kind.AMOUNT:
            object.__setattr__(self, "kind", Kind.VALUE)
        if self.kind is Kind.MOVE:
            object.__setattr__(self, "direction", Direction.ABOVE)
            if self.window is None:
                object.__setattr__(self, "window", DEFAULT_WINDOW)
        elif self.window is not None:
            raise ValueError("only a move alert has a window")
        if self.target == TOTAL and self.kind is Kind.PRICE:
            raise ValueError("the portfolio has no price")

    @property
    def move_window(self) -> timedelta:
        """Return a move alert's window (DEFAULT_WINDOW for the other kinds)."""
        return self.window or DEFAULT_WINDOW


@dataclass(frozen=True, slots=True)
class Move:
    """How a value moved: from `start` (seen at `started_at`) to `end`.

    A rise is measured from the lowest value seen, a fall from the highest.
    """

    start: Decimal
    end: Decimal
    started_at: datetime

    @property
    def percent(self) -> Decimal:
        """Return the signed change in percent of `start` (which is positive)."""
        return percent_of(self.end - self.start, self.start)

    @property
    def rose(self) -> bool:
        """Tell whether the value went up (or stayed)."""
        return self.end >= self.start


def is_met(direction: Direction, value: Decimal, amount: Decimal) -> bool:
    """Return True when `value` is strictly on the `direction` side of `amount`."""
    if direction is Direction.ABOVE:
        return value > amount
    return value < amount


def condition_met(spec: AlertSpec, value: Decimal) -> bool:
    """Return whether the observed `value` meets `spec` (for a move, `value` is in percent)."""
    if spec.kind is Kind.MOVE:
        return abs(value) >= spec.amount
    return is_met(spec.direction, value, spec.amount)


def evaluate(
    triggered: bool, direction: Direction, value: Decimal | None, amount: Decimal
) -> tuple[bool, bool]:
    """Return (fire_now, new_triggered) for one observation of an edge-triggered alert."""
    if value is None:
        return False, triggered
    met = is_met(direction, value, amount)
    return met and not triggered, met


def decide(
    spec: AlertSpec,
    triggered: bool,
    value: Decimal | None,
    *,
    last_fired_at: datetime | None,
    now: datetime,
) -> tuple[bool, bool]:
    """Return (fire_now, new_triggered): edge-triggered, and quiet within the cooldown."""
    if value is None:
        return False, triggered
    met = condition_met(spec, value)
    if not met or triggered:
        return False, met
    cooling = last_fired_at is not None and now - last_fired_at < spec.cooldown
    return not cooling, True


def initial_triggered(spec: AlertSpec, value: Decimal | None) -> bool:
    """Return the triggered flag for a new alert: True when it is already met, so it stays quiet."""
    return value is not None and condition_met(spec, value)


def far_side(spec: AlertSpec, value: Decimal | None) -> Direction | None:
    """Return on which side `spec`'s line is far from the `value` it watches now, or None.

    Far means more than FAR_FACTOR times the value (ABOVE) or under 1/FAR_FACTOR of it
    (BELOW): what a number typed a thousand times off looks like. A move, an unknown or
    non-positive value and a line at zero are never far.
    """
    if spec.kind is Kind.MOVE or value is None or value <= 0 or spec.amount <= 0:
        return None
    if spec.amount > value * FAR_FACTOR:
        return Direction.ABOVE
    if spec.amount * FAR_FACTOR < value:
        return Direction.BELOW
    return None


def same_watch(one: AlertSpec, other: AlertSpec) -> bool:
    """Tell whether two alerts watch the same line: target, kind, direction, amount, window.

    The cooldown is how often it may speak, not what it watches: it is left out.
    """
    return (one.target, one.kind, one.direction, one.amount, one.window) == (
        other.target,
        other.kind,
        other.direction,
        other.amount,
        other.window,
    )


def watched_value(spec: AlertSpec, portfolio: Portfolio) -> Decimal | None:
    """Return the level `spec` watches now (for a move: the value that moves), or None.

    A total without prices, or without an asset that had a price before, is no true total:
    None, so the alert is not evaluated on it. An asset listed but not held has amount and
    value 0.
    """
    if spec.target == TOTAL:
        return portfolio.total if portfolio.total_complete else None
    if spec.kind is Kind.PRICE:
        return portfolio.prices.get(spec.target) if portfolio.prices_available else None
    position = portfolio.position(spec.target)
    if position is not None:
        return position.total if spec.kind is Kind.AMOUNT else position.value
    return Decimal(0) if spec.target in portfolio.known_assets else None


def watched_routes(spec: AlertSpec, portfolio: Portfolio) -> dict[str, Route]:
    """Return the prices not of their own pair (asset -> route) the level `spec` watches is
    built on: a price's own, a holding's value's, the total's (as /balance names them); none
    for an amount, or while the value is unknown."""
    if spec.kind is Kind.AMOUNT or watched_value(spec, portfolio) is None:
        return {}
    if spec.target == TOTAL:
        return total_routes(portfolio)
    route = portfolio.route(spec.target)
    if route is None:
        return {}
    if spec.kind is Kind.PRICE:
        return {spec.target: route}
    position = portfolio.position(spec.target)
    return {spec.target: route} if position is not None and position.value else {}


def observe(
    spec: AlertSpec, portfolio: Portfolio, seen: Extremes | None
) -> tuple[Decimal | None, Move | None]:
    """Return what `spec` compares now (a move: its percent) and, for a move, the move.

    `seen` holds the lowest and highest value seen in the move's span (the value now among
    them); without any, a move is unknown.
    """
    value = watched_value(spec, portfolio)
    if spec.kind is not Kind.MOVE:
        return value, None
    if value is None or seen is None:
        return None, None
    move = biggest_move(seen, value)
    return (None, None) if move is None else (move.percent, move)


def biggest_move(seen: Extremes, value: Decimal) -> Move | None:
    """Return the bigger of the moves to `value` from the lowest and from the highest value
    seen (only from a positive one: a percentage of nothing is no move); None without one."""
    moves = [
        Move(start=reference.value, end=value, started_at=reference.at)
        for reference in (seen.low, seen.high)
        if reference.value > 0
    ]
    return max(moves, key=lambda move: abs(move.percent), default=None)


def observed_value(target: str, portfolio: Portfolio) -> Decimal | None:
    """Return what a classic alert on `target` compares: the amount held, or the total."""
    return watched_value(AlertSpec(target, Direction.ABOVE, Decimal(0)), portfolio)
