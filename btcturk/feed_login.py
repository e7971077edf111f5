"""The login message (type 114) of BTCTurk's private WebSocket feed. Pure, no I/O.

    [114, {"type": 114, "publicKey": key, "timestamp": ms, "nonce": n, "signature": s}]
    s = base64(HMAC-SHA256(key=base64decode(secret), message=utf8(key + str(n))))

The timestamp is offset-corrected like a REST stamp; it is sent but not signed. The
documentation's sample signs a constant nonce (3000); published user reports disagree on
what the server accepts, so this is the one place to change the recipe.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from btcturk.signing import decode_secret

LOGIN = 114
DEFAULT_NONCE = 3000


def login_signature(public_key: str, secret: bytes, nonce: int = DEFAULT_NONCE) -> str:
    """Return the signature of a login with `nonce`, from the raw (decoded) secret."""
    message = (public_key + str(nonce)).encode("utf-8")
    return base64.b64encode(hmac.new(secret, message, hashlib.sha256).digest()).decode("ascii")


def login_message(
    public_key: str, secret: str | bytes, timestamp_ms: int, nonce: int = DEFAULT_NONCE
) -> list[object]:
    """Return the login frame to send as JSON; `secret` is the base64 text or its raw bytes.

    Raises ValueError when a text secret is not base64 (the message never holds the secret).
    """
    raw = decode_secret(secret) if isinstance(secret, str) else secret
    return [
        LOGIN,
        {
            "type": LOGIN,
            "publicKey": public_key,
            "timestamp": timestamp_ms,
            "nonce": nonce,
            "signature": login_signature(public_key, raw, nonce),
        },
    ]
