"""Why BTCTurk refused the API key, as its answer tells: the likely cause, for the owner. Pure.

The exchange words its refusals of a signed request (api-facts.md, broker-api-docs):

    "Unauthorized - Invalid Nonce"        the stamp: this server's clock is off
    "Unauthorized - Invalid Public key"   a key BTCTurk does not know: deleted, or mistyped
    "Invalid Signature"                   the secret does not go with the key
    "Unauthorized - Invalid Request"      the secret not base64-decoded, or an account not verified
    ""  (an empty 401)                    users saw it for a key bound to another IP and for a
                                          permission the key lacks

GUESS: no refusal that names the IP has been published; one that mentions an IP ("IP address
not allowed") is read as such, and an address in it is kept, so the owner is told which one to
bind. Nothing here ever holds the key or the secret: only the exchange's words.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Literal

KeyRefusal = Literal["timestamp", "ip", "key", "secret", "permission", "unknown"]

_IP_WORD = re.compile(r"\bip\b", re.IGNORECASE)
_ADDRESS = re.compile(r"[0-9A-Fa-f:.]{7,45}")


def key_refusal(words: str) -> KeyRefusal:
    """Return the likely cause of a refused signed request, from the exchange's `words`."""
    text = words.lower()
    if "nonce" in text or "timestamp" in text:
        return "timestamp"
    if _IP_WORD.search(text) or "ip address" in text:
        return "ip"
    if "signature" in text or "invalid request" in text:
        return "secret"
    if "public key" in text:
        return "key"
    if "permission" in text:
        return "permission"
    return "unknown"


def named_address(words: str) -> str | None:
    """Return the IP address a refusal names, if it names one."""
    for candidate in _ADDRESS.findall(words):
        try:
            return str(ipaddress.ip_address(candidate.strip(".:")))
        except ValueError:
            continue
    return None
