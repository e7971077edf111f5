"""/status tells a data note of every endpoint the bot reads that matters to the owner, in both
languages, in words (never the API field's name)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import get_args, get_type_hints
from zoneinfo import ZoneInfo

import pytest

from balance_bot.btcturk.models import DataNote
from balance_bot.btcturk.notes import NoteSummary
from balance_bot.core.i18n import Lang, View
from balance_bot.core.texts.status import StatusFacts, status_message

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
ENDPOINTS = get_args(get_type_hints(DataNote)["endpoint"])


@pytest.mark.parametrize("code", ["en", "tr"])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_note_of_each_endpoint_is_told(endpoint: str, code: str) -> None:
    note = NoteSummary(endpoint, "skipped", "timestamp", ("BTCTRY",))
    facts = StatusFacts(
        reachable=True,
        last_success_at=NOW,
        last_latency_s=0.1,
        last_error=None,
        clock_offset_ms=0,
        poll_interval_s=60,
        chat_alerts=0,
        all_alerts=0,
        next_summary_at=NOW,
        pending_notifications=0,
        data_notes=(note,),
    )
    text = status_message(facts, View(Lang(code), ZoneInfo("Europe/Istanbul"), NOW))
    [line] = [line for line in text.splitlines() if line.startswith("📝")]
    assert "BTCTRY" in line
    assert "note." not in line
    assert "timestamp" not in line
