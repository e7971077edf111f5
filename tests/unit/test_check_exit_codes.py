"""What a deploy script gets from the key check: the README promises 0, 1, 2 or 3 from
`.venv/bin/python -m balance_bot --check`, and says what `make check` returns (make turns a
failed command's code into its own 2); this runs the Makefile's target on a stand-in program
to hold the README to what make does."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTED = ".venv/bin/python -m balance_bot --check"


def check_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Check the key before going live")
    return readme[start : readme.index("\n## ", start + 1)]


def test_the_readme_gives_scripts_the_command_whose_exit_code_is_the_checks() -> None:
    section = " ".join(check_section().split())
    assert f"a deploy script runs `{SCRIPTED}`" in section
    assert re.search(r"`make check` exits 0 when the check does, else 2", section)


@pytest.mark.skipif(shutil.which("make") is None, reason="no make on this machine")
@pytest.mark.parametrize(("program", "make_exit"), [(0, 0), (1, 2), (3, 2)])
def test_make_check_exits_as_the_readme_says(tmp_path: Path, program: int, make_exit: int) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    stand_in = venv / "bin" / "python"
    stand_in.write_text(f"#!/bin/sh\necho checked\nexit {program}\n", encoding="utf-8")
    stand_in.chmod(0o755)
    (venv / ".main").touch()  # newer than the lock: nothing is installed

    result = subprocess.run(
        ["make", "--no-print-directory", "check", f"VENV={venv}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert result.stdout.splitlines() == ["checked"]
    assert result.returncode == make_exit
    if program:
        assert f"the check exited {program}" in result.stderr
