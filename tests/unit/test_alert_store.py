"""Tests for the store's alert kinds, cooldowns and the values move alerts compare with."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from balance_bot.core.samples import Seen
from balance_bot.core.thresholds import TOTAL, AlertSpec, Direction, Kind
from balance_bot.store.alerts import AlertExists
from balance_bot.store.database import Database
from balance_bot.store.schema import APPLICATION_ID, MIGRATIONS
from balance_bot.store.store import Store
from tests.kit.clocks import FakeClock

D = Decimal
T0 = datetime(2025, 1, 3, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.sqlite3"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    db = await Database.open(db_path)
    yield Store(db, clock=FakeClock(T0))
    await db.close()


def write_schema_2_database(path: Path) -> None:
    """Write a database as the bot before alert kinds left it, with two classic alerts."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    for statement in (*MIGRATIONS[0], *MIGRATIONS[1]):
        conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 2")
    conn.executemany(
        "INSERT INTO alerts (chat_id, target, direction, amount, triggered, urgent, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (1, "BTC", "below", "5", 1, 0, T0.isoformat(timespec="microseconds")),
            (1, "total", "above", "40000000.5", 0, 1, T0.isoformat(timespec="microseconds")),
        ],
    )
    conn.commit()
    conn.close()


async def test_alerts_of_an_older_database_keep_their_meaning(db_path: Path) -> None:
    write_schema_2_database(db_path)
    async with await Database.open(db_path) as db:
        btc, total = await Store(db, clock=FakeClock(T0)).all_alerts()
    assert btc.spec == AlertSpec("BTC", Direction.BELOW, D(5))
    assert (btc.kind, btc.triggered, btc.last_fired_at) == (Kind.AMOUNT, True, None)
    assert total.spec == AlertSpec(TOTAL, Direction.ABOVE, D("40000000.5"))
    assert (total.kind, total.urgent, total.cooldown) == (Kind.VALUE, True, H)


async def test_kind_window_and_cooldown_round_trip(store: Store) -> None:
    move = AlertSpec("BTC", Direction.ABOVE, D("10.5"), Kind.MOVE, 6 * H, cooldown=timedelta(0))
    price = AlertSpec("GLMR", Direction.BELOW, D("3.4"), Kind.PRICE, cooldown=24 * H)
    await store.add_alert(1, move, triggered=False)
    await store.add_alert(2, price, triggered=True)
    assert [rule.spec for rule in await store.all_alerts()] == [move, price]


async def test_a_second_alert_on_the_same_line_is_refused_with_the_first(store: Store) -> None:
    first = await store.add_alert(1, AlertSpec("BTC", Direction.BELOW, D(5)), triggered=False)
    with pytest.raises(AlertExists) as caught:
        await store.add_alert(
            1, AlertSpec("BTC", Direction.BELOW, D("5.0"), cooldown=6 * H), triggered=False
        )
    other_chat = await store.add_alert(2, AlertSpec("BTC", Direction.BELOW, D(5)), triggered=False)
    assert caught.value.rule == first
    assert [rule.id for rule in await store.all_alerts()] == [first.id, other_chat.id]


async def test_several_alerts_removed_at_once_only_the_chat_s_own(store: Store) -> None:
    ids = [
        (await store.add_alert(1, AlertSpec("BTC", Direction.BELOW, D(n)), triggered=False)).id
        for n in (5, 4, 3)
    ]
    theirs = await store.add_alert(2, AlertSpec("BTC", Direction.BELOW, D(5)), triggered=False)
    assert await store.remove_alerts(1, [ids[2], theirs.id, 999, ids[0]]) == [ids[2], ids[0]]
    assert await store.remove_all_alerts(1) == [ids[1]]
    assert await store.remove_all_alerts(1) == []
    assert [rule.id for rule in await store.all_alerts()] == [theirs.id]


async def test_the_database_refuses_a_kind_it_does_not_know(store: Store) -> None:
    await store.add_alert(1, AlertSpec("BTC", Direction.BELOW, D(5)), triggered=False)
    with pytest.raises(sqlite3.IntegrityError):
        await store.db.run(lambda conn: conn.execute("UPDATE alerts SET kind = 'mood'"))


async def test_record_poll_starts_the_cooldown_of_the_alerts_that_fired(store: Store) -> None:
    fired = await store.add_alert(1, AlertSpec("BTC", Direction.BELOW, D(5)), triggered=False)
    quiet = await store.add_alert(1, AlertSpec("BTC", Direction.BELOW, D(4)), triggered=False)
    await store.record_poll({}, T0, [], {fired.id: True}, fired=[fired.id, 999])
    by_id = {rule.id: rule for rule in await store.all_alerts()}
    assert by_id[fired.id].last_fired_at == T0
    assert by_id[quiet.id].last_fired_at is None


async def test_values_seen_round_trip_and_the_old_ones_are_pruned(store: Store) -> None:
    await store.record_seen({TOTAL: [Seen(T0, D("100.5")), Seen(T0 + H, D(90))]})
    await store.record_seen({"BTC": [Seen(T0 + H, D(7))]})
    assert await store.seen_since(T0) == {
        TOTAL: [Seen(T0, D("100.5")), Seen(T0 + H, D(90))],
        "BTC": [Seen(T0 + H, D(7))],
    }
    assert await store.seen_since(T0 + H / 2) == {
        TOTAL: [Seen(T0 + H, D(90))],
        "BTC": [Seen(T0 + H, D(7))],
    }

    await store.record_seen({}, before=T0 + H / 2)
    assert await store.seen_since(T0) == {TOTAL: [Seen(T0 + H, D(90))], "BTC": [Seen(T0 + H, D(7))]}


async def test_values_of_targets_no_move_alert_watches_are_forgotten(store: Store) -> None:
    await store.record_seen({TOTAL: [Seen(T0, D(1))], "BTC": [Seen(T0, D(2))]})
    await store.record_seen({}, keep=["BTC"], before=T0)
    assert await store.seen_since(T0) == {"BTC": [Seen(T0, D(2))]}


async def test_a_move_alert_is_stored_with_the_value_it_was_set_at(store: Store) -> None:
    move = AlertSpec(TOTAL, Direction.ABOVE, D(5), Kind.MOVE)
    rule = await store.add_alert(1, move, triggered=False, seen=D("34216101.93"))
    await store.add_alert(1, AlertSpec("BTC", Direction.BELOW, D(5)), triggered=False, seen=D(9))
    assert rule.created_at == T0
    assert await store.seen_since(T0) == {TOTAL: [Seen(T0, D("34216101.93"))]}
