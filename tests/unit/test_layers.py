"""Imports point one way: entry points -> wiring -> handlers -> services -> store, core, btcturk.

Each layer may import the layers below it and itself, never one above. `btcturk/` imports
nothing of the product, `core/` nothing but `btcturk/` (its typed models and amounts), so the
pure logic never reaches I/O. The test reads every module's imports and fails on an arrow
that points up.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# What each part of the product may import besides itself (the standard library and the
# installed packages are always allowed).
ALLOWED: dict[str, frozenset[str]] = {
    "btcturk": frozenset(),
    "core": frozenset({"btcturk"}),
    "store": frozenset({"core", "btcturk"}),
    "services": frozenset({"core", "store", "btcturk"}),
    "handlers": frozenset({"services", "core", "store", "btcturk"}),
    "config": frozenset({"core", "btcturk"}),
    "logs": frozenset(),
    "healthcheck": frozenset({"config", "services"}),
    "app": frozenset({"config", "handlers", "services", "core", "store", "btcturk", "logs"}),
    "lifecycle": frozenset({"app", "config", "services", "store"}),
    "bot": frozenset({"lifecycle", "config", "logs", "store", "demo"}),
    "demo": frozenset({"lifecycle", "app", "config", "logs", "services", "store", "fakes"}),
}
PRODUCT = frozenset(ALLOWED) | {"fakes", "bench", "tests"}


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
        parts.update(name.split(".")[0] for name in names)
    return parts & PRODUCT


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
    (tmp_path / "btcturk" / "planted.py").write_text("from core.format import balance_message\n")
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "lazy.py").write_text("def f():\n    import services.monitor\n")

    found = upward_imports(tmp_path)

    assert found == [
        "btcturk -> core (btcturk/planted.py)",
        "core -> services (core/lazy.py)",
    ]


def test_no_cycle_between_the_entry_points() -> None:
    assert "bot" not in imported_parts(ROOT / "demo.py")
