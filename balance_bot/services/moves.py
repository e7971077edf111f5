"""What move alerts compare with: the values seen of the targets they watch, kept in the store.

Each poll counts the value of every target a move alert watches (core.samples keeps, per
5-minute span, the lowest and the highest); a span's values reach the store when it closes,
and the open spans at a clean stop. The value when an alert is set is stored with the alert.
A move alert's span starts at its window's start, or when it was set if that is later.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from balance_bot.core.samples import SAMPLE_RETENTION, Extremes, Seen, SeenValues
from balance_bot.core.thresholds import AlertSpec, Direction, Kind, watched_value
from balance_bot.core.valuation import Portfolio
from balance_bot.store.models import AlertRule
from balance_bot.store.store import Store


def span_start(rule: AlertRule, now: datetime) -> datetime:
    """Return since when a move alert compares: its window's start, or when it was set."""
    return max(now - rule.spec.move_window, rule.created_at)


def move_value(target: str, portfolio: Portfolio) -> Decimal | None:
    """Return the value a move alert on `target` watches: the total, or a holding's value."""
    return watched_value(AlertSpec(target, Direction.ABOVE, Decimal(1), Kind.MOVE), portfolio)


class MoveWatch:
    """Keep the values seen of the targets move alerts watch; tell each alert its extremes."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._seen = SeenValues()
        self._loaded = False
        self._loading = asyncio.Lock()

    async def observe(
        self, rules: Iterable[AlertRule], portfolio: Portfolio, now: datetime
    ) -> dict[int, Extremes | None]:
        """Count this poll's value of every target a move alert watches; return, per move
        alert, the lowest and highest value seen in its span, the value now included."""
        moves = [rule for rule in rules if rule.kind is Kind.MOVE]
        await self._load(now)
        targets = {rule.target for rule in moves}
        closed: dict[str, list[Seen]] = {}
        for target in targets:
            value = move_value(target, portfolio)
            if value is not None:
                closed[target] = self._seen.see(target, Seen(now, value))
        before = now - SAMPLE_RETENTION
        forgot = self._seen.keep_only(targets, before)
        if any(closed.values()) or forgot:
            await self._store.record_seen(closed, keep=targets, before=before)
        return self.extremes(moves, now)

    def extremes(self, rules: Iterable[AlertRule], now: datetime) -> dict[int, Extremes | None]:
        """Return, per move alert, the lowest and highest value seen in its span so far."""
        return {
            rule.id: self._seen.since(rule.target, span_start(rule, now))
            for rule in rules
            if rule.kind is Kind.MOVE
        }

    async def known(self, rules: Iterable[AlertRule], now: datetime) -> dict[int, Extremes | None]:
        """Return `extremes` once what the store kept is read (for /alerts)."""
        await self._load(now)
        return self.extremes(rules, now)

    async def alert_set(self, rule: AlertRule, value: Decimal | None) -> None:
        """Count the value a move alert was set at (the store has it with the alert)."""
        if rule.kind is not Kind.MOVE or value is None:
            return
        await self._load(rule.created_at)
        kept = self._seen.mark(rule.target, Seen(rule.created_at, value))
        await self._store.record_seen({rule.target: kept})

    async def flush(self) -> None:
        """Store the values of the spans still open (at a clean stop)."""
        if self._loaded:
            await self._store.record_seen(self._seen.flush())

    async def _load(self, now: datetime) -> None:
        async with self._loading:
            if not self._loaded:
                kept = await self._store.seen_since(now - SAMPLE_RETENTION)
                for target, values in kept.items():
                    self._seen.load(target, values)
                self._loaded = True
