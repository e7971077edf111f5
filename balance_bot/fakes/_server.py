"""A local aiohttp server on 127.0.0.1 and a random free port, started from async code."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from types import TracebackType
from typing import Self

from aiohttp import web


def json_response(
    body: object, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """Return `body` as compact UTF-8 JSON."""
    return web.Response(
        status=status,
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
        content_type="application/json",
        charset="utf-8",
        headers=headers,
    )


class Signal:
    """Wake every waiter each time notify() is called (an Event that re-arms itself)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake the current waiters."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool], within: float | None) -> bool:
        """Wait until `predicate()` holds, re-checking at each notify; False on timeout."""
        try:
            async with asyncio.timeout(within):
                while not predicate():
                    await self._event.wait()
        except TimeoutError:
            return predicate()
        return True


class LocalServer:
    """Serve an aiohttp application on 127.0.0.1:0 until closed."""

    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self._url: str | None = None
        self._port = 0
        self._closing = asyncio.Event()
        self.changed = Signal()

    def build_app(self) -> web.Application:
        """Return the application to serve."""
        raise NotImplementedError

    @property
    def url(self) -> str:
        """Return the root URL, "http://127.0.0.1:PORT"."""
        if self._url is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return self._url

    @property
    def closing(self) -> bool:
        """Return whether close() has begun."""
        return self._closing.is_set()

    async def start(self) -> str:
        """Bind to a free port (the same one on a restart), serve and return the root URL."""
        if self._runner is not None:
            raise RuntimeError(f"{type(self).__name__} is already started")
        self._closing = asyncio.Event()
        runner = web.AppRunner(
            self.build_app(), handle_signals=False, access_log=None, shutdown_timeout=2.0
        )
        await runner.setup()
        # A restart after close() binds the same port, so clients find the server again.
        site = web.TCPSite(runner, "127.0.0.1", self._port)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self._port = int(runner.addresses[0][1])
        self._runner = runner
        self._url = f"http://127.0.0.1:{self._port}"
        return self._url

    async def close(self) -> None:
        """Release every held request and stop serving; safe to call twice."""
        self._closing.set()
        self.changed.notify()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def sleep(self, seconds: float) -> bool:
        """Sleep up to `seconds`, returning early (False) when the server closes."""
        if seconds <= 0:
            return not self.closing
        try:
            await asyncio.wait_for(self._closing.wait(), seconds)
        except TimeoutError:
            return True
        return False

    async def wait_until(
        self,
        predicate: Callable[[], bool],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for tests, not a network timeout
        what: str = "condition",
    ) -> None:
        """Wait until `predicate()` holds, re-checked after every request and state change."""
        if not await self.changed.wait_until(predicate, timeout):
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}; {self.describe()}")

    def describe(self) -> str:
        """Summarize the server's state for a timeout message."""
        return f"{type(self).__name__} at {self._url}"

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
