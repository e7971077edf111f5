"""Tests for store/history.py through Store: explained ids and money flows, with the poll."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from balance_bot.core.explain import Remainder
from balance_bot.core.notify import NotificationKind
from balance_bot.store.database import Database
from balance_bot.store.follow_ups import remainders_from_db, remainders_to_db
from balance_bot.store.models import MoneyFlow, NewNotification
from balance_bot.store.store import Store
from tests.kit.clocks import FakeClock

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    db = await Database.open(tmp_path / "bot.sqlite3")
    yield Store(db, clock=FakeClock(T0))
    await db.close()


def flow(minutes: int, kind: str = "deposit", value: str | None = "100.5") -> MoneyFlow:
    return MoneyFlow(
        at=T0 + timedelta(minutes=minutes),
        kind=kind,  # type: ignore[arg-type]
        asset="TRY",
        amount=Decimal("100.50"),
        value=None if value is None else Decimal(value),
    )


async def test_explained_ids_and_flows_are_written_with_the_poll(store: Store) -> None:
    owed = [NewNotification(chat_id=1, kind=NotificationKind.CHANGE, text="x")]
    flows = [flow(1), flow(2, "withdrawal", value=None)]
    await store.record_poll(
        {}, T0, owed, {}, explained=[("fill", "7"), ("crypto", "7")], flows=flows
    )
    found = await store.explained_among([("fill", "7"), ("crypto", "7"), ("fill", "8")])
    assert found == {("fill", "7"), ("crypto", "7")}
    assert await store.flows_between(T0, T0 + timedelta(hours=1)) == flows
    assert await store.flows_between(T0 + timedelta(minutes=1), T0 + timedelta(hours=1)) == [
        flows[1]
    ]
    assert await store.pending_count() == 1


async def test_explaining_an_id_twice_keeps_one_row(store: Store) -> None:
    await store.record_poll({}, T0, [], {}, explained=[("fill", "1")])
    await store.record_poll({}, T0, [], {}, explained=[("fill", "1"), ("fill", "2")])
    assert await store.explained_among([("fill", "1"), ("fill", "2")]) == {
        ("fill", "1"),
        ("fill", "2"),
    }


async def test_prune_forgets_only_old_rows(store: Store) -> None:
    await store.record_poll({}, T0, [], {}, explained=[("fill", "1")], flows=[flow(0), flow(90)])
    assert await store.prune_history(T0 + timedelta(minutes=30)) == 2  # the id and one flow
    assert await store.explained_among([("fill", "1")]) == set()
    assert await store.flows_between(T0 - timedelta(days=1), T0 + timedelta(days=1)) == [flow(90)]


def test_a_follow_up_keeps_the_prices_its_alert_was_sent_with() -> None:
    open_ = (
        Remainder("BTC", 8, Decimal("0.01"), Decimal("0.0100000001"), Decimal("3500000.5")),
        Remainder("ETHW", 8, Decimal("1"), Decimal("1")),  # no price when the alert went out
    )
    assert remainders_from_db(remainders_to_db(open_)) == open_
    # A row stored before the price was kept reads as one without a price.
    assert remainders_from_db('[["BTC", 8, "0.01", "0.01"]]') == (
        Remainder("BTC", 8, Decimal("0.01"), Decimal("0.01")),
    )
