"""Every clock, sleep, random source and timeout reaches the bot from its one bundle.

The modules that build the bot (services/wiring.py, services/account.py, app.py, lifecycle.py,
handlers/jobs.py) must hand each object they build every clock it can take: a parameter left
to its default would read the host's clock or wait for real behind the bundle's back, and a
test handing the bot its own clocks would not notice. The test reads each call in those
modules, looks up the signature called, and fails on a clock, sleep, random source or timeout
parameter with a default that the call does not pass. It also fails on a field of `Clocks` or
`Timeouts` that no builder hands down.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from balance_bot.services.clocks import Clocks, Timeouts
from tests.unit.test_layers import ALLOWED, module_part

ROOT = Path(__file__).resolve().parents[2] / "balance_bot"
PRODUCT = frozenset(ALLOWED)
BUILDERS = (
    "services/wiring.py",
    "services/account.py",
    "app.py",
    "lifecycle.py",
    "handlers/jobs.py",
)
# A parameter is a clock, a sleep or a random source by its annotation; a timeout by its name.
TIMED = re.compile(
    r"Callable\[\[\], (float|datetime)\]"  # a clock, a random source
    r"|Callable\[\[float\], Awaitable\[None\]\]"  # a sleep
    r"|\bClock\b|\bSleep\b"
)
TIMEOUT = re.compile(r"(timeout|silence|inline|answer)_s$")


def imported_callables(tree: ast.Module) -> dict[str, Callable[..., object]]:
    """Return what a module imports from the product by name, resolved."""
    found: dict[str, Callable[..., object]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.module or node.level:
            continue
        if module_part(node.module) not in PRODUCT:
            continue
        module = importlib.import_module(node.module)
        for alias in node.names:
            value = getattr(module, alias.name, None)
            if callable(value):
                found[alias.asname or alias.name] = value
    return found


def timed_parameters(function: Callable[..., object]) -> list[inspect.Parameter]:
    """Return the parameters of `function` that take a clock, a sleep or a timeout, with a
    default (those without one cannot be forgotten)."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return []
    return [
        parameter
        for parameter in signature.parameters.values()
        if parameter.default is not inspect.Parameter.empty
        and (TIMED.search(str(parameter.annotation)) or TIMEOUT.search(parameter.name))
    ]


def left_to_default(path: Path, root: Path = ROOT) -> Iterator[str]:
    """Yield "file:line: callee(parameter)" for each timed parameter a call leaves out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    product = imported_callables(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        called = product.get(node.func.id)
        if called is None:
            continue
        passed = {keyword.arg for keyword in node.keywords}
        positional = list(inspect.signature(called).parameters)[: len(node.args)]
        for parameter in timed_parameters(called):
            if parameter.name not in passed and parameter.name not in positional:
                where = path.relative_to(root)
                yield f"{where}:{node.lineno}: {node.func.id}({parameter.name})"


def handed_down(bundle: str) -> set[str]:
    """Return the fields of `clocks` or `timeouts` the builders read."""
    fields: set[str] = set()
    for name in BUILDERS:
        for node in ast.walk(ast.parse((ROOT / name).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name | ast.Attribute):
                owner = node.value.id if isinstance(node.value, ast.Name) else node.value.attr
                if owner == bundle:
                    fields.add(node.attr)
    return fields


def test_every_object_the_bot_is_built_from_gets_its_clocks_from_the_bundle() -> None:
    assert [line for name in BUILDERS for line in left_to_default(ROOT / name)] == []


def test_every_clock_and_timeout_of_the_bundle_is_handed_down() -> None:
    clocks = {field.name for field in dataclasses.fields(Clocks)}
    timeouts = {field.name for field in dataclasses.fields(Timeouts)}

    assert clocks - handed_down("clocks") == set()
    assert timeouts - handed_down("timeouts") == set()


def test_the_check_sees_a_clock_left_to_its_default(tmp_path: Path) -> None:
    planted = tmp_path / "wiring.py"
    planted.write_text(
        "from balance_bot.services.backfill import Backfill\n"
        "from balance_bot.telegram_io.rate_limit import ChatRateLimiter\n"
        "def build(client, trades, clock, clocks):\n"
        "    ChatRateLimiter(monotonic=clocks.telegram_pace)\n"
        "    return Backfill(client, trades, clock)\n"
    )
    found = list(left_to_default(planted, tmp_path))

    assert found == ["wiring.py:4: ChatRateLimiter(sleep)", "wiring.py:5: Backfill(sleep)"]
