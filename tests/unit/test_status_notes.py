"""/status tells a data note of every endpoint the bot reads that matters to the owner, in both
languages, in words (never the API field's name)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import get_args, get_type_hints
from zoneinfo import ZoneInfo

import pytest

from balance_bot.btcturk.models import DataNote
from balance_bot.btcturk.notes import DataNotes, NoteSummary
from balance_bot.core.i18n import Lang, View
from balance_bot.core.texts.status import status_message
from tests.kit.clocks import ManualMonotonic
from tests.kit.status import healthy_status

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
ENDPOINTS = get_args(get_type_hints(DataNote)["endpoint"])


@pytest.mark.parametrize("code", ["en", "tr"])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_note_of_each_endpoint_is_told(endpoint: str, code: str) -> None:
    note = NoteSummary(endpoint, "skipped", "timestamp", ("BTCTRY",))
    facts = healthy_status(
        NOW,
        data_notes=(note,),
    )
    text = status_message(facts, View(Lang(code), ZoneInfo("Europe/Istanbul"), NOW))
    [line] = [line for line in text.splitlines() if line.startswith("📝")]
    assert "BTCTRY" in line
    assert "note." not in line
    assert "timestamp" not in line


def _kinds(notes: DataNotes) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(n.endpoint, n.field, n.subjects) for n in notes.summary()]


def test_a_note_lasts_while_the_endpoints_latest_answer_has_it_and_is_logged_once_a_day(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = ManualMonotonic()
    notes = DataNotes(clock)
    price = DataNote("tickers", "skipped", "last", "BTCTRY")
    notes.record([price], answer_of="tickers")
    notes.record([DataNote("tickers", "skipped", "last", "ETHTRY")], answer_of="tickers")
    assert _kinds(notes) == [("tickers", "last", ("ETHTRY",))]  # BTCTRY has a price again
    clock.now += 60
    notes.record([], answer_of="tickers")
    assert notes.summary() == []  # every price usable: nothing to tell
    notes.record([price], answer_of="tickers")
    assert _kinds(notes) == [("tickers", "last", ("BTCTRY",))]
    warned = [r for r in caplog.records if "tickers" in r.getMessage()]
    assert len(warned) == 1  # the log says it once a day, however often it comes back


def test_a_history_note_lasts_the_day_as_its_rows_are_read_once() -> None:
    clock = ManualMonotonic()
    notes = DataNotes(clock)
    notes.record([DataNote("trades", "skipped", "price", "BTCTRY")], answer_of="trades")
    notes.record([], answer_of="trades")  # the next window's page: other rows
    assert _kinds(notes) == [("trades", "price", ("BTCTRY",))]
    clock.now += 86_400
    assert notes.summary() == []
