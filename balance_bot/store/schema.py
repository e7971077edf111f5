"""The database schema, as an ordered list of migrations tracked by `PRAGMA user_version`.

Migration N (1-based) takes a database from user_version N-1 to N. Append new migrations at
the end; never edit one that has shipped. `PRAGMA application_id` marks the file as ours, so a
stranger's SQLite file is refused instead of being written into.
"""

from __future__ import annotations

import sqlite3

APPLICATION_ID = 0x42_54_4B_42  # "BTKB"

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
        """CREATE TABLE snapshot (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            taken_at TEXT NOT NULL
        )""",
        """CREATE TABLE holdings (
            asset TEXT PRIMARY KEY,
            total TEXT NOT NULL CHECK (typeof(total) = 'text'),
            free TEXT NOT NULL CHECK (typeof(free) = 'text'),
            locked TEXT NOT NULL CHECK (typeof(locked) = 'text'),
            precision INTEGER NOT NULL CHECK (typeof(precision) = 'integer')
        )""",
        """CREATE TABLE alerts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            chat_id INTEGER NOT NULL CHECK (typeof(chat_id) = 'integer'),
            target TEXT NOT NULL CHECK (target <> ''),
            direction TEXT NOT NULL CHECK (direction IN ('above', 'below')),
            amount TEXT NOT NULL CHECK (typeof(amount) = 'text'),
            triggered INTEGER NOT NULL CHECK (triggered IN (0, 1)),
            urgent INTEGER NOT NULL CHECK (urgent IN (0, 1)),
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX alerts_by_chat ON alerts (chat_id, id)",
        """CREATE TABLE chat_settings (
            chat_id INTEGER PRIMARY KEY,
            language TEXT,
            muted_until TEXT,
            last_summary_day TEXT
        )""",
        """CREATE TABLE daily_portfolio (
            day TEXT PRIMARY KEY,
            total TEXT NOT NULL CHECK (typeof(total) = 'text'),
            asset_values TEXT NOT NULL
        )""",
        """CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            chat_id INTEGER NOT NULL CHECK (typeof(chat_id) = 'integer'),
            kind TEXT NOT NULL CHECK (typeof(kind) = 'text' AND kind <> ''),
            text TEXT NOT NULL CHECK (typeof(text) = 'text'),
            photo BLOB CHECK (photo IS NULL OR typeof(photo) = 'blob'),
            created_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dropped')),
            finished_at TEXT,
            last_error TEXT
        )""",
        "CREATE INDEX outbox_due ON outbox (state, next_attempt_at)",
    ),
    (
        """CREATE TABLE chat_migrations (
            old_id INTEGER PRIMARY KEY,
            new_id INTEGER NOT NULL CHECK (typeof(new_id) = 'integer'),
            migrated_at TEXT NOT NULL
        )""",
    ),
    (
        """CREATE TABLE explained (
            kind TEXT NOT NULL CHECK (kind IN ('fill', 'order', 'crypto', 'fiat')),
            id TEXT NOT NULL CHECK (id <> ''),
            explained_at TEXT NOT NULL,
            PRIMARY KEY (kind, id)
        ) WITHOUT ROWID""",
        """CREATE TABLE money_flows (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('deposit', 'withdrawal')),
            asset TEXT NOT NULL CHECK (asset <> ''),
            amount TEXT NOT NULL CHECK (typeof(amount) = 'text'),
            value TEXT CHECK (value IS NULL OR typeof(value) = 'text')
        )""",
        "CREATE INDEX money_flows_by_time ON money_flows (at)",
    ),
    (  # per-chat notification settings, quiet hours, summary chart and report markers
        "ALTER TABLE chat_settings ADD COLUMN notify TEXT",
        "ALTER TABLE chat_settings ADD COLUMN quiet_hours TEXT",
        "ALTER TABLE chat_settings ADD COLUMN summary_chart INTEGER",
        "ALTER TABLE chat_settings ADD COLUMN last_weekly_report TEXT",
        "ALTER TABLE chat_settings ADD COLUMN last_monthly_report TEXT",
    ),
    (  # alert kinds, cooldowns, and the value samples move alerts compare with
        "ALTER TABLE alerts ADD COLUMN kind TEXT NOT NULL DEFAULT 'amount'"
        " CHECK (kind IN ('amount', 'price', 'value', 'move'))",
        "ALTER TABLE alerts ADD COLUMN window_s INTEGER"
        " CHECK (window_s IS NULL OR (typeof(window_s) = 'integer' AND window_s > 0))",
        "ALTER TABLE alerts ADD COLUMN cooldown_s INTEGER NOT NULL DEFAULT 3600"
        " CHECK (typeof(cooldown_s) = 'integer' AND cooldown_s >= 0)",
        "ALTER TABLE alerts ADD COLUMN last_fired_at TEXT",
        "UPDATE alerts SET kind = 'value' WHERE target = 'total'",
        """CREATE TABLE value_samples (
            target TEXT NOT NULL CHECK (target <> ''),
            taken_at TEXT NOT NULL,
            value TEXT NOT NULL CHECK (typeof(value) = 'text'),
            PRIMARY KEY (target, taken_at)
        ) WITHOUT ROWID""",
    ),
    (  # the account's history kept for profit and loss, and the daily prices that value it
        """CREATE TABLE history_records (
            book TEXT NOT NULL CHECK (book IN ('trades', 'crypto', 'fiat')),
            id TEXT NOT NULL CHECK (id <> ''),
            at_ms INTEGER NOT NULL CHECK (typeof(at_ms) = 'integer'),
            record TEXT NOT NULL CHECK (typeof(record) = 'text'),
            PRIMARY KEY (book, id)
        ) WITHOUT ROWID""",
        "CREATE INDEX history_records_by_time ON history_records (at_ms)",
        """CREATE TABLE daily_prices (
            pair TEXT NOT NULL CHECK (pair <> ''),
            day TEXT NOT NULL,
            close TEXT NOT NULL CHECK (typeof(close) = 'text'),
            PRIMARY KEY (pair, day)
        ) WITHOUT ROWID""",
    ),
    (  # the value of each deposit and withdrawal, fixed once recorded (its P&L cost)
        """CREATE TABLE transfer_prices (
            book TEXT NOT NULL CHECK (book IN ('crypto', 'fiat')),
            id TEXT NOT NULL CHECK (id <> ''),
            quote TEXT NOT NULL CHECK (quote <> ''),
            unit TEXT NOT NULL CHECK (typeof(unit) = 'text'),
            source TEXT NOT NULL CHECK (source IN ('seen', 'close')),
            recorded_at TEXT NOT NULL,
            PRIMARY KEY (book, id, quote)
        ) WITHOUT ROWID""",
    ),
    (  # alerts explained after they went out: sent message ids, edits, open remainders
        "ALTER TABLE outbox ADD COLUMN message_id INTEGER"
        " CHECK (message_id IS NULL OR typeof(message_id) = 'integer')",
        "ALTER TABLE outbox ADD COLUMN edit_of INTEGER"
        " CHECK (edit_of IS NULL OR typeof(edit_of) = 'integer')",
        "ALTER TABLE outbox ADD COLUMN edit_text TEXT"
        " CHECK (edit_text IS NULL OR typeof(edit_text) = 'text')",
        "CREATE INDEX outbox_edits ON outbox (edit_of) WHERE edit_of IS NOT NULL",
        """CREATE TABLE follow_ups (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            since TEXT NOT NULL,
            sent_at TEXT NOT NULL,
            remainders TEXT NOT NULL CHECK (typeof(remainders) = 'text'),
            outbox_ids TEXT NOT NULL CHECK (typeof(outbox_ids) = 'text'),
            looks INTEGER NOT NULL DEFAULT 0 CHECK (typeof(looks) = 'integer'),
            next_at TEXT NOT NULL,
            until TEXT NOT NULL
        )""",
    ),
    (  # outbox states in a column of their own: last_error keeps only the error's text
        """CREATE TABLE outbox_states (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            chat_id INTEGER NOT NULL CHECK (typeof(chat_id) = 'integer'),
            kind TEXT NOT NULL CHECK (typeof(kind) = 'text' AND kind <> ''),
            text TEXT NOT NULL CHECK (typeof(text) = 'text'),
            photo BLOB CHECK (photo IS NULL OR typeof(photo) = 'blob'),
            created_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'owed' CHECK (
                state IN ('owed', 'held', 'unconfirmed', 'sent', 'dropped', 'assumed_sent')
            ),
            finished_at TEXT,
            last_error TEXT,
            message_id INTEGER CHECK (message_id IS NULL OR typeof(message_id) = 'integer'),
            edit_of INTEGER CHECK (edit_of IS NULL OR typeof(edit_of) = 'integer'),
            edit_text TEXT CHECK (edit_text IS NULL OR typeof(edit_text) = 'text')
        )""",
        # schema 8 said "held" and "unconfirmed: <error>" in last_error
        """INSERT INTO outbox_states (id, chat_id, kind, text, photo, created_at, attempts,
            next_attempt_at, state, finished_at, last_error, message_id, edit_of, edit_text)
        SELECT id, chat_id, kind, text, photo, created_at, attempts, next_attempt_at,
            CASE
                WHEN state = 'pending' AND last_error = 'held' THEN 'held'
                WHEN state = 'pending' AND substr(last_error, 1, 13) = 'unconfirmed: '
                    THEN 'unconfirmed'
                WHEN state = 'pending' THEN 'owed'
                WHEN state = 'dropped' AND substr(last_error, 1, 13) = 'unconfirmed: '
                    THEN 'assumed_sent'
                ELSE state
            END,
            finished_at,
            CASE
                WHEN last_error = 'held' THEN NULL
                WHEN substr(last_error, 1, 13) = 'unconfirmed: ' THEN substr(last_error, 14)
                ELSE last_error
            END,
            message_id, edit_of, edit_text
        FROM outbox""",
        # the ids given so far stay given (follow-ups and edits refer to them)
        "DELETE FROM sqlite_sequence WHERE name = 'outbox_states'",
        "UPDATE sqlite_sequence SET name = 'outbox_states' WHERE name = 'outbox'",
        "DROP TABLE outbox",
        "ALTER TABLE outbox_states RENAME TO outbox",
        "CREATE INDEX outbox_due ON outbox (state, next_attempt_at)",
        "CREATE INDEX outbox_edits ON outbox (edit_of) WHERE edit_of IS NOT NULL",
    ),
    (  # the prices a check read when it saw a change, and each fill's rate, fixed once recorded
        """CREATE TABLE seen_prices (
            end_ms INTEGER NOT NULL CHECK (typeof(end_ms) = 'integer'),
            start_ms INTEGER NOT NULL CHECK (typeof(start_ms) = 'integer'),
            quote TEXT NOT NULL CHECK (quote <> ''),
            asset TEXT NOT NULL CHECK (asset <> ''),
            unit TEXT NOT NULL CHECK (typeof(unit) = 'text'),
            change TEXT NOT NULL CHECK (typeof(change) = 'text'),
            PRIMARY KEY (end_ms, quote, asset)
        ) WITHOUT ROWID""",
        """CREATE TABLE fill_rates (
            id TEXT NOT NULL CHECK (id <> ''),
            quote TEXT NOT NULL CHECK (quote <> ''),
            unit TEXT NOT NULL CHECK (typeof(unit) = 'text'),
            source TEXT NOT NULL CHECK (source IN ('seen', 'close')),
            recorded_at TEXT NOT NULL,
            PRIMARY KEY (id, quote)
        ) WITHOUT ROWID""",
    ),
    (  # the days the chart server was asked for each pair, settled for good (with or without
        # a candle), so a pair's finished days are asked once, also across restarts
        """CREATE TABLE candle_reads (
            pair TEXT NOT NULL CHECK (pair <> ''),
            first_day TEXT NOT NULL,
            last_day TEXT NOT NULL CHECK (last_day >= first_day),
            PRIMARY KEY (pair, first_day)
        ) WITHOUT ROWID""",
    ),
    (  # the orders the live feed told of (/orders), each kept until it closed and was told
        """CREATE TABLE orders (
            key TEXT PRIMARY KEY CHECK (key <> ''),
            state TEXT NOT NULL CHECK (typeof(state) = 'text')
        ) WITHOUT ROWID""",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)


class SchemaError(Exception):
    """The file is not ours or is newer than this code; the message says which."""


def _pragma_int(conn: sqlite3.Connection, name: str) -> int:
    value = conn.execute(f"PRAGMA {name}").fetchone()[0]
    assert isinstance(value, int)
    return value


def check_identity(conn: sqlite3.Connection) -> int:
    """Return the schema version of an open database, or raise SchemaError if it is not ours."""
    app_id = _pragma_int(conn, "application_id")
    version = _pragma_int(conn, "user_version")
    if app_id != APPLICATION_ID:
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app_id != 0 or version != 0 or tables != 0:
            raise SchemaError("is not a bot database (it belongs to another application)")
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"was written by a newer version (schema {version}, this one knows {SCHEMA_VERSION})"
        )
    return version


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the missing migrations, each in its own transaction; return the final version."""
    version = check_identity(conn)
    while version < SCHEMA_VERSION:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = check_identity(conn)  # another process may have migrated meanwhile
            if version < SCHEMA_VERSION:
                for statement in MIGRATIONS[version]:
                    conn.execute(statement)
                version += 1
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return version
