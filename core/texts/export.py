"""The /export document's words: column titles, record types, and the message around it."""

from __future__ import annotations

from core.export import KINDS, CsvLabels
from core.i18n import View


def export_labels(quote: str, view: View) -> CsvLabels:
    """Return the document's column titles and record types in the chat's language."""
    return CsvLabels(
        columns=tuple(view.t("export.columns", quote=quote).split("|")),
        daily_columns=tuple(view.t("export.daily_columns", quote=quote).split("|")),
        kinds={kind: view.t(f"export.kind.{kind}") for kind in KINDS},
    )


def export_caption(year: int, count: int, view: View) -> str:
    """Return the message sent with the document."""
    return view.t("export.caption", year=year, count=count)


def export_usage(view: View) -> str:
    """Return how /export is used."""
    return view.t("export.usage")
