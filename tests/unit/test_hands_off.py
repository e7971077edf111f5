"""Tests hand the bot what it should use; they never reach into it or patch the product.

A clock to move, a sleep to record, a shorter timeout, a renderer that fails, a database on a
full disk: each is handed in when the bot is built (`tests/kit/wiring.py`, the constructors'
parameters), never set on a running object or patched into a module, where it would depend on
when the object reads it and would outlive a refactoring silently. The test reads every test
module and fails on:

1. a monkeypatch (`setattr`, `delattr`, `setitem`, `delitem`) or `mock.patch` of a product
   module or of anything imported from one (the standard library and the installed packages
   may be patched: they are the machine, not the product);
2. an assignment to an attribute or item of the running bot: anything reached from
   `services_of(...)` or through `.services`, `.application` or `.bot_data`;
3. an assignment into a product object's collaborators, two attributes deep or more
   (`client.auth_backoff.monotonic = …`): an object's own public attributes and property
   setters stay usable (`clock.offset_ms = …`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.unit.test_layers import ALLOWED, module_part

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = frozenset(ALLOWED)  # the product's packages and modules, fakes and tests aside
RUNNING = frozenset({"services", "application", "bot_data"})  # the ways into a running bot
REACH_IN = frozenset({"services_of"})  # the helper that returns a running bot's services
PATCHES = frozenset({"setattr", "delattr", "setitem", "delitem", "patch", "object"})

Binding = tuple[ast.expr, ast.expr]  # what is bound, and to what


def product_imports(tree: ast.Module) -> set[str]:
    """Return the names a module binds to product modules or to what it imports from them."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(
                alias.asname or alias.name.split(".")[0]
                for alias in node.names
                if module_part(alias.name) in PRODUCT
            )
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            from_product = module_part(node.module) in PRODUCT
            names.update(alias.asname or alias.name for alias in node.names if from_product)
    return names


def root_of(node: ast.expr) -> str | None:
    """Return the name an attribute, item or call chain starts from."""
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Call | ast.Starred):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def depth(node: ast.expr) -> int:
    """Return how many attributes deep an assignment's target is (`a.b.c`: 2)."""
    count = 0
    while isinstance(node, ast.Attribute | ast.Subscript):
        count += isinstance(node, ast.Attribute)
        node = node.value
    return count


def bindings(tree: ast.Module) -> Iterator[Binding]:
    """Yield every (target, value) a module binds names with."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            yield from ((target, node.value) for target in node.targets)
        elif isinstance(node, ast.AnnAssign | ast.NamedExpr) and node.value is not None:
            yield node.target, node.value
        elif isinstance(node, ast.For | ast.AsyncFor):
            yield node.target, node.iter
        elif isinstance(node, ast.With | ast.AsyncWith):
            yield from (
                (item.optional_vars, item.context_expr)
                for item in node.items
                if item.optional_vars is not None
            )


class Module:
    """One test module: what it imports from the product, and which of its names are the
    running bot or a product object."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.imports = product_imports(tree)
        self.running: set[str] = set(RUNNING)
        self.built: set[str] = set()  # names bound to an object of a product class
        self._follow_bindings()

    def reaches_running(self, node: ast.expr) -> bool:
        """Tell whether `node` reaches into the running bot."""
        for part in ast.walk(node):
            if isinstance(part, ast.Name) and part.id in self.running:
                return True
            if isinstance(part, ast.Attribute) and part.attr in RUNNING:
                return True
            if isinstance(part, ast.Call) and root_of(part.func) in REACH_IN:
                return True
        return False

    def builds_product_object(self, node: ast.expr) -> bool:
        """Tell whether `node` is a product object: a product class called, or one bound."""
        if isinstance(node, ast.Name):
            return node.id in self.built
        if not isinstance(node, ast.Call):
            return False
        called = node.func
        last = called.attr if isinstance(called, ast.Attribute) else root_of(called) or ""
        return root_of(called) in self.imports and last[:1].isupper()

    def _follow_bindings(self) -> None:
        """Mark every name bound, directly or not, to the running bot or a product object."""
        changed = True
        while changed:
            changed = False
            for target, value in bindings(self.tree):
                names = {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
                if not isinstance(target, ast.Name | ast.Tuple | ast.List | ast.Starred):
                    continue
                if self.reaches_running(value) and not names <= self.running:
                    self.running |= names
                    changed = True
                if self.builds_product_object(value) and not names <= self.built:
                    self.built |= names
                    changed = True

    def patches_product(self, call: ast.Call) -> bool:
        """Tell whether `call` monkeypatches the product."""
        patching = isinstance(call.func, ast.Attribute) and call.func.attr in PATCHES
        builtin = isinstance(call.func, ast.Name) and call.func.id in {"setattr", "delattr"}
        if not (patching or builtin) or not call.args:
            return False
        target = call.args[0]
        if isinstance(target, ast.Constant) and isinstance(target.value, str):
            return module_part(target.value) in PRODUCT
        return root_of(target) in self.imports or self.reaches_running(target)

    def offences(self) -> Iterator[tuple[int, str]]:
        """Yield (line, what) for each reach into the bot and each patch of the product."""
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.stmt | ast.expr):
                continue
            if isinstance(node, ast.Call) and self.patches_product(node):
                yield node.lineno, f"patches the product: {ast.unparse(node)}"
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AugAssign | ast.AnnAssign):
                targets = [node.target]
            for target in targets:
                if not isinstance(target, ast.Attribute | ast.Subscript):
                    continue
                if self.reaches_running(target.value):
                    yield node.lineno, f"assigns into the running bot: {ast.unparse(target)}"
                elif root_of(target) in self.built and depth(target) >= 2:
                    yield node.lineno, f"assigns into a collaborator: {ast.unparse(target)}"


def reaching_in(root: Path) -> list[str]:
    """Return "file:line: what" for every test that reaches into the bot or patches it."""
    found = []
    for path in sorted((root / "tests").rglob("*.py")):
        module = Module(ast.parse(path.read_text(encoding="utf-8")))
        offences = sorted(module.offences())
        found += [f"{path.relative_to(root)}:{line}: {what}" for line, what in offences]
    return found


def test_no_test_reaches_into_the_bot_or_patches_the_product() -> None:
    assert reaching_in(ROOT) == []


def test_the_check_sees_each_kind_of_reaching_in(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_planted.py").write_text(
        "import os\n"
        "import balance_bot.services.delivery as delivery\n"
        "from balance_bot.btcturk.client import BtcTurkClient\n"
        "from balance_bot.services import charts\n"
        "from balance_bot.store.database import Database\n"
        "from unittest import mock\n"
        "\n"
        "def test_planted(bot, monkeypatch, application):\n"
        "    monkeypatch.setattr(delivery, 'SEND_TIMEOUT_S', 0.2)\n"
        "    monkeypatch.setattr('balance_bot.services.charts.render_portfolio_chart', None)\n"
        "    monkeypatch.setattr(Database, '_transaction', None)\n"
        "    mock.patch.object(charts, 'chart_png')\n"
        "    monkeypatch.setattr(os, 'replace', None)\n"  # the machine: allowed
        "    services_of(bot).account.client.auth_backoff.monotonic = None\n"
        "    [guard] = application.handlers[-100]\n"
        "    guard.callback = None\n"
        "    client = BtcTurkClient(None)\n"
        "    client.auth_backoff.monotonic = None\n"
        "    client.timeout = 1\n"  # its own attribute: allowed
        "    bot.exchange.api_key = 'k'\n"  # a fake: allowed
        "    bot.services.account.portfolio.max_age_s = 0\n"
        "    setattr(charts, 'chart_png', None)\n"
    )

    found = reaching_in(tmp_path)

    assert [line.split(": ")[0] for line in found] == [
        f"tests/test_planted.py:{line}" for line in (9, 10, 11, 12, 14, 16, 18, 21, 22)
    ]
