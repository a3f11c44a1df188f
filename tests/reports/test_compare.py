"""Comparisons: the live figure against the submitted one, the difference between two
snapshots, and the number of changes since the last approval."""

from __future__ import annotations

import pytest

from gbvms.indicators.worker import process_pending
from gbvms.reports.compare import changes_since_approval, live_changes, versions_diff
from gbvms.reports.models import Submission
from gbvms.reports.services_obligations import obligations_generate, submissions_open
from gbvms.reports.services_submissions import (
    submission_accept,
    submission_approve,
    submission_reopen,
    submission_return,
    submission_save_sections,
    submission_submit,
)
from tests.reports.conftest import YEAR
from tests.reports.test_prefill import cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(world, commune_a):
    cases(world.personas["worker_a"], commune_a, 5)
    process_pending()
    obligations_generate(plan=world.plan, actor=world.officer)
    submissions_open(year=YEAR)
    world.get = lambda: Submission.objects.get(obligation__submitter_agency=world.a, period="2026C")
    return world


def fig(row):
    return (row["numerator"], row["denominator"])


def write(cycle, key, text):
    draft = cycle.get()
    return submission_save_sections(actor=cycle.reporter_a, submission=draft,
                                    version=draft.version,
                                    sections=[{"key": key, "text": text}])  # fmt: skip


def test_live_changes_show_the_figure_now(cycle, commune_a):
    assert live_changes(cycle.get()) == []  # a draft has nothing sent to compare with
    submission_submit(actor=cycle.reporter_a, submission=cycle.get())
    assert live_changes(cycle.get()) == []
    cases(cycle.personas["worker_a"], commune_a, 1)
    process_pending()
    changes = live_changes(cycle.get())
    # one more victim detected: R01 counts it, and it is in R02's and R03's denominators
    assert [(c["indicator"], fig(c["snapshot"]), fig(c["live"])) for c in changes] == [
        ("R01", (5, None), (6, None)),
        ("R02", (0, 5), (0, 6)),
        ("R03", (0, 5), (0, 6)),
    ]
    assert changes[0]["name"] == "Số nạn nhân bạo lực trên cơ sở giới được phát hiện"


def test_versions_diff_lists_only_what_changed(cycle, commune_a):
    write(cycle, "data", "Số liệu quý I.")
    first = submission_submit(actor=cycle.reporter_a, submission=cycle.get())
    submission_return(actor=cycle.province_reporter, submission=cycle.get(), reason="Bổ sung.")
    write(cycle, "data", "Số liệu quý I và quý II.")
    cases(cycle.personas["worker_a"], commune_a, 2)
    process_pending()
    second = submission_submit(actor=cycle.reporter_a, submission=cycle.get())
    diff = versions_diff(first, second)
    assert diff["sections"] == [{"key": "data", "title": "III.6. Dữ liệu, thống kê",
                                 "before": "Số liệu quý I.",
                                 "after": "Số liệu quý I và quý II."}]  # fmt: skip
    assert [(v["indicator"], fig(v["before"]), fig(v["after"])) for v in diff["values"]] == [
        ("R01", (5, None), (7, None)),
        ("R02", (0, 5), (0, 7)),
        ("R03", (0, 5), (0, 7)),
    ]
    assert versions_diff(first, first) == {"sections": [], "values": []}


def test_changes_since_approval(cycle, commune_a):
    submission_submit(actor=cycle.reporter_a, submission=cycle.get())
    submission_accept(actor=cycle.province_reporter, submission=cycle.get())
    assert changes_since_approval(cycle.get()) == 0  # never approved
    submission_approve(actor=cycle.province_reporter, submission=cycle.get())
    assert changes_since_approval(cycle.get()) == 0
    submission_reopen(actor=cycle.province_reporter, submission=cycle.get(), reason="Sửa số.")
    write(cycle, "data", "Bổ sung số liệu.")
    write(cycle, "assessment", "Đánh giá lại.")
    cases(cycle.personas["worker_a"], commune_a, 1)
    process_pending()
    submission_submit(actor=cycle.reporter_a, submission=cycle.get())
    # two sections, and R01, R02, R03 (one more victim) changed since the approved version
    assert changes_since_approval(cycle.get()) == 5
