"""The image's entry and health commands, run the way the Dockerfile runs them.

No Docker engine is needed: the fixtures rebuild the image's two parts by hand. A fresh virtual
environment (no system site-packages) gets exactly `requirements/main.lock` (`pip install
--no-deps`, then `pip check`), and an app directory gets exactly the files `.dockerignore`
admits, read here with Docker's rules, as `COPY . .` copies them. The Dockerfile's CMD and
HEALTHCHECK commands then run in that directory, with its ENV and the venv first on PATH,
against a fake exchange and a fake Bot API served by this process.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from balance_bot.fakes.environment import bot_environment
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.seed import DEMO_API_KEY, DEMO_API_SECRET, DEMO_BOT_TOKEN
from balance_bot.fakes.telegram import FakeTelegram
from balance_bot.services.clock_steps import BootStamp, current_boot
from balance_bot.services.heartbeat import Heartbeat, read_heartbeat, write_heartbeat

ROOT = Path(__file__).resolve().parents[2]
INSTALL_TIMEOUT_S = 900.0
START_TIMEOUT_S = 60.0  # generous: CI is a busy 2-core machine
COMMAND_TIMEOUT_S = 60.0
IMAGE_VENV = "/venv/bin"


# The Dockerfile


@dataclass(frozen=True)
class Image:
    """What the final stage of the Dockerfile declares."""

    env: dict[str, str]
    cmd: list[str]
    healthcheck: list[str]
    instructions: list[str]


def read_dockerfile(path: Path) -> Image:
    """Return the final stage's ENV, CMD and HEALTHCHECK command (exec form)."""
    text = re.sub(r"\\\n\s*", " ", path.read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    last_from = max(i for i, line in enumerate(lines) if line.upper().startswith("FROM "))
    stage = lines[last_from:]
    env: dict[str, str] = {}
    cmd: list[str] = []
    healthcheck: list[str] = []
    for line in stage:
        keyword, _, rest = line.partition(" ")
        if keyword.upper() == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                env[name] = value
        elif keyword.upper() == "CMD":
            cmd = json.loads(rest)
        elif keyword.upper() == "HEALTHCHECK":
            healthcheck = json.loads(rest.split(" CMD ", 1)[1])
    return Image(env=env, cmd=cmd, healthcheck=healthcheck, instructions=stage)


# .dockerignore, with Docker's rules


@dataclass(frozen=True)
class Rule:
    """One line of .dockerignore: a pattern, and whether it is an exception (`!`)."""

    pattern: str
    exception: bool
    regex: re.Pattern[str]


def read_dockerignore(path: Path) -> list[Rule]:
    """Parse `path` as Docker does: comments, `!` exceptions, cleaned relative patterns."""
    rules = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        pattern = os.path.normpath(line[1:].strip() if exception else line)
        pattern = pattern[1:] if len(pattern) > 1 and pattern.startswith("/") else pattern
        rules.append(Rule(pattern, exception, _compile(pattern)))
    return rules


def _compile(pattern: str) -> re.Pattern[str]:
    """Translate a pattern like Docker's patternmatcher: `*`, `?`, `**` and `\\` escapes."""
    if "[" in pattern:
        raise NotImplementedError(f"character classes are not read here: {pattern!r}")
    regex, i = "", 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):
                i += 1
            regex += ".*" if i == len(pattern) else "(.*/)?"
            continue
        if char == "*":
            regex += "[^/]*"
        elif char == "?":
            regex += "[^/]"
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            regex += re.escape(pattern[i])
        else:
            regex += re.escape(char)
        i += 1
    return re.compile(f"^{regex}$")


def is_excluded(relative: str, rules: list[Rule]) -> bool:
    """Return whether Docker leaves `relative` out: the last rule matching it or a parent wins."""
    parts = relative.split("/")
    parents = ["/".join(parts[: i + 1]) for i in range(len(parts) - 1)]
    excluded = False
    for rule in rules:
        if rule.exception != excluded:
            continue
        if rule.regex.match(relative) or any(rule.regex.match(p) for p in parents):
            excluded = not rule.exception
    return excluded


def admitted_files(root: Path, rules: list[Rule]) -> list[str]:
    """Return the files of `root` in the build context, walking as Docker's builder does."""
    exceptions = [rule.pattern + "/" for rule in rules if rule.exception]
    found = []
    for directory, subdirectories, files in os.walk(root):
        base = Path(directory).relative_to(root).as_posix()
        prefix = "" if base == "." else base + "/"
        # An excluded directory is entered only when an exception pattern names a path in it.
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if not is_excluded(prefix + name, rules)
            or any(pattern.startswith(f"{prefix}{name}/") for pattern in exceptions)
        )
        for name in sorted(files):
            if not is_excluded(prefix + name, rules) and os.path.isfile(Path(directory, name)):
                found.append(prefix + name)
    return found


# Fixtures: the two halves of the image


@pytest.fixture(scope="module")
def image() -> Image:
    return read_dockerfile(ROOT / "Dockerfile")


@pytest.fixture(scope="module")
def rules() -> list[Rule]:
    return read_dockerignore(ROOT / ".dockerignore")


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory: pytest.TempPathFactory, rules: list[Rule]) -> Path:
    """Copy what `COPY . .` would copy into /app."""
    app = tmp_path_factory.mktemp("image") / "app"
    for relative in admitted_files(ROOT, rules):
        target = app / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / relative, target)
    return app


@pytest.fixture(scope="module")
def venv_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build /venv as the build stage does: a fresh venv with exactly the locked packages."""
    venv = tmp_path_factory.mktemp("image") / "venv"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    python = venv / "bin" / "python"
    lock = ROOT / "requirements" / "main.lock"
    # Only saving time here: the venv gets no pip of its own (this pip installs into it) and
    # nothing is compiled (the image compiles); neither changes what the bot runs with.
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    for command in (
        [sys.executable, "-m", "venv", "--without-pip", str(venv)],
        [*pip, "install", "--no-deps", "--no-compile", "-r", str(lock)],
        [*pip, "check"],
    ):
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S
        )
        if done.returncode != 0:
            pytest.fail(f"{shlex.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return venv / "bin"


def image_env(image: Image, venv_bin: Path, home: Path, **settings: str) -> dict[str, str]:
    """Return the container's environment: the Dockerfile's ENV, with /venv/bin mapped here."""
    env = dict(image.env)
    assert env["PATH"].startswith(f"{IMAGE_VENV}:"), "the image's venv must come first on PATH"
    env["PATH"] = env["PATH"].replace(IMAGE_VENV, str(venv_bin), 1).replace("$PATH", os.defpath)
    env["HOME"] = str(home)
    return env | settings


# The build context


def test_the_context_holds_the_code_and_lock_and_never_secrets_or_state(
    rules: list[Rule], app_dir: Path
) -> None:
    copied = {p.relative_to(app_dir).as_posix() for p in app_dir.rglob("*") if p.is_file()}
    for needed in (
        "balance_bot/__main__.py",
        "balance_bot/healthcheck.py",
        "requirements/main.lock",
    ):
        assert needed in copied
    for package in ("btcturk", "core", "fakes", "handlers", "services", "store", "telegram_io"):
        assert f"balance_bot/{package}/__init__.py" in copied
    assert {p.split("/")[0] for p in copied} == {"balance_bot", "requirements"}
    assert not [p for p in copied if p.split("/")[-1] == ".env"]
    assert not (app_dir / "data").exists()
    assert not [p for p in copied if "__pycache__" in p or ".sqlite3" in p]
    for secret_or_state in (".env", "data/bot.sqlite3", "data/heartbeat.json", "bot.sqlite3"):
        assert is_excluded(secret_or_state, rules), secret_or_state
    for not_shipped in (".venv/bin/python", "tests/conftest.py", ".git/config", "bench/run.py"):
        assert is_excluded(not_shipped, rules), not_shipped


def test_the_dockerfile_copies_the_context_and_runs_the_two_commands(image: Image) -> None:
    assert "COPY . ." in image.instructions
    assert "WORKDIR /app" in image.instructions
    assert image.cmd == ["python", "-m", "balance_bot"]
    assert image.healthcheck == ["python", "-m", "balance_bot.healthcheck"]
    assert image.env["DATA_DIR"] == "/data"
    assert 'VOLUME ["/data"]' in image.instructions


IMPORT_CHECK = textwrap.dedent(
    """
    import ast, importlib.util, json, pathlib
    missing = {}
    for path in sorted(pathlib.Path(".").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if importlib.util.find_spec(top) is None:
                    missing.setdefault(top, set()).add(str(path))
    missing = {name: sorted(paths) for name, paths in missing.items()}
    print(json.dumps(missing))
    """
)


@pytest.mark.slow
def test_every_import_of_the_shipped_code_resolves_in_the_image(
    image: Image, venv_bin: Path, app_dir: Path, tmp_path: Path
) -> None:
    """A module .dockerignore forgot, or a package main.lock forgot, fails here by name."""
    env = image_env(image, venv_bin, tmp_path)
    done = subprocess.run(
        ["python", "-c", IMPORT_CHECK],
        cwd=app_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {}


# The entry and health commands


async def run(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run `command` to its end and return its exit code and its output."""
    process = await asyncio.create_subprocess_exec(
        *command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), COMMAND_TIMEOUT_S)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return process.returncode, output.decode().strip()


@dataclass
class RunningBot:
    """The entry command running in the background, its log and its data directory."""

    process: asyncio.subprocess.Process
    log: Path
    data_dir: Path

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-40:])

    async def wait_for_heartbeat(self, wanted: Callable[[Heartbeat], bool]) -> Heartbeat:
        """Return the first heartbeat that satisfies `wanted` (a bounded wait on the file)."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            heartbeat = read_heartbeat(self.data_dir)
            if heartbeat is not None and wanted(heartbeat):
                return heartbeat
            if self.process.returncode is not None:
                pytest.fail(f"the bot exited with {self.process.returncode}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no such heartbeat after {START_TIMEOUT_S}s:\n{self.log_tail()}")
            await asyncio.sleep(0.05)


StartBot = Callable[[Image, Path, dict[str, str]], Awaitable[RunningBot]]


@pytest.fixture
async def start_bot(tmp_path: Path) -> AsyncIterator[StartBot]:
    """Return a starter of the entry command; whatever it started is killed after the test."""
    started: list[asyncio.subprocess.Process] = []

    async def start(image: Image, cwd: Path, env: dict[str, str]) -> RunningBot:
        log = tmp_path / "bot.log"
        with log.open("wb") as output:
            process = await asyncio.create_subprocess_exec(
                *image.cmd, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT
            )
        started.append(process)
        return RunningBot(process, log, Path(env["DATA_DIR"]))

    yield start
    for process in started:
        if process.returncode is None:
            process.kill()
            await process.wait()


@pytest.mark.slow
async def test_the_bot_beats_the_health_check_passes_and_sigterm_stops_it(
    image: Image,
    venv_bin: Path,
    app_dir: Path,
    tmp_path: Path,
    start_bot: StartBot,
) -> None:
    data_dir = tmp_path / "data"
    minimal = image_env(
        image, venv_bin, tmp_path, DATA_DIR=str(data_dir), POLL_INTERVAL_SECONDS="1"
    )
    async with FakeBtcTurk() as exchange, FakeTelegram() as telegram:
        full = minimal | bot_environment(telegram.api_url, exchange.base_url, data_dir)

        # (1) Before the first poll there is no heartbeat: unhealthy.
        code, output = await run(image.healthcheck, app_dir, full)
        assert code == 1, output
        assert output == "unhealthy: no heartbeat yet, the bot has not finished a poll"

        # (2) The entry command starts, polls the exchange and writes the heartbeat.
        bot = await start_bot(image, app_dir, full)
        first = await bot.wait_for_heartbeat(lambda beat: beat.ok)
        assert abs(datetime.now(UTC) - first.at) < timedelta(seconds=START_TIMEOUT_S)
        assert (data_dir / "bot.sqlite3").is_file()

        # (3) Healthy, with the bot's environment and with no credentials at all.
        for env in (full, minimal):
            code, output = await run(image.healthcheck, app_dir, env)
            assert code == 0, output
            assert re.fullmatch(r"healthy: the last poll was \d+ s ago; BTCTurk answered", output)

        # BTCTurk down: the poll goes on and so does the heartbeat; the container stays healthy.
        exchange.inject("maintenance", times=10_000)
        down = await bot.wait_for_heartbeat(lambda beat: not beat.ok and beat.at > first.at)
        code, output = await run(image.healthcheck, app_dir, full)
        assert code == 0, output
        assert output.endswith("BTCTurk could not be read"), output

        # (4) SIGTERM stops the bot cleanly.
        bot.process.send_signal(signal.SIGTERM)
        exit_code = await asyncio.wait_for(bot.process.wait(), START_TIMEOUT_S)
        assert exit_code == 0, bot.log_tail()
        log = bot.log.read_text(encoding="utf-8")
        assert "stopping" in log
        assert "Traceback" not in log, log
        for secret in (DEMO_BOT_TOKEN, DEMO_API_SECRET, DEMO_API_KEY):
            assert secret not in log

    # (5) A heartbeat older than max(3 polls, 120 s) is stale: unhealthy.
    assert read_heartbeat(data_dir) is not None
    now = current_boot()
    ten_minutes_ago = None if now is None else BootStamp(now.boot_id, now.seconds - 600)
    write_heartbeat(
        data_dir, datetime.now(UTC) - timedelta(minutes=10), ok=down.ok, boot=ten_minutes_ago
    )
    code, output = await run(image.healthcheck, app_dir, minimal)
    assert code == 1, output
    assert re.fullmatch(r"unhealthy: the last poll was 6\d\d s ago \(limit 120 s\)", output)
