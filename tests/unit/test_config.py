from __future__ import annotations

import subprocess
import sys
from datetime import time
from pathlib import Path

import pytest

from balance_bot.__main__ import main
from balance_bot.config import ConfigError, load_settings, read_environment
from balance_bot.core.notify import Level

ROOT = Path(__file__).resolve().parents[2]
VALID = {
    "TELEGRAM_BOT_TOKEN": "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
    "ALLOWED_CHAT_IDS": "111, -1001234567890",
    "BTCTURK_API_KEY": "public-key-1234",
    "BTCTURK_API_SECRET": "c2VjcmV0LWtleS1ieXRlcw==",
}


def test_defaults() -> None:
    settings = load_settings(VALID)

    assert settings.allowed_chat_ids == frozenset({111, -1001234567890})
    assert settings.telegram_base_url == "https://api.telegram.org/bot"
    assert settings.btcturk_api_url == "https://api.btcturk.com"
    assert settings.quote_currency == "TRY"
    assert settings.timezone.key == "Europe/Istanbul"
    assert settings.data_dir == Path("data")
    assert settings.poll_interval_s == 60
    assert settings.notify_order_changes is Level.SILENT
    assert settings.daily_summary_time == time(9, 0)
    assert settings.history_backfill_delay_s == 120
    assert settings.history_backfill_pace_s == 1


def test_overrides() -> None:
    settings = load_settings(
        VALID
        | {
            "TELEGRAM_API_URL": "http://127.0.0.1:8081/",
            "QUOTE_CURRENCY": "usdt",
            "TIMEZONE": "UTC",
            "POLL_INTERVAL_SECONDS": "1",
            "NOTIFY_ORDER_CHANGES": "yes",
            "DAILY_SUMMARY_TIME": "7:30",
            "LOG_LEVEL": "debug",
            "HISTORY_BACKFILL_DELAY_SECONDS": "0",
            "HISTORY_BACKFILL_PACE_SECONDS": "0",
        }
    )

    assert settings.telegram_base_url == "http://127.0.0.1:8081/bot"
    assert settings.quote_currency == "USDT"
    assert settings.poll_interval_s == 1
    assert settings.notify_order_changes is Level.ON
    assert settings.daily_summary_time == time(7, 30)
    assert settings.log_level == "DEBUG"
    assert settings.history_backfill_delay_s == 0
    assert settings.history_backfill_pace_s == 0


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TELEGRAM_BOT_TOKEN", ""),
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("ALLOWED_CHAT_IDS", ""),
        ("ALLOWED_CHAT_IDS", "12,abc"),
        ("BTCTURK_API_KEY", " "),
        ("BTCTURK_API_SECRET", "not base64!"),
        ("TELEGRAM_API_URL", "ftp://x"),
        ("QUOTE_CURRENCY", "T R Y"),
        ("TIMEZONE", "Mars/Olympus"),
        ("LOG_LEVEL", "LOUD"),
        ("POLL_INTERVAL_SECONDS", "0"),
        ("POLL_INTERVAL_SECONDS", "1.5"),
        ("NOTIFY_ORDER_CHANGES", "maybe"),
        ("DAILY_SUMMARY_TIME", "25:00"),
        ("HISTORY_BACKFILL_DELAY_SECONDS", "-1"),
        ("HISTORY_BACKFILL_PACE_SECONDS", "61"),
    ],
)
def test_bad_variable_is_named(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(VALID | {name: value})

    assert caught.value.variable == name
    assert str(caught.value).startswith(f"{name}: ")


def test_secrets_stay_out_of_repr_and_errors() -> None:
    settings = load_settings(VALID)

    assert VALID["TELEGRAM_BOT_TOKEN"] not in repr(settings)
    assert VALID["BTCTURK_API_SECRET"] not in repr(settings)
    with pytest.raises(ConfigError) as caught:
        load_settings(VALID | {"BTCTURK_API_SECRET": "sekret!!"})
    assert "sekret" not in str(caught.value)


@pytest.mark.slow
def test_bad_configuration_stops_start_up_with_one_line_and_exit_code_2(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **VALID, "ALLOWED_CHAT_IDS": "me"}
    env["ENV_FILE"] = "none"

    result = subprocess.run(
        [sys.executable, "-m", "balance_bot"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Configuration error: ALLOWED_CHAT_IDS: 'me' is not a chat ID (an integer)"
    ]


# The env file


def test_the_env_file_of_the_working_directory_is_read_under_the_environment(
    tmp_path: Path,
) -> None:
    (tmp_path / ".env").write_text("LANGUAGE=en\nQUIET_HOURS=23:00-07:00\nEMPTY\n", "utf-8")
    env = read_environment({"LANGUAGE": "tr", "X": "1"}, tmp_path)
    assert env == {"LANGUAGE": "tr", "QUIET_HOURS": "23:00-07:00", "X": "1"}


def test_no_env_file_is_no_setting(tmp_path: Path) -> None:
    assert read_environment({"X": "1"}, tmp_path) == {"X": "1"}


def test_env_file_none_reads_no_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("GROUP_MEMBERS=everyone\n", encoding="utf-8")
    assert read_environment({"ENV_FILE": "none"}, tmp_path) == {"ENV_FILE": "none"}


def test_env_file_names_another_file_and_a_missing_one_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "bot.env").write_text("LANGUAGE=en\n", encoding="utf-8")
    assert read_environment({"ENV_FILE": "bot.env"}, tmp_path)["LANGUAGE"] == "en"
    # The path is cut to 80 characters: the test's own directory may leave no room for the name.
    with pytest.raises(ConfigError, match=r"^ENV_FILE: cannot read '/.*' \(FileNotFoundError\)$"):
        read_environment({"ENV_FILE": "missing.env"}, tmp_path)
    with pytest.raises(ConfigError, match=r"cannot read '.*missing\.env'"):
        read_environment({"ENV_FILE": "missing.env"}, Path("/"))


def test_an_env_file_beside_the_code_or_above_the_working_directory_is_not_read(
    tmp_path: Path,
) -> None:
    (tmp_path / ".env").write_text("GROUP_MEMBERS=everyone\n", encoding="utf-8")
    below = tmp_path / "run"
    below.mkdir()
    assert read_environment({}, below) == {}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LANGUAGE", "de", "LANGUAGE: must be one of tr, en"),
        ("WEBSOCKET", "on", "WEBSOCKET: must be one of auto, off"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT: must be one of text, json"),
        ("GROUP_MEMBERS", "all", "GROUP_MEMBERS: must be one of read, none"),
        ("COST_BASIS", "lifo", "COST_BASIS: must be one of average, fifo"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL: must be one of DEBUG, INFO, WARNING, ERROR"),
    ],
)
def test_a_choice_error_names_the_values_as_the_docs_write_them(
    name: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(VALID | {name: value})
    assert str(caught.value) == message


def test_choices_are_read_in_any_case() -> None:
    settings = load_settings(VALID | {"LANGUAGE": "EN", "COST_BASIS": "Fifo", "LOG_LEVEL": "info"})
    assert (settings.language, settings.cost_basis, settings.log_level) == ("en", "fifo", "INFO")


# No env file: the first line a new user sees says where the settings go


@pytest.mark.parametrize("argv", [["--check"], []], ids=["check", "start"])
def test_no_env_file_in_the_working_directory_says_to_copy_the_example(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("ENV_FILE", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    assert main(argv) == 2
    assert capsys.readouterr().err.splitlines() == [
        "Configuration error: TELEGRAM_BOT_TOKEN: is not set (see .env.example)",
        f"No .env file in {tmp_path}: copy .env.example to .env there and fill it in.",
    ]


@pytest.mark.parametrize("env_file", ["none", "bot.env", ""])
def test_an_env_file_named_or_found_says_nothing_of_the_example(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env_file: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    (tmp_path / (env_file or ".env")).write_text("LANGUAGE=en\n", encoding="utf-8")
    monkeypatch.setenv("ENV_FILE", env_file)

    assert main(["--check"]) == 2
    assert "No .env file" not in capsys.readouterr().err


def test_a_malformed_setting_from_the_environment_says_nothing_of_the_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every setting given in the environment, one of them malformed: the line about a
    missing .env sent the owner looking for the wrong fault."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ENV_FILE", raising=False)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "not-a-token")

    assert main(["--check"]) == 2
    errors = capsys.readouterr().err
    assert errors.startswith("Configuration error: TELEGRAM_BOT_TOKEN:")
    assert "No .env file" not in errors
