from __future__ import annotations

import io
import subprocess
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from balance_bot.core.chart_data import OTHER, HistoryPoint, LineGap, Slice, allocation
from balance_bot.core.i18n import Lang, View, get_lang
from balance_bot.core.summary import DailyPortfolio
from balance_bot.core.texts.chart import bar_label, line_note
from balance_bot.core.valuation import value_portfolio
from balance_bot.services.charts import chart_png, render_portfolio_chart
from tests.kit.account import AS_OF, balance, documented_balances, documented_tickers, ticker

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 150 * 1024
TODAY = date(2026, 11, 25)
ROOT = Path(__file__).resolve().parents[2]


def documented_slices() -> list[Slice]:
    return allocation(value_portfolio(documented_balances(), documented_tickers(), "TRY", AS_OF))


def days_of_history(count: int) -> list[HistoryPoint]:
    return [
        HistoryPoint(TODAY - timedelta(days=n), Decimal("34216101.93") + Decimal(n * 150_000.5))
        for n in reversed(range(count))
    ]


def chunks(png: bytes) -> list[bytes]:
    """Return the PNG's chunk types in order."""
    found, offset = [], len(PNG_SIGNATURE)
    while offset < len(png):
        length = int.from_bytes(png[offset : offset + 4], "big")
        found.append(png[offset + 4 : offset + 8])
        offset += 12 + length
    return found


def assert_is_phone_sized_png(png: bytes) -> None:
    assert png.startswith(PNG_SIGNATURE)
    assert len(png) < MAX_BYTES
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        width, height = image.size
    assert abs(width - 800) <= 8
    assert abs(height - 1000) <= 10


@pytest.mark.parametrize("points", [0, 1, 2, 30])
def test_chart_renders_with_any_length_of_history(points: int) -> None:
    png = render_portfolio_chart(documented_slices(), days_of_history(points), "TRY")

    assert_is_phone_sized_png(png)


def test_chart_renders_with_forty_assets() -> None:
    balances = [balance(f"C{i:02}", str(140 - i)) for i in range(40)]  # each over 1%
    tickers = [ticker(f"C{i:02}", "TRY", "1000") for i in range(40)]
    portfolio = value_portfolio(balances, tickers, "TRY", AS_OF)
    capped = allocation(portfolio)
    every_one = allocation(portfolio, max_slices=40)

    assert capped[-1].label == OTHER
    assert len(every_one) == 40
    for slices in (capped, every_one):
        assert_is_phone_sized_png(render_portfolio_chart(slices, days_of_history(30), "TRY"))


def test_chart_of_an_empty_account_still_renders() -> None:
    assert_is_phone_sized_png(render_portfolio_chart([], [], "TRY"))


def test_chart_is_deterministic_and_carries_no_metadata() -> None:
    first = render_portfolio_chart(documented_slices(), days_of_history(5), "TRY")
    second = render_portfolio_chart(documented_slices(), days_of_history(5), "TRY")

    assert first == second
    assert not {b"tEXt", b"iTXt", b"zTXt", b"tIME"} & set(chunks(first))
    assert b"matplotlib" not in first


def test_turkish_chart_differs_only_by_how_numbers_are_written() -> None:
    english = render_portfolio_chart(documented_slices(), days_of_history(5), "TRY")
    turkish = render_portfolio_chart(
        documented_slices(), days_of_history(5), "TRY", lang=get_lang("tr")
    )

    assert english != turkish
    assert_is_phone_sized_png(turkish)


async def test_chart_png_draws_off_the_event_loop() -> None:
    threads: list[int] = []

    def spy(
        slices: Sequence[Slice],
        history: Sequence[HistoryPoint],
        quote: str,
        *,
        lang: Lang,
        note: str = "",
        title: str = "",
    ) -> bytes:
        threads.append(threading.get_ident())
        return render_portfolio_chart(slices, history, quote, lang=lang, note=note, title=title)

    portfolio = value_portfolio(documented_balances(), documented_tickers(), "TRY", AS_OF)
    history = [
        DailyPortfolio(TODAY - timedelta(days=n), Decimal(34_000_000 + n), {}) for n in range(3)
    ]
    view = View(
        get_lang("en"), ZoneInfo("Europe/Istanbul"), datetime(2026, 11, 25, 11, 40, tzinfo=UTC)
    )

    png = await chart_png(portfolio, history, view, summary_at=time(9, 0), render=spy)

    assert_is_phone_sized_png(png)
    assert threads
    assert threads[0] != threading.get_ident()


@pytest.mark.slow
def test_start_up_does_not_import_matplotlib() -> None:
    code = (
        "import sys, balance_bot.__main__, balance_bot.app, balance_bot.handlers.chart\n"
        "import balance_bot.services.charts, balance_bot.services.summaries\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'numpy'))\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr


def test_a_bar_is_labelled_with_its_share_as_the_language_writes_a_percentage() -> None:
    share, value = Decimal("12.3"), Decimal("123456789.12")

    assert bar_label(share, value, get_lang("tr")) == "%12,30 · 123.456.789"
    assert bar_label(share, value, get_lang("en")) == "12.30% · 123,456,789"


def test_the_note_says_why_the_line_is_empty_in_each_language() -> None:
    gap = LineGap(kept=0, kept_from=None, history_from=date(2024, 9, 17))

    english = line_note(gap, get_lang("en"), time(9, 0)).splitlines()
    turkish = line_note(gap, get_lang("tr"), time(9, 0)).splitlines()

    assert english == [
        "No line yet: the bot keeps one total a day, at the daily summary (09:00), from the day"
        " it starts; 0 kept so far.",
        "Your history on record starts 17 Sep 2024; the days before the bot's first are not drawn.",
    ]
    assert turkish[1].startswith("Kayıtlı geçmişiniz 17 Eyl 2024 tarihinde başlıyor")


def test_the_note_of_a_short_line_names_its_first_day_and_a_lost_price() -> None:
    gap = LineGap(kept=3, kept_from=date(2026, 11, 21), history_from=None, unpriced=("GLMR",))

    assert line_note(gap, get_lang("en"), time(8, 30)).splitlines() == [
        "The line starts on 21 Nov 2026: the bot keeps one total a day, at the daily summary"
        " (08:30), from the day it starts.",
        "A day's total is not kept while a held asset has lost its price: GLMR now.",
    ]


async def test_a_fresh_install_draws_the_reason_in_place_of_the_line() -> None:
    notes: list[str] = []

    def spy(
        slices: Sequence[Slice],
        history: Sequence[HistoryPoint],
        quote: str,
        *,
        lang: Lang,
        note: str = "",
        title: str = "",
    ) -> bytes:
        notes.append(note)
        return render_portfolio_chart(slices, history, quote, lang=lang, note=note, title=title)

    portfolio = value_portfolio(documented_balances(), documented_tickers(), "TRY", AS_OF)
    view = View(
        get_lang("en"), ZoneInfo("Europe/Istanbul"), datetime(2026, 11, 25, 11, 40, tzinfo=UTC)
    )

    png = await chart_png(
        portfolio, [], view, summary_at=time(9, 0), history_from=date(2024, 9, 17), render=spy
    )

    assert_is_phone_sized_png(png)
    [note] = notes
    assert note.startswith("No line yet: the bot keeps one total a day")
    assert "Your history on record starts 17 Sep 2024" in note


def test_the_value_lines_shade_reaches_the_axis_under_both_lines() -> None:
    """The shade under the value stopped at its lowest day, a band floating over the axis and
    over the net invested line below it."""
    import numpy
    from matplotlib.figure import Figure

    from balance_bot.services.chart_lines import draw_line

    start = date(2026, 11, 6)
    history = [
        HistoryPoint(
            start + timedelta(days=i), Decimal(32_400_000 + 60_000 * i), Decimal(29_900_000)
        )
        for i in range(30)
    ]
    axes = Figure().add_subplot()
    draw_line(axes, history, "TRY", get_lang("en"), "")

    [shade] = axes.collections
    lowest = min(float(numpy.asarray(path.vertices)[:, 1].min()) for path in shade.get_paths())
    floor, _ = axes.get_ylim()
    assert lowest == floor < 29_900_000
