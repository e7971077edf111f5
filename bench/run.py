"""Run every figure in turn and print one table: figure, measurement, target, met.

Each figure runs in its own event loop with its own fakes and bot processes, so one that
fails becomes an "error" row instead of ending the run. Progress goes to stderr, the table
to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from bench import harness
from bench.table import Row, render

Figure = Callable[[], Coroutine[Any, Any, list[Row]]]

# Each figure's module, imported only when it runs: a product module that does not import
# (say, mid-change) turns into that figure's error row, not a failed run.
FIGURES: dict[str, str] = {
    "roundtrip": "bench.roundtrip",
    "coalescing": "bench.coalescing",
    "client_cpu": "bench.client_cpu",
    "ticker_parse": "bench.ticker_parse",
    "alert": "bench.alert_latency",
    "explain_calls": "bench.explain_calls",
    "explain_delay": "bench.explain_delay",
    "feed": "bench.feed_latency",
    "explain_later": "bench.explain_later",
    "storm": "bench.storm",
    "hang": "bench.hang_latency",
    "fanout": "bench.fanout",
    "memory": "bench.memory",
    "startup": "bench.startup",
    "pnl": "bench.pnl",
    "export": "bench.export",
    "exchange_status": "bench.exchange_status",
    "values": "bench.values",
    "orders": "bench.orders",
}


def run_figure(name: str, module: str) -> list[Row]:
    """Run one figure; turn a failure into a row that says what went wrong."""
    started = time.monotonic()
    print(f"bench: {name} …", file=sys.stderr, flush=True)
    try:
        figure: Figure = importlib.import_module(module).run
        rows = asyncio.run(figure())
    except Exception as error:  # one broken figure must not hide the others
        traceback.print_exc()
        last = (str(error).strip().splitlines() or [""])[-1]
        rows = [Row(name, f"error: {type(error).__name__}: {last[:160]}", "", False)]
    print(f"bench: {name} done in {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
    return rows


def machine() -> str:
    """Describe the machine: cores, CPU model and Python version."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run the figures, print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        default=",".join(FIGURES),
        help=f"comma-separated figures to run (default all: {','.join(FIGURES)})",
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        type=Path,
        help="keep each figure's data directory and bot logs under DIR",
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    harness.KEEP_DIR = args.keep
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in FIGURES]
    if unknown:
        parser.error(f"unknown figure(s): {', '.join(unknown)}")
    logging.basicConfig(level=logging.WARNING, format="bench %(levelname)s %(name)s: %(message)s")
    started, load_before = time.monotonic(), os.getloadavg()[0]
    rows = [row for name in names for row in run_figure(name, FIGURES[name])]
    print(render(rows))
    print(
        f"\n{machine()}; whole run {time.monotonic() - started:.0f} s; "
        f"1-min load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
    )
    return 0
