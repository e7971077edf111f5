"""Tests for store/: the database file, migrations and every Store query (on tmp_path)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from balance_bot.core.changes import Holding
from balance_bot.core.notify import NotificationKind
from balance_bot.core.thresholds import AlertSpec, Direction
from balance_bot.store.database import Database, StoreError, environment_error
from balance_bot.store.models import ChatSettings, DailyPortfolio, NewNotification
from balance_bot.store.schema import APPLICATION_ID, SCHEMA_VERSION
from balance_bot.store.store import Store
from tests.kit.clocks import FakeClock

D = Decimal
ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2025, 1, 3, 9, 0, tzinfo=UTC)
PRECISE = [
    D("27223.7283250757643288"),
    D("0.0000000000000001"),
    D("123456789012345678901234567890.12345678901234567890"),
    D("1E+3"),
    D("0E-8"),
    D("-4.10"),
]


def holding(asset: str, total: str, precision: int = 8) -> Holding:
    return Holding(asset, D(total), D(total), D(0), precision)


def note(
    chat_id: int = 1, text: str = "hi", kind: NotificationKind = NotificationKind.CHANGE
) -> NewNotification:
    return NewNotification(chat_id=chat_id, kind=kind, text=text)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.sqlite3"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
async def store(db_path: Path, clock: FakeClock) -> AsyncIterator[Store]:
    db = await Database.open(db_path)
    yield Store(db, clock=clock)
    await db.close()


async def reopen(store: Store, clock: FakeClock) -> Store:
    await store.db.close()
    return Store(await Database.open(store.db.path), clock=clock)


# The database file


async def test_open_creates_directory_schema_and_settings(db_path: Path) -> None:
    async with await Database.open(db_path) as db:
        pragmas = await db.run(
            lambda c: [
                c.execute(f"PRAGMA {name}").fetchone()[0]
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            ]
        )
        assert pragmas == ["wal", 2, 1, 5000]
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert {"meta", "snapshot", "holdings", "alerts", "chat_settings", "outbox"} <= tables


def write_file(path: Path, data: bytes) -> None:
    """Create `path` (and its directory) holding `data`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def read_file(path: Path) -> bytes:
    """Return the bytes of `path`."""
    return path.read_bytes()


def make_directory(path: Path) -> None:
    """Create `path` and its parents."""
    path.mkdir(parents=True)


async def test_migrates_an_empty_existing_file(db_path: Path) -> None:
    write_file(db_path, b"")
    async with await Database.open(db_path) as db:
        version = await db.run(lambda c: c.execute("PRAGMA user_version").fetchone()[0])
        assert version == SCHEMA_VERSION


async def test_refuses_a_newer_schema(db_path: Path) -> None:
    async with await Database.open(db_path):
        pass
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match=rf"{db_path}.*newer version \(schema 99"):
        await Database.open(db_path)


async def test_refuses_another_applications_database(db_path: Path) -> None:
    write_file(db_path, b"")
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    before = read_file(db_path)
    with pytest.raises(StoreError, match=rf"{db_path} is not a bot database"):
        await Database.open(db_path)
    assert read_file(db_path) == before


@pytest.mark.parametrize("size", [7, 4096, 100_000])
async def test_garbage_file_is_refused_and_left_alone(db_path: Path, size: int) -> None:
    garbage = (b"not a database \x00\xff" * (size // 17 + 1))[:size]
    write_file(db_path, garbage)
    with pytest.raises(
        StoreError, match=rf"^database {db_path} is not a bot database or is corrupt"
    ):
        await Database.open(db_path)
    assert read_file(db_path) == garbage


async def test_damaged_pages_are_refused(db_path: Path, store: Store) -> None:
    await store.enqueue([note(text="x" * 3000) for _ in range(20)])
    await store.db.close()
    data = bytearray(read_file(db_path))
    assert len(data) > 3 * 4096
    data[4096 : 3 * 4096] = b"\xa5" * (2 * 4096)
    write_file(db_path, bytes(data))
    with pytest.raises(StoreError, match=rf"{db_path} is not a bot database or is corrupt"):
        await Database.open(db_path)


async def test_file_in_place_of_the_directory(tmp_path: Path) -> None:
    write_file(tmp_path / "data", b"oops")
    with pytest.raises(StoreError, match=r"cannot create the directory .*data is a file"):
        await Database.open(tmp_path / "data" / "bot.sqlite3")
    with pytest.raises(StoreError, match=r"cannot create the directory .*Not a directory"):
        await Database.open(tmp_path / "data" / "sub" / "bot.sqlite3")


async def test_directory_in_place_of_the_file(db_path: Path) -> None:
    make_directory(db_path)
    with pytest.raises(StoreError, match=rf"{db_path} is a directory"):
        await Database.open(db_path)


async def test_read_only_directory(db_path: Path) -> None:
    make_directory(db_path.parent)
    db_path.parent.chmod(0o555)
    try:
        if os.access(db_path.parent, os.W_OK):
            pytest.skip("running as root: chmod does not stop writes")
        with pytest.raises(StoreError, match=rf"{db_path} cannot be written"):
            await Database.open(db_path)
    finally:
        db_path.parent.chmod(0o755)


@pytest.mark.parametrize("denied", ["directory", "file"])
async def test_unwritable_directory_or_file(
    db_path: Path, denied: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with await Database.open(db_path):
        pass
    target = db_path.parent if denied == "directory" else db_path
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: Path(p) != target and real_access(p, mode))
    with pytest.raises(StoreError, match=rf"^database {db_path} (cannot be written|is read-only)"):
        await Database.open(db_path)


async def test_write_refused_by_sqlite_is_a_store_error(store: Store, clock: FakeClock) -> None:
    await store.db.run(lambda c: c.execute("PRAGMA query_only = ON"))
    with pytest.raises(StoreError, match=rf"^database {store.db.path} is read-only"):
        await store.set_meta("k", "v")
    store = await reopen(store, clock)  # query_only belongs to the connection
    await store.set_meta("k", "v")
    assert await store.get_meta("k") == "v"
    await store.db.close()


async def test_disk_full_is_a_store_error_and_rolls_back(store: Store) -> None:
    await store.db.run(
        lambda c: c.execute(
            f"PRAGMA max_page_count = {c.execute('PRAGMA page_count').fetchone()[0]}"
        )
    )
    with pytest.raises(StoreError, match=rf"^database {store.db.path} cannot be written: the disk"):
        await store.enqueue([note(text="x" * 100_000)])
    assert await store.pending_count() == 0


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (sqlite3.SQLITE_READONLY, "is read-only"),
        (sqlite3.SQLITE_FULL, "disk is full"),
        (sqlite3.SQLITE_IOERR | (4 << 8), "I/O error"),
        (sqlite3.SQLITE_NOTADB, "not a bot database"),
        (sqlite3.SQLITE_CORRUPT, "corrupt"),
        (sqlite3.SQLITE_CANTOPEN, "cannot be opened"),
        (sqlite3.SQLITE_BUSY, "locked by another process"),
        (sqlite3.SQLITE_PERM, "permission denied"),
    ],
)
def test_environment_errors_name_the_file(code: int, words: str) -> None:
    exc = sqlite3.OperationalError("low-level message")
    exc.sqlite_errorcode = code
    error = environment_error(exc, Path("/data/bot.sqlite3"))
    assert error is not None
    assert str(error).startswith("database /data/bot.sqlite3 ")
    assert words in str(error)
    assert "\n" not in str(error)


def test_other_errors_are_not_environment_errors() -> None:
    constraint = sqlite3.IntegrityError("CHECK constraint failed")
    constraint.sqlite_errorcode = sqlite3.SQLITE_CONSTRAINT
    assert environment_error(constraint, Path("x")) is None
    assert environment_error(sqlite3.ProgrammingError("closed"), Path("x")) is None


async def test_run_rolls_back_and_reraises(store: Store) -> None:
    def half_then_fail(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await store.db.run(half_then_fail)
    assert await store.get_meta("k") is None


async def test_runs_in_one_worker_thread_serially(store: Store) -> None:
    threads = await asyncio.gather(
        *(store.db.run(lambda c: threading.get_ident()) for _ in range(5))
    )
    assert len(set(threads)) == 1
    assert threads[0] != threading.get_ident()
    ids = await asyncio.gather(*(store.enqueue([note(text=str(i))]) for i in range(40)))
    assert sorted(i for [i] in ids) == list(range(1, 41))


async def test_closed_database_refuses_work(store: Store) -> None:
    await store.db.close()
    await store.db.close()  # a second close is harmless
    with pytest.raises(StoreError, match="is closed"):
        await store.pending_count()


# Snapshots and polls


async def test_snapshot_round_trip_and_replace(store: Store, clock: FakeClock) -> None:
    assert await store.last_snapshot() is None
    first = {"BTC": holding("BTC", "9.7502186644553258"), "TRY": holding("TRY", "100", 2)}
    await store.record_poll(first, T0, [], {})
    assert await store.last_snapshot() == (first, T0)
    later = T0 + timedelta(minutes=1, microseconds=7)
    await store.record_poll({"BTC": first["BTC"]}, later, [], {})
    assert await store.last_snapshot() == ({"BTC": first["BTC"]}, later)
    await store.record_poll({}, later, [], {})
    assert await store.last_snapshot() == ({}, later)


async def test_record_poll_writes_flags_and_notifications(store: Store) -> None:
    rule = await store.add_alert(1, AlertSpec("BTC", Direction.BELOW, D(5)), triggered=False)
    await store.record_poll({}, T0, [note(1, "a"), note(2, "b")], {rule.id: True, 999: True})
    [stored] = await store.all_alerts()
    assert stored.triggered
    due = await store.due_notifications(T0)
    assert [(i.chat_id, i.text, i.kind) for i in due] == [
        (1, "a", NotificationKind.CHANGE),
        (2, "b", NotificationKind.CHANGE),
    ]


@pytest.mark.parametrize(
    "bad",
    [
        NewNotification(chat_id=1, kind=NotificationKind.CHANGE, text=None),  # type: ignore[arg-type]
        NewNotification(chat_id="x", kind=NotificationKind.CHANGE, text="t"),  # type: ignore[arg-type]
    ],
)
async def test_record_poll_is_all_or_nothing(store: Store, bad: NewNotification) -> None:
    rule = await store.add_alert(1, AlertSpec("BTC", Direction.BELOW, D(5)), triggered=False)
    old = {"BTC": holding("BTC", "1")}
    await store.record_poll(old, T0, [], {})
    with pytest.raises(sqlite3.IntegrityError):
        await store.record_poll({"BTC": holding("BTC", "2")}, T0, [note(), bad], {rule.id: True})
    assert await store.last_snapshot() == (old, T0)
    assert not (await store.all_alerts())[0].triggered
    assert await store.pending_count() == 0


async def test_naive_times_are_refused_without_writing(store: Store) -> None:
    with pytest.raises(ValueError, match="naive"):
        await store.record_poll({"BTC": holding("BTC", "1")}, datetime(2025, 1, 3), [note()], {})
    assert await store.last_snapshot() is None
    assert await store.pending_count() == 0


async def test_decimals_round_trip_exactly(store: Store, clock: FakeClock) -> None:
    snap = {f"A{i}": Holding(f"A{i}", d, d, d, 18) for i, d in enumerate(PRECISE)}
    await store.record_poll(snap, T0, [], {})
    for i, d in enumerate(PRECISE):
        await store.add_alert(1, AlertSpec("BTC", Direction.ABOVE, d), triggered=False)
        await store.save_daily_portfolio(DailyPortfolio(date(2025, 1, 1 + i), d, {"BTC": d}))
    store = await reopen(store, clock)
    stored = await store.last_snapshot()
    assert stored is not None
    history = await store.portfolio_history(date(2025, 1, 1))
    for i, d in enumerate(PRECISE):
        h = stored[0][f"A{i}"]
        assert (str(h.total), str(h.free), str(h.locked)) == (str(d),) * 3
        daily = history[i]
        assert daily.day == date(2025, 1, 1 + i)
        assert (str(daily.total), str(daily.values["BTC"])) == (str(d), str(d))
    assert [str(a.amount) for a in await store.all_alerts()] == [str(d) for d in PRECISE]
    await store.db.close()


# Alerts


async def test_alerts_per_chat(store: Store, clock: FakeClock) -> None:
    spec = AlertSpec("total", Direction.ABOVE, D("35000000.5"))
    first = await store.add_alert(1, spec, triggered=True, urgent=True)
    assert (first.chat_id, first.target, first.direction, first.amount) == (
        1,
        "total",
        Direction.ABOVE,
        D("35000000.5"),
    )
    assert (first.triggered, first.urgent, first.created_at) == (True, True, T0)
    second = await store.add_alert(2, AlertSpec("BTC", Direction.BELOW, D(5)), triggered=False)
    third = await store.add_alert(1, AlertSpec("BTC", Direction.BELOW, D(4)), triggered=False)
    assert [a.id for a in await store.alerts_for_chat(1)] == [first.id, third.id]
    assert [a.id for a in await store.all_alerts()] == [first.id, second.id, third.id]
    assert await store.count_alerts() == 3
    assert not await store.remove_alert(2, first.id)  # not chat 2's
    assert not await store.remove_alert(1, 12345)
    assert await store.remove_alert(1, first.id)
    assert not await store.remove_alert(1, first.id)
    assert [a.id for a in await store.all_alerts()] == [second.id, third.id]
    assert await store.alerts_for_chat(3) == []


# Chat settings and daily summaries


async def test_chat_settings(store: Store) -> None:
    assert await store.chat_settings(7) == ChatSettings(7, None, None, None)
    await store.set_language(7, "tr")
    until = datetime(2025, 1, 3, 12, 0, tzinfo=UTC)
    await store.set_muted_until(7, until.astimezone(timezone(timedelta(hours=3))))
    settings = await store.chat_settings(7)
    assert settings == ChatSettings(7, "tr", until, None)
    assert settings.muted_until is not None
    assert settings.muted_until.tzinfo is UTC
    await store.set_muted_until(7, None)
    await store.set_language(7, None)
    assert await store.chat_settings(7) == ChatSettings(7, None, None, None)


async def test_record_summary_once_per_day(store: Store) -> None:
    day = date(2025, 1, 3)
    assert await store.record_summary(1, day, [note(1, "summary", NotificationKind.SUMMARY)])
    assert not await store.record_summary(1, day, [note(1, "again", NotificationKind.SUMMARY)])
    assert await store.record_summary(2, day, [note(2, "other chat", NotificationKind.SUMMARY)])
    assert await store.record_summary(
        1, day + timedelta(days=1), [note(1, "next day", NotificationKind.SUMMARY)]
    )
    texts = [i.text for i in await store.due_notifications(T0)]
    assert texts == ["summary", "other chat", "next day"]
    assert (await store.chat_settings(1)).last_summary_day == day + timedelta(days=1)
    with pytest.raises(ValueError, match="addressed to another chat"):
        await store.record_summary(1, day, [note(2)])


# Daily portfolios


async def test_daily_portfolios(store: Store) -> None:
    days = [date(2025, 1, d) for d in (1, 2, 5)]
    for i, day in enumerate(days):
        await store.save_daily_portfolio(DailyPortfolio(day, D(i), {"BTC": D(i), "TRY": D("0.5")}))
    replaced = DailyPortfolio(days[1], D("99.99"), {"USDT": D("1500.25")})
    await store.save_daily_portfolio(replaced)
    assert await store.portfolio_history(days[1]) == [
        replaced,
        DailyPortfolio(days[2], D(2), {"BTC": D(2), "TRY": D("0.5")}),
    ]
    before = await store.portfolio_before(days[2])
    assert before is not None
    assert before.day == days[1]
    assert await store.portfolio_before(days[0]) is None
    assert [p.day for p in await store.portfolio_history(date(2025, 1, 2))] == days[1:]
    assert await store.portfolio_history(date(2025, 2, 1)) == []


# Outbox


async def test_outbox_order_and_limit(store: Store, clock: FakeClock) -> None:
    ids = await store.enqueue([note(1, "a"), note(2, "b"), note(1, "c")])
    assert ids == sorted(ids)
    photo = bytes(range(256))
    [photo_id] = await store.enqueue(
        [NewNotification(3, NotificationKind.SUMMARY_CHART, "caption", photo)]
    )
    due = await store.due_notifications(T0)
    assert [i.text for i in due] == ["a", "b", "c", "caption"]
    assert due[-1].photo == photo
    assert due[0].photo is None
    assert (due[0].created_at, due[0].next_attempt_at, due[0].attempts) == (T0, T0, 0)
    assert [i.id for i in await store.due_notifications(T0, limit=2)] == ids[:2]
    assert await store.due_notifications(T0 - timedelta(seconds=1)) == []
    assert photo_id == ids[-1] + 1


async def test_outbox_retry_scheduling(store: Store, clock: FakeClock) -> None:
    first, second = await store.enqueue([note(text="first"), note(text="second")])
    retry_at = T0 + timedelta(seconds=30)
    await store.mark_retry(first, retry_at, "429 Too Many Requests")
    assert [i.id for i in await store.due_notifications(T0)] == [second]
    await store.mark_sent(second)
    assert await store.due_notifications(retry_at - timedelta(microseconds=1)) == []
    [item] = await store.due_notifications(retry_at)
    assert (item.id, item.attempts, item.next_attempt_at) == (first, 1, retry_at)
    await store.mark_retry(first, retry_at + timedelta(minutes=1), "timeout")
    assert (await store.due_notifications(retry_at + timedelta(hours=1)))[0].attempts == 2
    await store.mark_dropped(first, "chat not found")
    assert await store.pending_count() == 0
    await store.mark_sent(first)  # finished rows stay finished
    await store.mark_retry(first, retry_at, "late")
    assert await store.due_notifications(retry_at + timedelta(days=1)) == []


async def test_outbox_prune_keeps_pending_and_recent(store: Store, clock: FakeClock) -> None:
    old_sent, old_dropped, pending, recent = await store.enqueue([note() for _ in range(4)])
    await store.mark_sent(old_sent)
    await store.mark_dropped(old_dropped, "blocked by user")
    clock.now = T0 + timedelta(days=6)
    await store.mark_sent(recent)
    assert await store.prune(T0 + timedelta(days=7)) == 0
    assert await store.prune(T0 + timedelta(days=7, seconds=1)) == 2
    assert await store.prune(T0 + timedelta(days=30), keep=timedelta(days=30)) == 0
    assert await store.pending_count() == 1
    assert [i.id for i in await store.due_notifications(T0 + timedelta(days=99))] == [pending]


# Meta values and restarts


async def test_meta(store: Store) -> None:
    assert await store.get_meta("exchange_unreachable_since") is None
    await store.set_meta("exchange_unreachable_since", "2025-01-03T09:00:00+00:00")
    await store.set_meta("exchange_unreachable_since", "later")
    assert await store.get_meta("exchange_unreachable_since") == "later"
    await store.set_meta("exchange_unreachable_since", None)
    assert await store.get_meta("exchange_unreachable_since") is None


async def test_reopen_keeps_everything(store: Store, clock: FakeClock) -> None:
    snap = {"BTC": holding("BTC", "9.7502186644553258")}
    rule = await store.add_alert(5, AlertSpec("BTC", Direction.BELOW, D(5)), triggered=False)
    await store.record_poll(snap, T0, [note(5, "changed")], {rule.id: True})
    await store.set_language(5, "tr")
    await store.record_summary(5, date(2025, 1, 3), [note(5, "summary")])
    await store.save_daily_portfolio(DailyPortfolio(date(2025, 1, 3), D("1.5"), {"BTC": D(1)}))
    await store.set_meta("k", "v")
    store = await reopen(store, clock)
    assert await store.last_snapshot() == (snap, T0)
    assert await store.all_alerts() == [replace(rule, triggered=True)]
    assert (await store.chat_settings(5)).language == "tr"
    assert not await store.record_summary(5, date(2025, 1, 3), [note(5, "again")])
    assert [i.text for i in await store.due_notifications(T0)] == ["changed", "summary"]
    assert [p.day for p in await store.portfolio_history(date(2025, 1, 3))] == [date(2025, 1, 3)]
    assert await store.get_meta("k") == "v"
    await store.db.close()


KILLED_CHILD = """
import asyncio, os, signal, sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from balance_bot.core.changes import Holding
from balance_bot.core.notify import NotificationKind
from balance_bot.store import snapshots
from balance_bot.store.database import Database
from balance_bot.store.models import NewNotification
from balance_bot.store.store import Store

async def main() -> None:
    store = Store(await Database.open(Path(sys.argv[1])))
    one = {"BTC": Holding("BTC", Decimal(1), Decimal(1), Decimal(0), 8)}
    two = {"BTC": Holding("BTC", Decimal(2), Decimal(2), Decimal(0), 8)}
    now = datetime(2025, 1, 3, tzinfo=UTC)
    await store.record_poll(one, now, [NewNotification(1, NotificationKind.CHANGE, "owed")], {})

    def write_half_then_die(conn):
        snapshots.replace_snapshot(conn, two, now)
        os.kill(os.getpid(), signal.SIGKILL)

    await store.db.run(write_half_then_die)

asyncio.run(main())
"""


@pytest.mark.slow
async def test_kill_9_keeps_committed_polls_and_drops_half_written_ones(
    db_path: Path, clock: FakeClock
) -> None:
    child = subprocess.run(
        [sys.executable, "-c", KILLED_CHILD, str(db_path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert child.returncode == -9, child.stderr.decode()
    async with await Database.open(db_path) as db:
        store = Store(db, clock=clock)
        snap = await store.last_snapshot()
        assert snap is not None
        assert snap[0]["BTC"].total == 1
        assert [i.text for i in await store.due_notifications(T0 + timedelta(days=9999))] == [
            "owed"
        ]


async def test_a_deleted_database_refuses_every_call_and_says_so_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "data" / "bot.sqlite3"
    async with await Database.open(path) as db:
        store = Store(db)
        await store.set_meta("kept", "yes")
        assert await store.get_meta("kept") == "yes"
        for name in os.listdir(path.parent):
            os.unlink(path.parent / name)

        with pytest.raises(StoreError, match="deleted or replaced"):
            await store.get_meta("kept")
        with pytest.raises(StoreError, match="deleted or replaced"):
            await store.set_meta("lost", "no")

    assert not path.exists()
    assert [r.levelname for r in caplog.records if "deleted or replaced" in r.getMessage()] == [
        "ERROR"
    ]


async def test_no_summary_for_a_day_before_the_last_and_later_days_can_be_taken_back(
    store: Store,
) -> None:
    day = date(2025, 1, 3)
    assert await store.record_summary(
        1, day + timedelta(days=1), [note(1, "ahead", NotificationKind.SUMMARY)]
    )
    assert await store.record_summary(2, day, [note(2, "today", NotificationKind.SUMMARY)])
    assert not await store.record_summary(
        1, day, [note(1, "earlier day", NotificationKind.SUMMARY)]
    )

    assert await store.forget_summaries_after(day) == 1

    assert (await store.chat_settings(1)).last_summary_day == day
    assert (await store.chat_settings(2)).last_summary_day == day
    assert await store.record_summary(
        1, day + timedelta(days=1), [note(1, "next", NotificationKind.SUMMARY)]
    )


async def test_a_chat_migration_moves_alerts_settings_and_what_is_owed(store: Store) -> None:
    spec = AlertSpec("BTC", Direction.BELOW, D(5))
    alert = await store.add_alert(-4, spec, triggered=False)
    await store.set_language(-4, "tr")
    sent, owed = await store.enqueue([note(-4, "sent"), note(-4, "owed")])
    await store.mark_sent(sent)

    await store.migrate_chat(-4, -1004)

    assert [a.id for a in await store.alerts_for_chat(-1004)] == [alert.id]
    assert (await store.chat_settings(-1004)).language == "tr"
    assert (await store.chat_settings(-4)).language is None
    assert [i.id for i in await store.due_notifications(T0, chat_id=-1004)] == [owed]
    assert await store.chat_migrations() == {-4: -1004}


async def test_due_chats_lists_each_chat_once_longest_waiting_first(store: Store) -> None:
    await store.enqueue([note(2), note(1), note(2), note(3)])
    (first,) = await store.due_notifications(T0, limit=1, chat_id=3)
    await store.mark_retry(first.id, T0 + timedelta(minutes=1), "boom")

    assert await store.due_chats(T0) == [2, 1]
    assert [i.chat_id for i in await store.due_notifications(T0, chat_id=2)] == [2, 2]
