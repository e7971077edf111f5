"""Tests for services/told.py: a notice told once, again after its re-check, across restarts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from balance_bot.services.told import ToldOnce
from tests.kit.services import open_store

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def clock() -> datetime:
    return NOW


async def test_a_notice_is_news_once_while_it_holds(tmp_path: Path) -> None:
    async with open_store(tmp_path, clock) as store:
        latch = ToldOnce(store, "feed_refused")

        assert await latch.news(True, cleared=False)
        assert not await latch.news(True, cleared=False)
        assert not await latch.news(True, cleared=False)
        assert await store.get_meta("feed_refused_told") == "1"


async def test_it_is_news_again_only_after_its_re_check_passed(tmp_path: Path) -> None:
    async with open_store(tmp_path, clock) as store:
        latch = ToldOnce(store, "history_refused")
        assert await latch.news(True, cleared=False)

        assert not await latch.news(False, cleared=False)  # over, but not checked yet
        assert not await latch.news(True, cleared=False)  # still the same refusal: no news
        assert not await latch.news(False, cleared=True)  # the re-check passed: forgotten
        assert await latch.told() is None
        assert await latch.news(True, cleared=False)  # a new refusal is told again


async def test_a_re_check_while_it_still_holds_forgets_nothing(tmp_path: Path) -> None:
    async with open_store(tmp_path, clock) as store:
        latch = ToldOnce(store, "feed_refused")
        assert await latch.news(True, cleared=False)

        assert not await latch.news(True, cleared=True)
        assert await latch.told() == {"told": "1"}


async def test_what_was_told_survives_a_restart(tmp_path: Path) -> None:
    async with open_store(tmp_path, clock) as store:
        assert await ToldOnce(store, "history_refused").news(True, cleared=False)

    async with open_store(tmp_path, clock) as store:  # a new bot on the same DATA_DIR
        after_restart = ToldOnce(store, "history_refused")
        assert not await after_restart.news(True, cleared=False)
        assert not await after_restart.news(False, cleared=True)

    async with open_store(tmp_path, clock) as store:  # the re-check is stored too
        assert await ToldOnce(store, "history_refused").news(True, cleared=False)


async def test_a_notice_keeps_the_details_it_was_told_with(tmp_path: Path) -> None:
    async with open_store(tmp_path, clock) as store:
        outage = ToldOnce(store, "exchange_down", ("since", "reason"))
        assert await outage.tell(since=NOW.isoformat(), reason="auth")
        assert not await outage.tell(since="later", reason=None)  # told already: kept as it was

    async with open_store(tmp_path, clock) as store:
        assert await store.get_meta("exchange_down_since") == NOW.isoformat()
        outage = ToldOnce(store, "exchange_down", ("since", "reason"))
        assert await outage.told() == {"since": NOW.isoformat(), "reason": "auth"}
        await outage.forget()
        assert await outage.told() is None
        assert await store.get_meta("exchange_down_reason") is None


async def test_a_detail_left_out_is_stored_as_absent(tmp_path: Path) -> None:
    async with open_store(tmp_path, clock) as store:
        outage = ToldOnce(store, "exchange_down", ("since", "reason"))
        assert await outage.tell(since=NOW.isoformat())

    async with open_store(tmp_path, clock) as store:
        outage = ToldOnce(store, "exchange_down", ("since", "reason"))
        assert await outage.told() == {"since": NOW.isoformat(), "reason": None}
