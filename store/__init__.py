"""The bot's SQLite store: one file, one worker thread, one transaction per call.

StoreError          the file cannot be used (path, permissions, disk full, corrupt, foreign)
"""

from __future__ import annotations

from store.database import Database, StoreError
from store.models import AlertRule, ChatSettings, DailyPortfolio, NewNotification, OutboxItem
from store.store import Store

__all__ = [
    "AlertRule",
    "ChatSettings",
    "DailyPortfolio",
    "Database",
    "NewNotification",
    "OutboxItem",
    "Store",
    "StoreError",
]
