"""Tests for services/updates_request.readable_updates: what python-telegram-bot cannot read."""

from __future__ import annotations

import json
import logging

import pytest

from balance_bot.telegram_io.updates_request import readable_updates

CHAT = {"id": 1, "type": "private"}
GOOD = {"update_id": 7, "message": {"message_id": 1, "date": 0, "chat": CHAT}}
BAD = {"update_id": 8, "message": {"message_id": 2, "date": "yesterday", "chat": CHAT}}


def answer(*updates: object) -> bytes:
    return json.dumps({"ok": True, "result": list(updates)}).encode()


def test_a_readable_batch_is_returned_as_it_came() -> None:
    payload = answer(GOOD)
    assert readable_updates(payload) is payload


def test_an_unreadable_update_is_emptied_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)

    result = json.loads(readable_updates(answer(GOOD, BAD, "not an update")))

    assert result == {"ok": True, "result": [GOOD, {"update_id": 8}]}
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "skipped update 8",
        "skipped update None",
    ]


@pytest.mark.parametrize("payload", [b"<html>", b'{"ok": true, "result": true}', b"{}"])
def test_what_is_not_a_list_of_updates_is_left_to_the_library(payload: bytes) -> None:
    assert readable_updates(payload) == payload
