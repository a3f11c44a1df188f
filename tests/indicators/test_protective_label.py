"""A cell hidden to protect another is not labelled as small: "<5" says the value is 1–4, which
is false for a large cell hidden by complementary suppression (it reads "ẩn", hidden)."""

from __future__ import annotations

import pytest

from gbvms.indicators import pages, selectors, xlsx
from gbvms.indicators.models import IndicatorValue, IndicatorVersion
from tests.indicators.test_api_values import put


@pytest.mark.django_db
@pytest.mark.parametrize(("reason", "label"), [("primary", "<5"), ("complementary", "ẩn"),
                                               ("pending", "ẩn")])  # fmt: skip
def test_label_of_a_hidden_count(province, reason, label):
    n = 3 if reason == "primary" else 118
    cell = put("R01", "/51/", "2026", n, hidden=True)
    IndicatorValue.objects.filter(pk=cell.pk).update(hidden_reason=reason)
    cell.refresh_from_db()
    version = IndicatorVersion.objects.get(indicator__code="R01", status="current")
    figure = pages.figure(version, cell, selectors.SUPPRESSED)
    assert (figure.text, figure.numerator_text) == (label, label)
    assert str(n) not in figure.text
    (row,) = [r for r in selectors.export_rows("/51/", "2026") if r.indicator.code == "R01"]
    assert row.hidden
    assert row.n is None
    assert row.protective == (reason != "primary")
    shown = xlsx._figures("count", xlsx.Figures(hidden=True, protective=row.protective))[0]
    assert shown.value == label
    exact = pages.figure(version, cell, selectors.EXACT)
    assert exact.text == str(n)  # a supervisor's caseload: exact
