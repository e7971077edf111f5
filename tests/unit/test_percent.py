"""Tests for core/percent.py: one percentage rule for every figure shown in percent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from balance_bot.core.percent import HUNDRED, percent_of

D = Decimal


def test_a_part_is_its_share_of_the_whole_in_percent() -> None:
    assert percent_of(D("25"), D("200")) == D("12.5")
    assert percent_of(D("-5"), D("200")) == D("-2.5")
    assert percent_of(D("300"), D("200")) == D("150")
    assert percent_of(D("0"), D("7")) == 0


def test_it_divides_first_then_scales_as_every_figure_did() -> None:
    # the same digits as the division the figures were computed with before: a third is
    # 33.33…33 to the context's 28 digits, not 33.33…3 with one digit less
    third = percent_of(D(1), D(3))

    assert third == D(1) / D(3) * HUNDRED
    assert str(third) == "33.33333333333333333333333333"


def test_a_negative_whole_keeps_the_sign_arithmetic() -> None:
    assert percent_of(D("10"), D("-40")) == D("-25")


@pytest.mark.parametrize("part", [D(0), D(5)])
def test_a_share_of_nothing_is_refused_not_made_up(part: Decimal) -> None:
    with pytest.raises(ZeroDivisionError):
        percent_of(part, D(0))
