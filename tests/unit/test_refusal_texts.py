"""What /status and the chats read when BTCTurk refuses the key, a permission or the feed's
login: why, in both languages, and how to have it checked again."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import get_args
from zoneinfo import ZoneInfo

import pytest

from balance_bot.btcturk.feed_login import RefusalReason
from balance_bot.core.i18n import Lang, View
from balance_bot.core.texts.status import (
    FeedFacts,
    can_check_again,
    feed_refused_notice,
    status_message,
)
from tests.kit.status import healthy_status

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
REASONS: tuple[RefusalReason, ...] = get_args(RefusalReason)
FACTS = healthy_status(NOW)
HINT = {"en": "Press 🔄 Check again", "tr": "🔄 Yeniden kontrol et"}


def view(code: str) -> View:
    return View(Lang(code), ZoneInfo("Europe/Istanbul"), NOW)


def refused_feed(reason: RefusalReason | None, words: str | None = None) -> FeedFacts:
    return FeedFacts(
        connected_since=None,
        last_event_at=None,
        reconnects_today=0,
        refused=True,
        safety_poll_s=300,
        refusal_reason=reason,
        refusal=words,
    )


@pytest.mark.parametrize("code", ["en", "tr"])
def test_each_reason_reads_differently_in_the_notice_and_in_status(code: str) -> None:
    notices = {reason: feed_refused_notice(60, reason, view(code)) for reason in REASONS}
    lines = {
        reason: status_message(replace(FACTS, feed=refused_feed(reason)), view(code))
        for reason in REASONS
    }
    assert len(set(notices.values())) == len(REASONS)
    assert len(set(lines.values())) == len(REASONS)
    assert all("{" not in text and "feed.why" not in text for text in notices.values())


def test_the_documented_refusal_names_the_websocket_permission() -> None:
    notice = feed_refused_notice(60, "permission", view("en"))
    assert "WebSocket permission" in notice
    assert "Check again" in notice


def test_a_timestamp_refusal_points_at_the_clock() -> None:
    line = status_message(replace(FACTS, feed=refused_feed("timestamp")), view("en"))
    assert "this server's clock" in line


def test_words_the_bot_does_not_know_are_shown_escaped() -> None:
    notice = feed_refused_notice(60, "other", view("en"), "Unauthorized - <odd>")
    assert "Unauthorized - &lt;odd&gt;" in notice


@pytest.mark.parametrize("code", ["en", "tr"])
@pytest.mark.parametrize(
    "refused",
    [
        {"history_refused": True},
        {"key_retry_at": NOW + timedelta(minutes=20)},
        {"feed": refused_feed("permission")},
    ],
)
def test_status_says_how_to_check_again_while_something_is_refused(
    code: str, refused: dict[str, object]
) -> None:
    facts = replace(FACTS, **refused)  # type: ignore[arg-type]
    assert can_check_again(facts)
    assert HINT[code] in status_message(facts, view(code))


def test_nothing_refused_offers_no_check() -> None:
    assert not can_check_again(FACTS)
    assert "Check again" not in status_message(FACTS, view("en"))
