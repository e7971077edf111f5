"""Tests for btcturk.feed_login: the login frame (type 114) of the private WebSocket feed."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

from balance_bot.btcturk.feed_login import (
    DEFAULT_NONCE,
    LOGIN,
    login_message,
    login_signature,
    refusal_reason,
)
from balance_bot.fakes.seed import DEMO_API_KEY, DEMO_API_SECRET

API_KEY = "example-public-key"
RAW_SECRET = b"example-secret-bytes-0123456789"
SECRET_B64 = "ZXhhbXBsZS1zZWNyZXQtYnl0ZXMtMDEyMzQ1Njc4OQ=="
STAMP_MS = 1735866257711
# Computed once with `openssl dgst -sha256 -hmac <secret> -binary | base64` of key + nonce.
SIGNATURE_NONCE_3000 = "cQMU29/sNgrKdbSx/YEyOo5UbO5eZ3sK/4dPSFYxApQ="
SIGNATURE_NONCE_1 = "gGqpq44XwvljB0QmI8qxfADjUzVEwuGd/NYFjPkh67I="
# The demo account's, with `openssl dgst -mac HMAC -macopt hexkey:<decoded secret>`.
DEMO_SIGNATURE = "kXUW9m2CdZhuQIZSo67rEZpwHmtUMSsFw2EAR+qV5m4="


def hmac_sha256_by_hand(key: bytes, message: bytes) -> bytes:
    """HMAC-SHA256 from RFC 2104, without the hmac module."""
    block = 64
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key) + message).digest()
    return hashlib.sha256(bytes(b ^ 0x5C for b in key) + inner).digest()


def test_login_frame_has_the_documented_shape() -> None:
    frame = login_message(API_KEY, SECRET_B64, STAMP_MS)
    assert frame == [
        LOGIN,
        {
            "type": 114,
            "publicKey": API_KEY,
            "timestamp": STAMP_MS,
            "nonce": 3000,
            "signature": SIGNATURE_NONCE_3000,
        },
    ]
    assert DEFAULT_NONCE == 3000
    assert json.loads(json.dumps(frame)) == frame  # plain JSON, integers stay integers


def test_signature_matches_fixed_vectors() -> None:
    assert login_signature(API_KEY, RAW_SECRET) == SIGNATURE_NONCE_3000
    assert login_signature(API_KEY, RAW_SECRET, 1) == SIGNATURE_NONCE_1
    demo = login_message(DEMO_API_KEY, DEMO_API_SECRET, STAMP_MS)[1]
    assert isinstance(demo, dict)
    assert demo["signature"] == DEMO_SIGNATURE


@pytest.mark.parametrize("nonce", [0, 1, 3000, 987654])
def test_signature_matches_independent_computation(nonce: int) -> None:
    digest = hmac_sha256_by_hand(base64.b64decode(SECRET_B64), f"{API_KEY}{nonce}".encode())
    body = login_message(API_KEY, SECRET_B64, STAMP_MS, nonce)[1]
    assert isinstance(body, dict)
    assert body["nonce"] == nonce
    assert body["signature"] == base64.b64encode(digest).decode("ascii")


def test_timestamp_is_sent_but_not_signed() -> None:
    early = login_message(API_KEY, SECRET_B64, STAMP_MS)[1]
    late = login_message(API_KEY, SECRET_B64, STAMP_MS + 60_000)[1]
    assert isinstance(early, dict)
    assert isinstance(late, dict)
    assert (early["timestamp"], late["timestamp"]) == (STAMP_MS, STAMP_MS + 60_000)
    assert early["signature"] == late["signature"]


def test_raw_and_base64_secrets_sign_alike() -> None:
    assert login_message(API_KEY, RAW_SECRET, STAMP_MS) == login_message(
        API_KEY, SECRET_B64, STAMP_MS
    )


def test_secret_not_base64_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValueError, match="not valid base64") as caught:
        login_message(API_KEY, "not*base64!", STAMP_MS)
    assert "not*base64!" not in str(caught.value)


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("Unauthorized - Invalid Timestamp", "timestamp"),
        ("Unauthorized - Invalid Nonce", "timestamp"),
        ("Unauthorized - Invalid Public key", "permission"),  # the documented WebSocket refusal
        ("Unauthorized - permission denied", "permission"),
        ("Unauthorized - Invalid Signature", "key"),
        ("Unauthorized - Invalid Request", "key"),
        ("Unauthorized - Headers are missing", "key"),
        ("Unauthorized - IP not allowed", "ip"),
        ("login refused", "other"),
        ("", "other"),
    ],
)
def test_a_refusal_says_why_as_the_exchange_words_it(message: str, reason: str) -> None:
    assert refusal_reason(message) == reason
