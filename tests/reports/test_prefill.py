"""Pre-filling a report: values from the indicators engine (worker run on real cases and
delivery records), generated paragraphs from the delivery records, task progress, and the
prefill service's rules (never overwrite, not when sent, a version bump, a log entry)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from gbvms.core.models import AccessLog
from gbvms.indicators import targets
from gbvms.indicators.worker import process_pending
from gbvms.plans.models import Assignment, Role, TaskStatus
from gbvms.plans.models import Target as PlanTarget
from gbvms.programme import services, services_budget, services_inspections, services_models
from gbvms.reports import prefill
from gbvms.reports.errors import Conflict, Forbidden
from gbvms.reports.models import Submission
from gbvms.reports.services_obligations import obligations_generate, submissions_open
from gbvms.reports.services_submissions import submission_save_sections, submission_submit
from tests.indicators.engine_data import T0, open_case
from tests.reports.conftest import YEAR

pytestmark = pytest.mark.django_db
D = datetime.date


def delivery_records(world, commune_a, commune_b):
    """Commune a's delivery in the first cut-off half (15/12/2025–14/06/2026), plus records
    that must not count (another commune, planned, outside the window)."""
    officer, a, b = world.officer, world.a, world.b
    services.event_save(actor=officer, kind="talk", title="Tọa đàm", unit=commune_a,
                        lead_agency=a, start=D(YEAR, 4, 1), participants_female=30,
                        participants_male=5)  # fmt: skip
    services.event_save(actor=officer, kind="launch", title="Lễ phát động", unit=commune_a,
                        lead_agency=a, start=D(YEAR, 3, 8), venue="Nhà văn hóa tổ 3",
                        participants_male=10)  # fmt: skip
    services.event_save(actor=officer, kind="workshop", title="Hội thảo", unit=commune_a,
                        lead_agency=a, start=D(YEAR, 5, 2), status="planned")  # fmt: skip
    services.event_save(actor=officer, kind="talk", title="Tọa đàm xã b", unit=commune_b,
                        lead_agency=b, start=D(YEAR, 4, 2), participants_female=7)  # fmt: skip
    services.event_save(actor=officer, kind="talk", title="Tọa đàm tháng 9", unit=commune_a,
                        lead_agency=a, start=D(YEAR, 9, 1), participants_female=9)  # fmt: skip
    services.training_save(
        actor=officer, title="Tập huấn", topic="provider_skills", unit=commune_a, lead_agency=a,
        start=D(YEAR, 5, 10), end=D(YEAR, 5, 10),
        target_groups=["collaborators", "trusted_address"], level="commune",
        participants=[{"group": "collaborators", "sex": "female", "count": 12},
                      {"group": "collaborators", "sex": "male", "count": 3},
                      {"group": "trusted_address", "sex": "female", "count": 5}],
    )  # fmt: skip
    services_models.model_save(actor=officer, kind="safe_school", title="Trường học an toàn",
                               unit=commune_a, lead_agency=a,
                               established_on=D(YEAR, 3, 1))  # fmt: skip
    inspection = services_inspections.inspection_save(
        actor=officer, kind="periodic", title="Kiểm tra", unit=commune_a, lead_agency=a,
        start=D(YEAR, 3, 1), end=D(YEAR, 3, 2),
    )  # fmt: skip
    done, _open = [
        services_inspections.recommendation_add(
            actor=officer, inspection=inspection, text=f"Kiến nghị {i}", responsible_agency=a,
            due_date=due,
        )
        for i, due in enumerate([D(YEAR, 4, 1), D(YEAR, 5, 1)])
    ]  # fmt: skip
    services_inspections.recommendation_update(actor=officer, recommendation=done,
                                               status="done", closed_on=D(YEAR, 4, 20))  # fmt: skip
    line = services_budget.budget_line_save(
        actor=officer, title="Kinh phí xã 2026", fiscal_year=YEAR, unit=commune_a, lead_agency=a,
        funding_source="commune", amount_allocated=20_000_000,
    )  # fmt: skip
    services_budget.expenditure_add(actor=officer, line=line, date=D(YEAR, 3, 10),
                                    amount=5_000_000)  # fmt: skip
    services_budget.expenditure_add(actor=officer, line=line, date=D(YEAR, 9, 10),
                                    amount=3_000_000)  # fmt: skip


def cases(worker, commune, count):
    for _i in range(count):
        open_case(worker, commune, detected=T0)


@pytest.fixture
def filled(world, commune_a, commune_b):
    """Five cases in commune a (R01 shown), delivery records, a plan target on P02, tasks."""
    delivery_records(world, commune_a, commune_b)
    cases(world.personas["worker_a"], commune_a, 5)
    PlanTarget.objects.create(plan=world.plan, text="Tập huấn ít nhất 30 lượt người",
                              comparator=">=", value=30, unit="count", indicator_code="P02",
                              indicator_confirmed=True)  # fmt: skip
    targets.plan_sync(world.plan, "P02", world.officer)
    for status, due in [
        (TaskStatus.DONE, D(YEAR, 3, 1)),
        (TaskStatus.IN_PROGRESS, None),
        (TaskStatus.NOT_STARTED, D(YEAR, 5, 1)),
        (TaskStatus.NOT_STARTED, D(YEAR, 10, 1)),
    ]:  # the last: after 14/6
        Assignment.objects.create(plan=world.plan, agency=world.a, role=Role.RESPONSIBLE,
                                  status=status, due_on=due)  # fmt: skip
    process_pending()
    obligations_generate(plan=world.plan, actor=world.officer)
    submissions_open(year=YEAR)

    def get(agency, period="2026S1C"):
        return Submission.objects.get(obligation__submitter_agency=agency, period=period)

    world.get = get
    return world


def by_code(values):
    return {v["indicator"]: v for v in values}


def text_of(submission, key):
    return next(s["text"] for s in submission.sections if s["key"] == key)


def test_engine_period_of_a_report_period():
    assert prefill.engine_period("2026S1C", "response") == "2026S1C"
    assert prefill.engine_period("2026S1C", "programme") == "2026S1"
    assert prefill.engine_period("2026S2C", "programme") == "2026S2"
    assert prefill.engine_period("2026C", "programme") == "2026"
    assert prefill.engine_period("2026AM", "response") == "2026"
    assert prefill.engine_period("2026S1", "programme") == "2026S1"


def test_values_come_from_the_engine_with_targets(filled):
    values = by_code(prefill.values_for(filled.get(filled.a)))
    # R01–R04 always; P02 (plan target); P03–P07 and P09 have data; P01 and P08 none
    assert list(values) == ["R01", "R02", "R03", "R04", "P02", "P03", "P04", "P05", "P06", "P07",
                            "P09"]  # fmt: skip
    r01 = values["R01"]
    assert r01 == {
        "indicator": "R01", "name": r01["name"], "kind": "count", "period": "2026S1C",
        "numerator": 5, "denominator": None, "value": 5.0, "target": None, "comparator": None,
        "status": None, "suppressed": False, "source": "response",
    }  # fmt: skip
    # the programme ones read the calendar half (no cut-off windows for them)
    assert values["P02"]["period"] == "2026S1"
    assert (values["P02"]["numerator"], values["P02"]["target"]) == (20, 30.0)
    assert (values["P02"]["comparator"], values["P02"]["status"]) == (">=", "not_met")
    assert values["P05"]["numerator"] == 2  # the talk and the launch; not planned, not b's
    assert (values["P06"]["numerator"], values["P06"]["denominator"]) == (1, 2)
    assert values["P06"]["value"] == 50.0
    assert (values["P07"]["numerator"], values["P07"]["denominator"]) == (5_000_000, 20_000_000)
    assert values["P07"]["value"] == 25.0
    # P09: DV workers trained (collaborators, trusted address) over no entered denominator
    assert (values["P09"]["numerator"], values["P09"]["value"]) == (20, None)
    # commune b: no case, no training; the inherited P02 target is there all the same
    b_values = by_code(prefill.values_for(filled.get(filled.b)))
    assert b_values["R01"]["numerator"] == 0
    assert b_values["P05"]["numerator"] == 1
    assert b_values["P02"]["numerator"] == 0


def test_a_small_cell_stays_suppressed(filled, commune_b):
    cases(filled.personas["worker_b"], commune_b, 2)
    process_pending()
    r01 = by_code(prefill.values_for(filled.get(filled.b)))["R01"]
    assert r01["suppressed"] is True
    assert (r01["numerator"], r01["denominator"], r01["value"]) == (None, None, None)


def test_drafts_open_prefilled_at_version_1(filled):
    draft = filled.get(filled.a)
    assert draft.version == 1
    assert by_code(draft.values)["R01"]["numerator"] == 5
    assert text_of(draft, "communication") == (
        "Tổ chức 2 hoạt động truyền thông (Lễ phát động: 1; Tọa đàm: 1), thu hút 45 lượt người "
        "tham gia (nữ 30, nam 15, khác/không rõ 0)."
    )
    assert text_of(draft, "training") == (
        "Tổ chức 1 lớp tập huấn với 20 lượt người tham gia (nữ 17, nam 3, khác 0); theo nhóm "
        "đối tượng: Cộng tác viên, nhân viên xã hội: 15; Địa chỉ tin cậy tại cộng đồng: 5."
    )
    assert text_of(draft, "models") == (
        "Có 1 mô hình (Trường học an toàn, thân thiện, không bạo lực: 1); tình trạng đến ngày "
        "14/06/2026: Đang hoạt động: 1."
    )
    assert text_of(draft, "inspection") == (
        "Tổ chức 1 cuộc kiểm tra, giám sát (Định kỳ: 1) với 2 kiến nghị, trong đó 1 kiến nghị "
        "chưa khắc phục (1 kiến nghị quá hạn)."
    )
    assert text_of(draft, "funding") == (
        "Kinh phí được giao 20.000.000 đồng, đã chi trong kỳ 5.000.000 đồng (Ngân sách địa "
        "phương cấp xã: giao 20.000.000 đồng, đã chi 5.000.000 đồng)."
    )
    # tasks due by 14/6 or undated: 3, one done, one in progress, one overdue (1/5)
    assert text_of(draft, "direction") == (
        "Thực hiện kế hoạch: 1/3 nhiệm vụ đã hoàn thành, 1 nhiệm vụ đang thực hiện, 1 nhiệm vụ "
        "quá hạn."
    )
    assert text_of(draft, "targets") == (
        "0/1 chỉ tiêu đạt mục tiêu, 1 chỉ tiêu chưa đạt, 0 chỉ tiêu chưa đến hạn đánh giá hoặc "
        "chưa đủ số liệu."
    )
    assert text_of(draft, "assessment") == ""  # written by people only
    # the annual report's window (15/12/2025–14/12/2026) holds the September talk too
    assert text_of(filled.get(filled.a, "2026C"), "communication").startswith(
        "Tổ chức 3 hoạt động truyền thông (Tọa đàm: 2; Lễ phát động: 1)"
    )
    # commune b: its own talk only, nothing else
    b = filled.get(filled.b)
    assert text_of(b, "communication").startswith("Tổ chức 1 hoạt động truyền thông (Tọa đàm: 1)")
    assert text_of(b, "training") == text_of(b, "funding") == ""


def test_prefill_fills_only_empty_sections_and_refreshes_values(filled, commune_a):
    draft = filled.get(filled.a)
    draft = submission_save_sections(
        actor=filled.reporter_a, submission=draft, version=draft.version,
        sections=[{"key": "communication", "text": "Chúng tôi tự viết."},
                  {"key": "training", "text": ""}],
    )  # fmt: skip
    seen = draft.version
    cases(filled.personas["worker_a"], commune_a, 1)
    process_pending()
    with translation.override("en"):  # an English-speaking officer: the report stays Vietnamese
        done = prefill.submission_prefill(submission=draft, actor=filled.reporter_a)
    assert done.version == seen + 1
    assert text_of(done, "communication") == "Chúng tôi tự viết."
    assert text_of(done, "training").startswith("Tổ chức 1 lớp tập huấn với 20 lượt")
    assert "Cộng tác viên, nhân viên xã hội: 15" in text_of(done, "training")
    assert by_code(done.values)["R01"]["numerator"] == 6
    entry = AccessLog.objects.unscoped().filter(action="reports.submission.prefilled").get()
    assert entry.changes == {"sections": ["training"], "values": 11}


def test_prefill_refuses_a_sent_report_another_agency_and_a_stale_copy(filled):
    draft = filled.get(filled.a)
    with pytest.raises(Forbidden):
        prefill.submission_prefill(submission=draft, actor=filled.reporter_b)
    stale = filled.get(filled.a)
    prefill.submission_prefill(submission=draft)
    with pytest.raises(Conflict) as excinfo:
        prefill.submission_prefill(submission=stale)
    assert excinfo.value.error_list[0].code == "stale"
    submission_submit(actor=filled.reporter_a, submission=filled.get(filled.a))
    with pytest.raises(Conflict) as excinfo:
        prefill.submission_prefill(submission=filled.get(filled.a))
    assert excinfo.value.error_list[0].code == "not_editable"
    assert AccessLog.objects.unscoped().filter(action="reports.submission.prefilled").count() == 1


def test_submit_freezes_the_figures_of_the_moment(filled, commune_a):
    draft = filled.get(filled.a)
    cases(filled.personas["worker_a"], commune_a, 2)
    process_pending()
    version = submission_submit(actor=filled.reporter_a, submission=draft)
    assert by_code(version.values)["R01"]["numerator"] == 7
    assert by_code(filled.get(filled.a).values)["R01"]["numerator"] == 7


def test_action_month_paragraphs(filled, commune_a):
    services.event_save(actor=filled.officer, kind="launch", title="Phát động Tháng hành động",
                        unit=commune_a, lead_agency=filled.a, start=D(YEAR, 11, 20),
                        venue="Sân vận động phường", participants_female=80,
                        participants_male=40)  # fmt: skip
    services.event_save(actor=filled.officer, kind="street", title="Diễu hành",
                        unit=commune_a, lead_agency=filled.a, start=D(YEAR, 11, 25),
                        participants_female=50)  # fmt: skip
    process_pending()
    month = Submission(obligation=filled.get(filled.a).obligation, period="2026AM")
    texts = prefill.delivery_for(month)
    assert list(texts) == ["launch", "communication", "support", "inspection", "funding",
                           "recommendations"]  # fmt: skip
    assert texts["launch"] == (
        "Tổ chức 1 lễ phát động (20/11/2026, Sân vận động phường) với 120 người tham dự."
    )
    assert texts["communication"] == (
        "Tổ chức 1 hoạt động truyền thông (Sự kiện đường phố: 1), thu hút 50 lượt người tham "
        "gia (nữ 50, nam 0, khác/không rõ 0)."
    )
    # the model still runs; no training, inspection or spending in the month
    assert texts["support"].startswith("Có 1 mô hình")
    assert texts["inspection"] == ""
    assert texts["funding"].startswith("Kinh phí được giao 20.000.000 đồng, đã chi trong kỳ 0")
    assert texts["recommendations"] == ""
    # the engine has no Action Month period: the values read the year
    r01 = by_code(prefill.values_for(month))["R01"]
    assert (r01["period"], r01["numerator"]) == ("2026", 5)
    assert by_code(prefill.values_for(month))["P05"]["numerator"] == 5  # 3 before, 2 in the month


def test_the_direction_section_lists_the_documents_issued_in_the_period(filled, commune_a):
    from gbvms.plans.models import Plan
    from gbvms.reports.prefill import documents_for, submission_prefill
    from gbvms.reports.services_documents import document_register

    draft = filled.get(filled.a)  # 2026S1C: 15/12/2025–14/06/2026
    assert documents_for(draft) == ""
    Plan.objects.create(title="Kế hoạch truyền thông phòng, chống bạo lực gia đình",
                        unit=commune_a, issuer=filled.a, document_number="12/KH-UBND",
                        issued_on=datetime.date(2026, 3, 2), created_by=filled.officer)  # fmt: skip
    Plan.objects.create(title="Kế hoạch năm sau", unit=commune_a, issuer=filled.a,
                        issued_on=datetime.date(2026, 9, 1), created_by=filled.officer)  # fmt: skip
    document_register(actor=filled.officer, issuer=filled.a, symbol="BC-UBND",
                      summary="Báo cáo sơ kết Tháng hành động",
                      date=datetime.date(2026, 1, 5))  # fmt: skip
    assert documents_for(draft) == (
        "Văn bản đã ban hành trong kỳ: Văn bản số 1/BC-UBND ngày 05/01/2026 (Báo cáo sơ kết "
        "Tháng hành động); Kế hoạch số 12/KH-UBND ngày 02/03/2026 (Kế hoạch truyền thông phòng, "
        "chống bạo lực gia đình)."
    )
    Submission.objects.filter(pk=draft.pk).update(
        sections=[{"key": s["key"], "text": ""} for s in draft.sections]
    )
    draft.refresh_from_db()
    done = submission_prefill(submission=draft, actor=filled.reporter_a)
    assert text_of(done, "direction").endswith(documents_for(draft))
