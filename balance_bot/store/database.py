"""One SQLite file, used from asyncio through one dedicated worker thread.

Every call to `Database.run` is one transaction (`BEGIN IMMEDIATE` ... `COMMIT`, rolled back
on any error) executed in the worker thread, so calls are serialized and never interleave.

Settings, chosen for messages the bot owes its users:
- `journal_mode=WAL`: readers never block the writer, and a crash leaves the last commit intact.
- `synchronous=FULL`: every commit is fsynced before `run` returns. NORMAL would survive a
  `kill -9` but could forget the last commits after a power cut, turning an outbox row
  already marked sent back into pending (a duplicate message). Writes here are a few per
  minute, so the cost of FULL is nothing.
- `foreign_keys=ON` and a 5 s busy timeout, in case an operator opens the file meanwhile.

The file is checked at open (`PRAGMA quick_check` and the application id) and is never
recreated or deleted: a problem raises StoreError naming the file. A file deleted or replaced
while the bot runs (DATA_DIR removed) would take every later write with it, and what the bot
read from it would no longer be kept; so each transaction first checks the file is still the
one opened (one stat), and from the first time it is not, every call raises StoreError.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from balance_bot.store.schema import SchemaError, check_identity, migrate

T = TypeVar("T")
log = logging.getLogger(__name__)
FileIdentity = tuple[int, int]  # (device, inode)

BUSY_TIMEOUT_SECONDS = 5.0

_CORRUPT = "is not a bot database or is corrupt"
_REASONS = {
    sqlite3.SQLITE_READONLY: "is read-only",
    sqlite3.SQLITE_PERM: "cannot be accessed (permission denied)",
    sqlite3.SQLITE_FULL: "cannot be written: the disk is full",
    sqlite3.SQLITE_NOTADB: _CORRUPT,
    sqlite3.SQLITE_CORRUPT: _CORRUPT,
    sqlite3.SQLITE_CANTOPEN: "cannot be opened (does its directory exist and is it writable?)",
    sqlite3.SQLITE_BUSY: "is locked by another process",
    sqlite3.SQLITE_LOCKED: "is locked by another process",
    sqlite3.SQLITE_IOERR: "cannot be read or written (I/O error; is the disk full?)",
}


class StoreError(Exception):
    """The database file cannot be used; the message names the file and says why."""


def environment_error(exc: sqlite3.Error, path: Path) -> StoreError | None:
    """Return a StoreError for errors caused by the file or the disk, None for others."""
    code = getattr(exc, "sqlite_errorcode", None)
    reason = None if code is None else _REASONS.get(code & 0xFF)
    return None if reason is None else StoreError(f"database {path} {reason} ({exc})")


def file_identity(path: Path) -> FileIdentity | None:
    """Return the file's device and inode, None when there is no file at `path`."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return None
    return status.st_dev, status.st_ino


def _check_access(path: Path) -> None:
    directory = path.parent
    if directory.exists() and not directory.is_dir():
        raise StoreError(f"cannot create the directory for database {path}: {directory} is a file")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise StoreError(f"cannot create the directory for database {path}: {reason}") from exc
    if path.is_dir():
        raise StoreError(f"database {path} is a directory, not a file")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise StoreError(f"database {path} cannot be written: its directory is read-only")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StoreError(f"database {path} is read-only")


def _configure(conn: sqlite3.Connection, path: Path) -> None:
    rows = conn.execute("PRAGMA quick_check").fetchall()
    if rows != [("ok",)]:
        raise StoreError(f"database {path} {_CORRUPT} (quick_check: {rows[0][0]})")
    check_identity(conn)  # before anything is written to a file that may not be ours
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode != "wal":
        raise StoreError(f"database {path} cannot use write-ahead logging (mode {mode})")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    migrate(conn)


def _connect(path: Path) -> sqlite3.Connection:
    """Open, check and migrate the database; runs in the worker thread."""
    _check_access(path)
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        _configure(conn, path)
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()
        error = environment_error(exc, path)
        raise (error or StoreError(f"database {path} cannot be opened: {exc}")) from exc
    except SchemaError as exc:
        assert conn is not None
        conn.close()
        raise StoreError(f"database {path} {exc}") from exc
    except BaseException:
        if conn is not None:
            conn.close()
        raise
    return conn


class Database:
    """The bot's SQLite file and the one thread that touches it."""

    def __init__(self, path: Path, executor: ThreadPoolExecutor, conn: sqlite3.Connection) -> None:
        """Wrap an open connection; use `Database.open` instead."""
        self.path = path
        self._executor = executor
        self._conn = conn
        self._closed = False
        self._identity = file_identity(path)
        self._lost: str | None = None  # why the database cannot be used any more

    def check_present(self) -> None:
        """Raise StoreError (logged once, as an error) if the file was deleted or replaced."""
        if self._lost is None and file_identity(self.path) == self._identity:
            return
        if self._lost is None:
            self._lost = (
                f"database {self.path} was deleted or replaced while the bot ran: nothing can "
                "be read or saved any more; restore DATA_DIR from a backup and restart the bot"
            )
            log.error("%s", self._lost)
        raise StoreError(self._lost)

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (creating and migrating if needed) the database at `path`."""
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        try:
            conn = await asyncio.get_running_loop().run_in_executor(executor, _connect, path)
        except BaseException:
            executor.shutdown(wait=False)
            raise
        return cls(path, executor, conn)

    async def run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` in the worker thread inside one transaction; commit on success."""
        if self._closed:
            raise StoreError(f"database {self.path} is closed")
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, self._transaction, fn
        )

    def _transaction(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        conn = self._conn
        try:
            self.check_present()
            conn.execute("BEGIN IMMEDIATE")
            result = fn(conn)
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                # SQLite may have rolled back already (disk full, I/O error).
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                error = environment_error(exc, self.path)
                if error is not None:
                    raise error from exc
            raise
        return result

    async def close(self) -> None:
        """Finish queued work, close the connection and stop the worker thread."""
        if self._closed:
            return
        self._closed = True
        try:
            await asyncio.get_running_loop().run_in_executor(self._executor, self._conn.close)
        finally:
            self._executor.shutdown(wait=True)

    async def __aenter__(self) -> Database:
        """Return the open database."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the database."""
        await self.close()
