"""Signed client CPU: this process's CPU time per balances request, the server elsewhere.

The fake exchange runs in its own process (`bench.serve_exchange`, dot decimals so that ccxt
can read the amounts), so `time.process_time()` here counts only the client side: signing,
aiohttp, reading and parsing. Three clients, interleaved in rounds so that drift hits them
alike: ours (`BtcTurkClient.get_balances()`), ccxt's async btcturk `fetch_balance()` (rate
limit off, markets loaded once in the warm-up from the bench server), and a bare signed
aiohttp GET whose body is read as text.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp

from balance_bot.btcturk.client import BtcTurkClient
from balance_bot.fakes.seed import DEMO_API_KEY, DEMO_API_SECRET
from bench.floor_bot import BALANCES_PATH, signed_get
from bench.harness import ROOT
from bench.table import Row, percentile, us

Call = Callable[[], Awaitable[object]]

WARMUP = 50
ROUNDS = 25
PER_ROUND = 40
BARE_FACTOR = 1.3
SERVER_START_TIMEOUT_S = 20.0


@contextlib.asynccontextmanager
async def exchange_process(*args: str) -> AsyncIterator[str]:
    """Run `bench.serve_exchange` in a child process and yield its base URL."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.serve_exchange",
        *args,
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stdin is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), SERVER_START_TIMEOUT_S)
        url = line.decode().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"bench.serve_exchange printed {line!r}")
        yield url
    finally:
        process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 5.0)
        except TimeoutError:
            process.kill()
            await process.wait()


async def cpu_per_call(contenders: dict[str, Call]) -> dict[str, float]:
    """Return each contender's process CPU seconds per call: the median over the rounds."""
    for call in contenders.values():
        for _ in range(WARMUP):
            await call()
    per_call: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(ROUNDS):
        for name, call in contenders.items():
            started = time.process_time()
            for _ in range(PER_ROUND):
                await call()
            per_call[name].append((time.process_time() - started) / PER_ROUND)
    return {name: percentile(values, 50) for name, values in per_call.items()}


def ccxt_btcturk(url: str) -> Any:
    """Return ccxt's async btcturk client with every API URL pointed at `url`."""
    import ccxt.async_support

    exchange = ccxt.async_support.btcturk(
        {"apiKey": DEMO_API_KEY, "secret": DEMO_API_SECRET, "enableRateLimit": False}
    )
    exchange.urls["api"] = {
        "public": f"{url}/api/v2",
        "private": f"{url}/api/v1",
        "graph": f"{url}/graph",
    }
    return exchange


async def measure() -> dict[str, float]:
    """Return CPU seconds per call for "ours", "ccxt" and "bare"."""
    async with exchange_process("--decimal-separator", ".") as url:
        ccxt = ccxt_btcturk(url)
        try:
            async with aiohttp.ClientSession() as session:
                ours = BtcTurkClient(
                    session, base_url=url, api_key=DEMO_API_KEY, api_secret=DEMO_API_SECRET
                )
                secret = base64.b64decode(DEMO_API_SECRET)
                balances_url = url + BALANCES_PATH

                async def bare() -> object:
                    return await signed_get(session, balances_url, DEMO_API_KEY, secret)

                if len(await ours.get_balances()) != len(
                    (await ccxt.fetch_balance())["info"]["data"]
                ):
                    raise RuntimeError("ours and ccxt read different accounts")
                return await cpu_per_call(
                    {"ours": ours.get_balances, "ccxt": ccxt.fetch_balance, "bare": bare}
                )
        finally:
            await ccxt.close()


async def run() -> list[Row]:
    """Return the rows: ours against ccxt, and ours against the bare request."""
    try:
        import ccxt  # noqa: F401
    except ImportError:
        from bench.table import not_measured

        target = "below ccxt, ≤ 1.3× bare"
        return [not_measured("signed client CPU per get_balances()", target, "ccxt not installed")]
    cpu = await measure()
    ratio = cpu["ours"] / cpu["bare"]
    return [
        Row(
            "signed client CPU per get_balances()",
            f"{us(cpu['ours'])} (ccxt fetch_balance() {us(cpu['ccxt'])})",
            "below ccxt",
            cpu["ours"] < cpu["ccxt"],
        ),
        Row(
            "  ÷ bare signed aiohttp GET",
            f"{ratio:.2f}× (bare {us(cpu['bare'])})",
            f"≤ {BARE_FACTOR}×",
            ratio <= BARE_FACTOR,
        ),
    ]
