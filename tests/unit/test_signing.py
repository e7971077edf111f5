"""Tests for btcturk.signing: the HMAC signature, headers, secret decoding and stamps."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from balance_bot.btcturk.signing import StampClock, auth_headers, decode_secret, signature

API_KEY = "example-public-key"
RAW_SECRET = b"example-secret-bytes-0123456789"
SECRET_B64 = "ZXhhbXBsZS1zZWNyZXQtYnl0ZXMtMDEyMzQ1Njc4OQ=="
STAMP_MS = 1735866257711
# Computed once with `openssl dgst -sha256 -hmac ... -binary | base64` on the values above.
EXPECTED_SIGNATURE = "08r9O+r4uTrr0xYrCnE0HZY+h6jOiEplYDwGgkP9jlg="


def test_decode_secret_returns_raw_key() -> None:
    assert decode_secret(SECRET_B64) == RAW_SECRET
    assert decode_secret(f"  {SECRET_B64}\n") == RAW_SECRET


def test_signature_matches_fixed_vector() -> None:
    assert signature(API_KEY, RAW_SECRET, STAMP_MS) == EXPECTED_SIGNATURE


def test_signature_matches_independent_computation() -> None:
    message = f"{API_KEY}{STAMP_MS}".encode()
    digest = hmac.new(base64.b64decode(SECRET_B64), message, hashlib.sha256).digest()
    assert signature(API_KEY, decode_secret(SECRET_B64), STAMP_MS) == base64.b64encode(
        digest
    ).decode("ascii")


def test_signature_changes_with_stamp() -> None:
    assert signature(API_KEY, RAW_SECRET, STAMP_MS + 1) != EXPECTED_SIGNATURE


def test_auth_headers_carry_key_stamp_and_signature() -> None:
    assert auth_headers(API_KEY, RAW_SECRET, STAMP_MS) == {
        "X-PCK": API_KEY,
        "X-Stamp": "1735866257711",
        "X-Signature": EXPECTED_SIGNATURE,
        "Content-Type": "application/json",
    }


@pytest.mark.parametrize(
    "secret",
    ["not base64!", "abc", "ZXhhbXBsZQ=", "Z" * 10 + "\u00e7", "", "   "],
)
def test_invalid_secret_is_a_clear_error_without_the_secret(secret: str) -> None:
    with pytest.raises(ValueError, match="secret") as info:
        decode_secret(secret)
    message = str(info.value)
    assert secret.strip() == "" or secret not in message
    assert info.value.__cause__ is None


def test_stamps_in_the_same_millisecond_are_distinct_and_increasing() -> None:
    clock = StampClock(lambda: 1_700_000_000.0)
    stamps = [clock.stamp() for _ in range(5)]
    assert stamps == [1_700_000_000_000 + n for n in range(5)]


def test_stamps_follow_the_clock_and_add_the_offset() -> None:
    now = [1_700_000_000.0]
    clock = StampClock(lambda: now[0], offset_ms=2500)
    assert clock.stamp() == 1_700_000_002_500
    now[0] += 1.0
    assert clock.stamp() == 1_700_000_003_500
    clock.offset_ms = -1000
    assert clock.stamp() == 1_700_000_000_001


def test_stamps_do_not_go_back_when_the_local_clock_does() -> None:
    now = [1_700_000_000.5]
    clock = StampClock(lambda: now[0])
    first = clock.stamp()
    now[0] -= 3.0
    assert clock.stamp() == first + 1


@given(st.lists(st.floats(min_value=1e9, max_value=2e9), min_size=2, max_size=50))
def test_stamps_strictly_increase_for_any_clock(times: list[float]) -> None:
    readings = iter(times)
    clock = StampClock(lambda: next(readings), offset_ms=-7)
    stamps = [clock.stamp() for _ in times]
    assert all(later > earlier for earlier, later in itertools.pairwise(stamps))


def test_a_step_of_the_local_clock_is_seen_and_a_new_offset_follows_it() -> None:
    wall, mono = [1_700_000_000.0], [500.0]
    clock = StampClock(lambda: wall[0], monotonic=lambda: mono[0])
    first = clock.stamp()
    wall[0] -= 3600.0  # stepped back an hour; no real time passed
    assert clock.stepped_s() == -3600.0
    assert clock.stamp() == first + 1  # held: never below the last stamp

    clock.offset_ms = 3_600_000  # measured again
    assert clock.stepped_s() == 0.0
    assert clock.stamp() == first + 2  # the new offset, not an hour ahead of it
    wall[0] += 1.0
    mono[0] += 1.0
    assert clock.stamp() == first + 1000
    assert clock.stepped_s() == 0.0
