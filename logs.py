"""Logging set-up: one line per event, third parties quiet, secrets masked everywhere."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

MASK = "[redacted]"
QUIET_LIBRARIES = ("httpx", "httpcore", "apscheduler", "aiohttp.access")


class RedactSecrets(logging.Filter):
    """Replace every known secret in a log record's final text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the record's message and traceback with the secrets masked."""
        message = self._mask(record.getMessage())
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._mask(record.exc_text)
        record.exc_info = None if record.exc_text else record.exc_info
        record.msg, record.args = message, None
        return True

    def _mask(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text


def configure_logging(level: str, secrets: Iterable[str]) -> None:
    """Send logs to stderr at `level`, with secrets masked and noisy libraries quiet."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
