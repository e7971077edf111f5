"""Imports point one way inside balance_bot/: entry points -> wiring -> handlers -> services ->
telegram_io, store -> core -> btcturk.

Each layer may import the layers below it and itself, never one above. `btcturk/` imports
nothing of the product, `core/` nothing but `btcturk/` (its typed models and amounts), so the
pure logic never reaches I/O; `telegram_io/` (Telegram's transport: the rate limiter, the
request classes, getUpdates' health, the backlog, the strangers' refusals, the access guard)
knows nothing of the product's services or handlers. The test reads every module's imports
and fails on an arrow that points up.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "balance_bot"
PACKAGE = "balance_bot"

# What each part of the product may import besides itself (the standard library and the
# installed packages are always allowed).
ALLOWED: dict[str, frozenset[str]] = {
    "btcturk": frozenset(),
    "core": frozenset({"btcturk"}),
    "store": frozenset({"core", "btcturk"}),
    "telegram_io": frozenset({"core"}),
    "services": frozenset({"telegram_io", "core", "store", "btcturk"}),
    "handlers": frozenset({"services", "telegram_io", "core", "store", "btcturk"}),
    "config": frozenset({"core", "btcturk"}),
    "logs": frozenset(),
    "healthcheck": frozenset({"config", "services", "telegram_io", "core"}),
    "app": frozenset(
        {"config", "handlers", "services", "telegram_io", "core", "store", "btcturk", "logs"}
    ),
    "lifecycle": frozenset({"app", "config", "services", "store"}),
    "__main__": frozenset({"lifecycle", "config", "logs", "store", "demo"}),
    "demo": frozenset({"lifecycle", "app", "config", "logs", "services", "store", "fakes"}),
}
PRODUCT = frozenset(ALLOWED) | {"fakes"}


def part_of(path: Path, root: Path) -> str:
    """Return the package or top-level module a file belongs to."""
    relative = path.relative_to(root)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def imported_parts(path: Path) -> set[str]:
    """Return the parts of the product a file imports (lazy imports inside functions too)."""
    parts: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        parts.update(module_part(name) for name in names)
    return parts & PRODUCT


def module_part(module: str) -> str:
    """Return the part of the product `module` names (balance_bot.core.x -> core)."""
    names = module.split(".")
    if names[0] == PACKAGE:
        return names[1] if len(names) > 1 else PACKAGE
    return names[0]


def upward_imports(root: Path) -> list[str]:
    """Return "part -> imported (file)" for every import the layers do not allow."""
    found = []
    for path in sorted(root.rglob("*.py")):
        part = part_of(path, root)
        if ".venv" in path.parts or part not in ALLOWED:
            continue
        for imported in sorted(imported_parts(path) - {part} - ALLOWED[part]):
            found.append(f"{part} -> {imported} ({path.relative_to(root)})")
    return found


def test_every_import_points_down() -> None:
    assert upward_imports(ROOT) == []


def test_the_check_sees_a_planted_upward_import(tmp_path: Path) -> None:
    (tmp_path / "btcturk").mkdir()
    (tmp_path / "btcturk" / "planted.py").write_text(
        "from balance_bot.core.format import balance_message\n"
    )
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "lazy.py").write_text(
        "def f():\n    import balance_bot.services.monitor\n"
    )

    found = upward_imports(tmp_path)

    assert found == [
        "btcturk -> core (btcturk/planted.py)",
        "core -> services (core/lazy.py)",
    ]


def test_no_cycle_between_the_entry_points() -> None:
    assert "__main__" not in imported_parts(ROOT / "demo.py")
