"""Fixtures shared by every kind of test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from aioresponses import CallbackResult, aioresponses
from yarl import URL

os.environ.setdefault("PTB_TIMEDELTA", "1")  # as app.py sets it for the bot: durations as timedelta


class CannedResponse(aiohttp.ClientResponse):
    """A canned answer as aioresponses builds it, plus the `stream_writer` aiohttp 3.14 requires.

    aioresponses 0.7.9, its latest release, does not pass it (pnuckowski/aioresponses#289);
    no release works with an aiohttp that has the 3.14 security fixes. This class reaches
    aioresponses through its own `response_class` parameter, on every canned answer.
    """

    def __init__(self, method: str, url: URL, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", SimpleNamespace(output_size=0))
        super().__init__(method, url, **kwargs)


@dataclass
class CannedHttp:
    """aioresponses, every canned answer built as a CannedResponse."""

    mocked: aioresponses

    def get(self, url: str | Any, **answer: Any) -> None:
        """Answer GET requests to `url` (text or a pattern) with aioresponses' `answer`."""
        self.mocked.get(url, response_class=CannedResponse, **answer)

    @property
    def requests(self) -> dict[Any, Any]:
        """Return the requests made, as aioresponses records them."""
        return self.mocked.requests

    def count(self, path: str) -> int:
        """Return how many requests were made to `path`, whatever their query."""
        return sum(
            len(calls) for (_, url), calls in self.mocked.requests.items() if url.path == path
        )


def canned(**answer: Any) -> CallbackResult:
    """Return a callback's answer (aioresponses' CallbackResult), built as a CannedResponse."""
    return CallbackResult(response_class=CannedResponse, **answer)


@pytest.fixture
def http() -> Iterator[CannedHttp]:
    """Answer aiohttp requests with canned responses instead of the network."""
    with aioresponses() as mocked:
        yield CannedHttp(mocked)
