"""Fixtures shared by every kind of test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses
from yarl import URL

os.environ.setdefault("PTB_TIMEDELTA", "1")  # as app.py sets it for the bot: durations as timedelta


class CannedResponse(aiohttp.ClientResponse):
    """A ClientResponse aioresponses 0.7.9 can build under aiohttp 3.14 (`stream_writer` is new)."""

    def __init__(self, method: str, url: URL, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", SimpleNamespace(output_size=0))
        super().__init__(method, url, **kwargs)


@pytest.fixture
def http(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Answer aiohttp requests with canned responses instead of the network."""
    monkeypatch.setattr("aioresponses.core.ClientResponse", CannedResponse)
    with aioresponses() as mocked:
        yield mocked
