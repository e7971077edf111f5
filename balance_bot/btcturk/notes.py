"""Remember what BTCTurk sent that the documentation does not lead one to expect.

A real answer may lack an optional field in every row, or carry one odd row among hundreds,
at every poll. That is worth one WARNING a day per kind, and a line in /status, never a log
line per poll. The line lasts while the endpoint's latest answer still has it: the balances
and the ticker answer the whole account and every pair each time, so a kind missing from
their latest answer is over; the history's pages are windows read once, so their kinds are
shown for the day.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from balance_bot.btcturk.models import DataNote, NoteEndpoint, NoteKind

log = logging.getLogger("btcturk")

DAY_S = 86_400.0
_SHOWN_SUBJECTS = 5

Kind = tuple[str, NoteKind, str]  # endpoint, kind, field
WHOLE_ANSWERS: frozenset[str] = frozenset({"balances", "tickers", "exchangeinfo"})  # all each time


@dataclass(frozen=True, slots=True)
class NoteSummary:
    """One kind of surprise seen in the last day, and the assets or pairs it concerned."""

    endpoint: str
    kind: NoteKind
    field: str
    subjects: tuple[str, ...]


class DataNotes:
    """Collect data notes; log each kind once a day; summarise the last day for /status."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._seen: dict[Kind, tuple[float, set[str]]] = {}
        self._warned: dict[Kind, float] = {}

    def record(self, notes: Iterable[DataNote], *, answer_of: NoteEndpoint) -> None:
        """Take the notes of one answer of `answer_of`; warn about kinds not warned about in
        the last day. An answer of the whole account or of every pair replaces what the
        endpoint's answer before it noted."""
        now = self._monotonic()
        if answer_of in WHOLE_ANSWERS:
            for kind in [kind for kind in self._seen if kind[0] == answer_of]:
                del self._seen[kind]
        fresh: dict[Kind, set[str]] = {}
        for note in notes:
            kind = (note.endpoint, note.kind, note.field)
            _, subjects = self._seen.get(kind, (now, set()))
            subjects.add(note.subject)
            self._seen[kind] = (now, subjects)
            if now - self._warned.get(kind, -DAY_S) >= DAY_S:
                fresh.setdefault(kind, set()).add(note.subject)
        for (endpoint, what, field), new_subjects in fresh.items():
            self._warned[(endpoint, what, field)] = now
            log.warning(
                "BTCTurk %s: %s %r for %s (said once a day)",
                endpoint,
                _WHAT[what],
                field,
                _listing(new_subjects),
            )

    def summary(self) -> list[NoteSummary]:
        """Return the kinds seen in the last day, in a stable order."""
        now = self._monotonic()
        recent = [
            NoteSummary(endpoint, kind, field, tuple(sorted(subjects)))
            for (endpoint, kind, field), (at, subjects) in self._seen.items()
            if now - at < DAY_S
        ]
        return sorted(recent, key=lambda s: (s.endpoint, s.kind, s.field))


_WHAT: dict[NoteKind, str] = {
    "missing": "rows without",
    "defaulted": "a default taken for",
    "derived": "derived",
    "type": "an unexpected type in",
    "skipped": "rows skipped, unusable",
}


def _listing(subjects: set[str]) -> str:
    names = sorted(s or "?" for s in subjects)
    shown = ", ".join(names[:_SHOWN_SUBJECTS])
    more = len(names) - _SHOWN_SUBJECTS
    return f"{shown} and {more} more" if more > 0 else shown
