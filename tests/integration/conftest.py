"""What the integration tests share: one HTTP session per test, closed after it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

SESSION_TIMEOUT = aiohttp.ClientTimeout(total=30)  # a bound for a test, not a product setting


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=SESSION_TIMEOUT) as client_session:
        yield client_session
