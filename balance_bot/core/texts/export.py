"""The /export document's words: column titles, record types, reasons, and the message around
it: what the file holds, and what it leaves out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape, unescape

from balance_bot.btcturk.history import BOOKS, PAGE_CAP, Crowded
from balance_bot.core.commands import FIRST_YEAR, YearRefused
from balance_bot.core.export import CENT, GAPS, KINDS, CsvLabels, RealizedTotal, YearExport
from balance_bot.core.i18n import View
from balance_bot.core.texts.pnl import history_month, left_out

SHOWN = 5  # assets or moments named in full before "and N more"
CAPTION_LIMIT = 1024  # Telegram's, in characters of the caption as shown


def export_labels(quote: str, view: View) -> CsvLabels:
    """Return the document's column titles, record types and reasons in the chat's language."""
    return CsvLabels(
        columns=tuple(view.t("export.columns", quote=quote).split("|")),
        daily_columns=tuple(view.t("export.daily_columns", quote=quote).split("|")),
        kinds={kind: view.t(f"export.kind.{kind}") for kind in KINDS},
        gaps={gap: view.t(f"export.gap.{gap}", quote=quote) for gap in GAPS},
        seen=view.t("export.note.seen"),
        incomplete=lambda asset: view.t("export.note.incomplete", asset=asset),
    )


def export_notes(export: YearExport, quote: str, view: View) -> list[str]:
    """Return what the caption adds to the file's description, as HTML: the realized total
    and what it leaves out (as /pnl says it), the sum of its rounded rows when that differs,
    balances that could not be read, the moments BTCTurk could not return in full, a failed
    or refused last read.
    """
    notes = _realized(export.year, export.total, escape(quote), view)
    for book in BOOKS:
        moments = [c for c in export.crowded if c.book == book]
        if moments:
            notes.append(_crowded(book, moments, view))
    if export.read_until is not None:
        key = "export.stale_refused" if export.read_refused else "export.stale"
        notes.append(view.t(key, when=view.when(export.read_until)))
    return notes


def _realized(year: int, total: RealizedTotal, quote: str, view: View) -> list[str]:
    """Return the realized total's notes: the figure, or unknown, with what it leaves out."""
    left = total.left_out
    if len(left) > SHOWN:  # the caption stays short: the rows carry each asset's reason
        left = left[:SHOWN]
    assets = left_out(left, view)
    if len(total.left_out) > SHOWN:
        assets = view.t("export.and_more", names=assets, count=len(total.left_out) - SHOWN)
    if total.unknown:
        notes = [view.t("export.realized_unknown", year=year, assets=assets)]
    else:
        amount = view.lang.signed(total.amount, 2)
        key = "export.realized_left" if left else "export.realized"
        notes = [view.t(key, year=year, amount=amount, quote=quote, assets=assets)]
        notes += [
            view.t("export.counted_until", asset=escape(asset), when=view.when(_moment(at_ms)))
            for asset, at_ms in total.until
        ]
        if total.rows_sum != total.amount.quantize(CENT):
            rows = view.lang.signed(total.rows_sum, 2)
            notes.append(view.t("export.rows_sum", amount=rows, quote=quote))
    if not total.checked:
        notes.append(view.t("export.unchecked"))
    return notes


def csv_notes(notes: Sequence[str]) -> list[str]:
    """Return the caption's notes as the file's comment rows: plain text."""
    return [unescape(note) for note in notes]


def export_caption(
    export: YearExport, quote: str, notes: Sequence[str], view: View, *, daily: bool = True
) -> str:
    """Return the message sent with the document, within Telegram's caption limit: notes
    that do not fit are left to the file's comment rows, and the caption says so. `daily`:
    the file ends with daily portfolio values (the bot keeps one a day from its first)."""
    key = "export.caption" if daily else "export.caption_records"
    lines = [view.t(key, year=export.year, count=len(export.rows), quote=quote)]
    rest = view.t("export.more_in_file")
    for index, note in enumerate(notes):
        last = index == len(notes) - 1
        if _shown_length([*lines, note, *([] if last else [rest])]) > CAPTION_LIMIT:
            lines.append(rest)
            break
        lines.append(note)
    return "\n".join(lines)


def export_loading(first: datetime | None, view: View) -> str:
    """Say the history is still being read, and the oldest record found so far."""
    if first is None:
        return view.t("export.loading_start")
    return view.t("export.loading", month=history_month(first))


def export_usage(view: View, refused: YearRefused | None = None) -> str:
    """Return how /export is used, after why its year was `refused` (before BTCTurk opened,
    not started yet, not a year)."""
    if refused is None:
        return view.t("export.usage")
    reason = view.t(
        f"export.refused.{refused.problem}", text=escape(refused.text), first=FIRST_YEAR
    )
    return "\n".join([reason, view.t("export.usage")])


def _shown_length(lines: Sequence[str]) -> int:
    """Return the length Telegram counts: UTF-16 units of the text as shown."""
    text = unescape("\n".join(lines))
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)  # those take two units


def _moment(at_ms: int) -> datetime:
    return datetime.fromtimestamp(at_ms / 1000, UTC)


def _crowded(book: str, moments: Sequence[Crowded], view: View) -> str:
    times = [view.when(_moment(c.at_ms)) for c in moments]
    return view.t(
        "export.crowded",
        moments=_listing(times, view),
        cap=PAGE_CAP,
        what=view.t(f"export.what.{book}"),
    )


def _listing(names: Sequence[str], view: View) -> str:
    shown = ", ".join(names[:SHOWN])
    more = len(names) - SHOWN
    return view.t("export.and_more", names=shown, count=more) if more > 0 else shown
