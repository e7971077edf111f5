"""`.env.example` documents every variable the bot reads, and only those."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_env_example_lists_every_variable_the_configuration_reads() -> None:
    config = (ROOT / "balance_bot" / "config.py").read_text(encoding="utf-8")
    read = set(re.findall(r'reader\.\w+\(\s*"([A-Z_]+)"', config))
    read |= set(re.findall(r'self\.\w+\(\s*"([A-Z_]+)"', config))
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^([A-Z_]+)=", example, re.MULTILINE))

    assert read
    assert documented == read
