"""The bot's SQLite store: `database.Database` (one file, one worker thread), `store.Store`.

Kept empty of imports so that `store.models` can be imported without loading sqlite3.
"""
