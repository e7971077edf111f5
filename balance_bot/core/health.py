"""The health check's answer: healthy or not, and the one line that explains it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Health:
    """The health check's answer and the one line that explains it."""

    healthy: bool
    reason: str
