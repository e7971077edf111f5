"""How far the history goes, as /status, /pnl and /export say it: the right direction in
Turkish ("back to" a month, never "up to" it), and no "complete" once it cannot be read."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from balance_bot.core.i18n import Lang, View
from balance_bot.core.texts.export import export_loading
from balance_bot.core.texts.pnl import pnl_loading_message
from balance_bot.core.texts.status import HistoryFacts, status_message
from tests.kit.status import healthy_status

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SEPTEMBER = datetime(2026, 9, 3, 12, 0, tzinfo=UTC)
TR = View(Lang("tr"), ZoneInfo("Europe/Istanbul"), NOW)
EN = View(Lang("en"), ZoneInfo("Europe/Istanbul"), NOW)


def status_with(history: HistoryFacts, view: View, *, refused: bool = False) -> str:
    facts = healthy_status(
        NOW,
        history_refused=refused,
        history=history,
    )
    return status_message(facts, view)


def history_line(text: str, word: str) -> str:
    [line] = [line for line in text.splitlines() if line.startswith(word)]
    return line


def test_turkish_says_the_history_goes_back_to_the_month_not_up_to_it() -> None:
    complete = HistoryFacts(read_back_to=SEPTEMBER, first_record=SEPTEMBER, complete=True)
    loading = HistoryFacts(read_back_to=SEPTEMBER, first_record=SEPTEMBER, complete=False)

    assert history_line(status_with(complete, TR), "Geçmiş") == (
        "Geçmiş: eksiksiz, 2026-09 ayından bu yana"
    )
    assert history_line(status_with(loading, TR), "Geçmiş") == (
        "Geçmiş: yükleniyor, şimdilik 2026-09 ayından bu yana"
    )
    for text in (pnl_loading_message(SEPTEMBER, TR), export_loading(SEPTEMBER, TR)):
        assert "tarihine kadar" not in text  # "up to 2026-09": the wrong direction
        assert "2026-09 ayına kadar geriye" in text or "en eski kayıt 2026-09" in text


def test_a_refused_history_is_not_called_complete_and_says_since_when() -> None:
    complete = HistoryFacts(
        read_back_to=SEPTEMBER, first_record=SEPTEMBER, complete=True, read_until=NOW
    )

    english = history_line(status_with(complete, EN, refused=True), "History")
    turkish = history_line(status_with(complete, TR, refused=True), "Geçmiş")

    assert english == (
        "History: back to 2026-09, read up to 12:00 (Istanbul), not since: "
        "the API key lacks the Account permission"
    )
    assert "eksiksiz" not in turkish and "12:00" in turkish
