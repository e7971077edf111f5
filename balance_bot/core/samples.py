"""Values seen over time, for move alerts: the lowest and the highest seen since a moment.

A move alert compares the value now with every value the bot has seen of its target within
its window, or since the alert was set if that is shorter. Memory and disk stay bounded: of
each SAMPLE_EVERY span only the lowest and the highest value are kept, with their times,
for SAMPLE_RETENTION (the longest window), and only for the targets a move alert watches.
So a move is measured against every value seen, to the span: at the window's far edge a
span that straddles it counts whole or not at all, by the times of its lowest and highest.
The value at the moment an alert is set is kept as a value of its own, and starts a span.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

SAMPLE_EVERY = timedelta(minutes=5)
SAMPLE_RETENTION = timedelta(days=7, minutes=5)  # the longest window (7 d), and one span


@dataclass(frozen=True, slots=True)
class Seen:
    """A value the bot saw, and when."""

    at: datetime
    value: Decimal


@dataclass(frozen=True, slots=True)
class Extremes:
    """The lowest and the highest of some values seen (the first seen of equals)."""

    low: Seen
    high: Seen

    def add(self, seen: Seen) -> Extremes:
        """Return the extremes with `seen` counted too."""
        low = seen if seen.value < self.low.value else self.low
        high = seen if seen.value > self.high.value else self.high
        return Extremes(low, high)

    def points(self) -> list[Seen]:
        """Return the values these extremes keep, oldest first (one when they are the same)."""
        if self.low == self.high:
            return [self.low]
        return sorted((self.low, self.high), key=_time)


def extremes_of(values: Iterable[Seen]) -> Extremes | None:
    """Return the lowest and highest of `values`, None when there are none."""
    found: Extremes | None = None
    for seen in values:
        found = Extremes(seen, seen) if found is None else found.add(seen)
    return found


@dataclass(slots=True)
class _Span:
    """The span being filled: when it started, and its extremes so far."""

    start: datetime
    extremes: Extremes


class SeenValues:
    """Per target, the kept values of the closed spans and the extremes of the open one."""

    def __init__(self) -> None:
        self._kept: dict[str, list[Seen]] = {}
        self._open: dict[str, _Span] = {}

    def load(self, target: str, values: Iterable[Seen]) -> None:
        """Add values to keep (read from the store, or a span that closed), each once."""
        kept = self._kept.setdefault(target, [])
        for seen in values:
            at = bisect.bisect_left(kept, seen.at, key=_time)
            if seen not in kept[at : bisect.bisect_right(kept, seen.at, key=_time)]:
                kept.insert(at, seen)

    def see(self, target: str, seen: Seen) -> list[Seen]:
        """Count a value seen; return the values to keep for good (a span that closed)."""
        span = self._open.get(target)
        if span is not None and timedelta(0) <= seen.at - span.start < SAMPLE_EVERY:
            span.extremes = span.extremes.add(seen)
            return []
        closed = self._close(target)  # full, or the clock stepped back: a new span
        self._open[target] = _Span(seen.at, Extremes(seen, seen))
        return closed

    def mark(self, target: str, seen: Seen) -> list[Seen]:
        """Keep `seen` as a value of its own (an alert is set); return the values to keep."""
        closed = self._close(target)
        self.load(target, [seen])
        return [*closed, seen]

    def since(self, target: str, start: datetime) -> Extremes | None:
        """Return the lowest and highest value of `target` seen at or after `start`."""
        kept = self._kept.get(target, [])
        first = bisect.bisect_left(kept, start, key=_time)
        found = extremes_of(kept[first:])
        span = self._open.get(target)
        if span is not None:
            for seen in span.extremes.points():
                if seen.at >= start:
                    found = Extremes(seen, seen) if found is None else found.add(seen)
        return found

    def flush(self) -> dict[str, list[Seen]]:
        """Close every open span; return, per target, the values to keep."""
        return {target: self._close(target) for target in list(self._open)}

    def keep_only(self, targets: Iterable[str], before: datetime) -> bool:
        """Forget the targets not in `targets` and the values older than `before`; return
        whether anything was forgotten."""
        wanted = set(targets)
        forgotten = False
        for target in [t for t in {*self._kept, *self._open} if t not in wanted]:
            self._kept.pop(target, None)
            self._open.pop(target, None)
            forgotten = True
        for kept in self._kept.values():
            old = bisect.bisect_left(kept, before, key=_time)
            if old:
                del kept[:old]
                forgotten = True
        return forgotten

    def _close(self, target: str) -> list[Seen]:
        span = self._open.pop(target, None)
        if span is None:
            return []
        points = span.extremes.points()
        self.load(target, points)
        return points


def _time(seen: Seen) -> datetime:
    return seen.at
