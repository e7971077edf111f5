"""`make demo` as a newcomer runs it: `python -m balance_bot --demo` in a pipe and in a terminal.

Pictures and files the bot sends are saved under the demo's data folder, their paths printed;
buttons are pressed with `!press`, through the fake Telegram's callback queries; logs go to a
file, never into the chat; Ctrl-C and Ctrl-D end it without a traceback.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RUN_TIMEOUT_S = 180.0
SCRIPT = """\
/lang en
/balance
!price BTC 3600000
!press refresh
/chart
/alert btc price above 9000000
!down
!up
!release
/export
"""
BUTTONS = """\
/lang en
/alert btc price above 3,600
!press 2
!press anyway
!ws off
/status
!ws on
!press check again
"""

pytestmark = pytest.mark.slow


def demo_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """Return the environment of a demo run: its own data folder, a summary owed at once."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "DATA_DIR": str(data_dir),
        "DAILY_SUMMARY_TIME": "00:00",  # a fresh state owes today's summary at any hour
        "POLL_INTERVAL_SECONDS": "1",
        **extra,
    }


def run_piped(script: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "balance_bot", "--demo"],
        cwd=data_dir.parent,
        env=demo_env(data_dir),
        input=script,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )


def after(output: str, line: str) -> str:
    """Return what the demo printed after echoing `line`, up to the next line typed."""
    printed = output.split(f"you › {line}\n", 1)[1].split("you › ", 1)[0]
    return printed.split("Demo stopped.", 1)[0]


def test_the_pipe_mode_saves_the_chart_and_the_csv_and_presses_refresh(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"

    result = run_piped(SCRIPT, data_dir)

    output = result.stdout
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # the log went to its file: nothing beside the chat
    [picture] = re.findall(r"\[picture saved: (\S+)\]", output)
    assert Path(picture).parent == data_dir / "files"
    assert Path(picture).read_bytes().startswith(PNG_SIGNATURE)
    chart = after(output, "/chart")
    assert "📊 Portfolio: " in chart
    assert "<b>" not in output
    [csv] = re.findall(r"\[file saved: (\S+\.csv)\]", output)
    assert Path(csv).parent == data_dir / "files"
    rows = Path(csv).read_text(encoding="utf-8-sig").splitlines()
    header = next(i for i, row in enumerate(rows) if not row.startswith(("#", '"#')))
    assert header > 0  # after the year's total and its notes
    assert rows[header].startswith("time,type,asset,pair,amount")
    pressed = after(output, "!press refresh")
    assert "bot (edited) › 💼 Portfolio: 35,191,123.79 TRY" in pressed  # BTC at its new price
    assert "Up to date" in pressed  # the answer to the callback query, a pop-up in Telegram
    assert "Daily summary" not in output  # nobody asked for one
    assert "WARNING" not in output
    log = (data_dir / "demo.log").read_text(encoding="utf-8")
    assert "bot started" in log
    assert "WARNING" in log  # the checks failed during the maintenance: told in the log only


def test_the_buttons_under_an_alert_question_and_the_status_are_pressed(tmp_path: Path) -> None:
    result = run_piped(BUTTONS, tmp_path / "data")

    output = result.stdout
    assert "[1: 3.6]  [2: 3600]" in after(output, "/alert btc price above 3,600")
    reading = after(output, "!press 2")
    assert "pressed [ 3600 ]" in reading
    assert "⚠️ Not set: BTC price above 3,600 TRY" in reading  # far from the price: asks again
    assert "✅ Alert #1 set: BTC price above 3,600 TRY" in after(output, "!press anyway")
    assert "Live feed refused" in after(output, "/status")
    checked = after(output, "!press check again")
    assert "bot (pop-up) › Checking again…" in checked
    assert "bot (edited) › 🩺 Status" in checked
    assert "⚡ Live feed connected since" in checked


def test_help_lists_one_line_per_command_grouped(tmp_path: Path) -> None:
    result = run_piped("!help\n", tmp_path / "data")

    lines = after(result.stdout, "!help").strip().splitlines()
    commands = [line for line in lines if line.lstrip().startswith("!")]
    assert len(commands) >= 15
    assert all(len(line) <= 100 for line in lines)
    assert all(len(re.findall(r"(?:^|\s)!\w", line)) <= 2 for line in commands)  # or a pair
    for line in ("!press", "!key off", "!ws off", "!history hang", "!deposit"):
        assert any(command.lstrip().startswith(line) for command in commands), line


def read_some(fd: int, within: float) -> bytes | None:
    """Return what `fd` has within `within` s (b"" if nothing), None once its writer is gone."""
    ready, _, _ = select.select([fd], [], [], within)
    if not ready:
        return b""
    try:
        chunk = os.read(fd, 65536)
    except OSError:  # a terminal whose demo exited
        return None
    return chunk or None


def read_until(fd: int, text: str, within: float = 60.0, read: bytes = b"") -> bytes:
    """Read `fd` after `read` until `text` appears in it all, the writer is gone, or `within`
    s pass; return it all."""
    wanted = text.encode()
    deadline = time.monotonic() + within
    while wanted not in read and time.monotonic() < deadline:
        chunk = read_some(fd, 0.2)
        if chunk is None:
            break
        read += chunk
    return read


class Terminal:
    """The demo in a pseudo-terminal, as `make demo` runs in a shell."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None) -> None:
        pid, fd = os.forkpty()
        if pid == 0:  # the child: becomes the demo
            os.chdir(data_dir.parent)
            os.execve(  # noqa: S606 - the test's own interpreter, no shell
                sys.executable,
                [sys.executable, "-m", "balance_bot", "--demo"],
                env or demo_env(data_dir),
            )
        self.pid, self.fd = pid, fd
        self.read = b""

    @property
    def output(self) -> str:
        """Return what the terminal showed so far."""
        return self.read.decode(errors="replace").replace("\r\n", "\n")

    def read_until(self, text: str, within: float = 60.0) -> str:
        """Read the terminal until `text` appears (or the demo exits); return all read."""
        self.read = read_until(self.fd, text, within, self.read)
        return self.output

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def exit_code(self, within: float = 30.0) -> int | None:
        """Wait for the demo to exit; its exit code, or None when it is still running."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            self.read += read_some(self.fd, 0.5) or b""  # read on: the demo never blocks
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
        return None

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


@pytest.mark.parametrize("keys", ["\x03", "\x04"], ids=["ctrl-c", "ctrl-d"])
def test_the_terminal_demo_stops_cleanly(tmp_path: Path, keys: str) -> None:
    data_dir = tmp_path / "data"
    terminal = Terminal(data_dir)
    try:
        banner = terminal.read_until("Ctrl-D or Ctrl-C quits.")
        terminal.type("/lang en\n")
        terminal.read_until("✅ Language: English.")
        terminal.type(keys)
        code = terminal.exit_code()
    finally:
        terminal.close()

    output = terminal.output
    assert str(data_dir / "demo.log") in banner
    assert code == 0, output
    assert "Traceback" not in output
    assert "KeyboardInterrupt" not in output
    assert "Demo stopped" in output


def test_a_piped_demo_waiting_for_its_next_line_stops_on_sigint(tmp_path: Path) -> None:
    demo = subprocess.Popen(
        [sys.executable, "-m", "balance_bot", "--demo"],
        cwd=tmp_path,
        env=demo_env(tmp_path / "data"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert demo.stdin is not None and demo.stdout is not None
        demo.stdin.write(b"!help\n")  # printed at once, then the demo reads the next line
        demo.stdin.flush()
        printed = read_until(demo.stdout.fileno(), "this list").decode()
        demo.send_signal(signal.SIGINT)  # the input stays open: no next line comes
        demo.wait(timeout=60)
        output, errors = demo.communicate()
    finally:
        demo.kill()
        demo.wait()

    assert "this list" in printed
    assert demo.returncode == 0, errors
    assert errors == b""
    assert "Demo stopped" in output.decode()


def test_ctrl_c_while_a_command_waits_for_the_chart_server_stops_the_demo(tmp_path: Path) -> None:
    """It printed "Demo stopped" seconds before the process exited (the stop waited out the
    chart server's budget, then a request the fake held), and the line typed meanwhile was
    read by the demo, not the shell."""
    data_dir = tmp_path / "data"
    env = demo_env(data_dir, BTCTURK_TIMEOUT_SECONDS="120")  # a stop that waited: 2 minutes
    terminal = Terminal(data_dir, env)
    try:
        terminal.read_until("Ctrl-D or Ctrl-C quits.")
        terminal.type("!candles hang\n")
        terminal.read_until("now gets no answer")
        terminal.type("/pnl\n")
        terminal.read_until("/pnl\r\n")  # echoed: the demo has it, the chart server holds it
        terminal.type("\x03")
        code = terminal.exit_code(within=30.0)
    finally:
        terminal.close()

    output = terminal.output
    assert code == 0, output
    assert "Demo stopped." in output.rstrip().splitlines()[-1]  # after the ^C echoed
    assert "Traceback" not in output
