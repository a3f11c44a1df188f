"""Materialised cells written directly (the contract the DHIS2 export reads), for the DHIS2
tests: a commune of Quảng Ngãi, first half of 2026, with visible and hidden cells."""

from __future__ import annotations

import datetime

from gbvms.indicators.models import IndicatorValue, IndicatorVersion

AS_OF = datetime.datetime(2026, 7, 5, 1, 0, tzinfo=datetime.UTC)  # 08:00 in Vietnam


def version(code: str) -> IndicatorVersion:
    return IndicatorVersion.objects.select_related("indicator").get(
        indicator__code=code, status="current"
    )


def cell(code, path, period="2026S1", disagg="", *, n=None, d=None, value=None, hidden=False):
    depth = len([p for p in path.split("/") if p])
    return IndicatorValue.objects.create(
        version=version(code),
        unit_path=path,
        level=["national", "province", "commune"][depth],
        period=period,
        disagg=disagg,
        n=n,
        d=d,
        value=value,
        hidden=hidden,
        hidden_reason="primary" if hidden else "",
        computed_at=AS_OF,
    )


def fill(path: str, period: str = "2026S1") -> None:
    """The world of the DHIS2 tests at ``path`` (see the expectations in test_dhis2.py)."""
    cell("R02", path, period, n=40, d=50, value=80.0)
    cell("R02", path, period, "AGE_VN=Y16_59;SEX=F", n=18, d=25, value=72.0)
    cell("R02", path, period, "SEX=F", n=30, d=38, value=78.9)
    cell("R02", path, period, "SEX=M", n=2, d=3, value=66.7, hidden=True)
    cell("R02", path, period, "SEX=X", n=8, d=9, value=88.9, hidden=True)  # complementary
    cell("R02", path, period, "ETH=KINH", n=20, d=25, value=80.0)  # province and up only
    cell("R01", path, period, n=12, value=12)
    cell("R01", path, period, "SEX=M", n=3, value=3, hidden=True)
    cell("R01", path, period, "GBV6=UNK", n=0, value=0)  # a true zero is sent
    cell("R09", path, period, n=40, value=10.5)
    cell("R13", path, period, "PSEX=F", n=6, value=6)
    cell("R02", path, "2026S2", n=1, d=1, value=100.0)  # another period
