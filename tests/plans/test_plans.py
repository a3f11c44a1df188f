"""Saving a reviewed plan: agencies matched or created, assignments, calendar, reminders, the
pages (upload → review → save, plan page, agency tasks, iCalendar) and who may see what."""

import datetime
import io
from pathlib import Path

import pytest
import time_machine
from django.core import mail

from gbvms.orgs.models import Agency, AgencyKind
from gbvms.plans import services
from gbvms.plans.documents import read_document
from gbvms.plans.forms import review_formsets
from gbvms.plans.importer import parse_plan
from gbvms.plans.models import Assignment, CalendarEntry, Plan, Reminder
from tests.conftest import make_agency, make_user


def send_now(*args):
    """send_reminders, with its e-mails sent as after a commit (the test never commits)."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.send_reminders(*args)


FIXTURES = Path(__file__).parent / "fixtures"
PROVINCE_PLAN = (FIXTURES / "seeds" / "province_plan_kon_tum.txt").read_text(encoding="utf-8")
ACTION_MONTH = (FIXTURES / "action_month.md").read_text(encoding="utf-8")
COMMUNE_PLAN = (FIXTURES / "commune_plan.txt").read_text(encoding="utf-8")


@pytest.fixture
def departments(province):
    return {
        "labour": make_agency("Sở Lao động - Thương binh và Xã hội", province,
                              AgencyKind.LABOUR_SOCIAL),
        "health": make_agency("Sở Y tế", province, AgencyKind.HEALTH),
        "education": make_agency("Sở Giáo dục và Đào tạo", province, AgencyKind.EDUCATION),
        "women": Agency.objects.create(name="Hội Liên hiệp Phụ nữ tỉnh", short_name="Hội LHPN tỉnh",
                                       kind=AgencyKind.WOMENS_UNION, unit=province),
        "police": make_agency("Công an tỉnh", province, AgencyKind.POLICE),
    }  # fmt: skip


@pytest.fixture
def officer(personas, agencies, province):
    return personas["officer"]  # programme officer of the province


def auto_choices(plan_import, create=()):
    index = services.AgencyIndex(plan_import.unit)
    choices = services.AgencyChoices(create=set(create))
    for name in services.names_in(plan_import.result):
        if (agency := index.match(name)) is not None:
            choices.matched[name] = agency
    return choices


@pytest.mark.django_db
class TestSaveImportedPlan:
    def test_province_plan(self, officer, departments, province):
        started = services.import_start(actor=officer, name="kh.txt", text=PROVINCE_PLAN,
                                        unit=province)  # fmt: skip
        plan = services.import_confirm(
            actor=officer, plan_import=started, result=started.result,
            choices=auto_choices(started, create={"Sở Tài chính"}),
        )  # fmt: skip
        assert plan.issuer_name == "UBND tỉnh Kon Tum"
        assert (plan.start_year, plan.end_year) == (2016, 2020)
        assert plan.activities.count() == 15
        assert plan.targets.count() == 2
        labour = departments["labour"]
        lead_codes = sorted(
            Assignment.objects.filter(plan=plan, agency=labour, role="lead")
            .values_list("activity__code", flat=True)
        )  # fmt: skip
        assert lead_codes == sorted(["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.4", "2.6",
                                     "2.7", "3", "4"])  # fmt: skip
        assert Assignment.objects.filter(plan=plan, agency=departments["women"], role="lead",
                                         activity__code="2.3").exists()  # fmt: skip
        assert Assignment.objects.filter(plan=plan, agency=labour, role="responsible").count() == 1
        # "Sở Tài chính" did not exist: created at review, in the plan's province, with its kind
        finance = Agency.objects.get(name="Sở Tài chính")
        assert (finance.unit, finance.kind) == (province, AgencyKind.FINANCE)
        # a 6-monthly (15/6) and an annual (30/11) report for each year 2016–2020
        dues = list(CalendarEntry.objects.filter(plan=plan).values_list("due_on", flat=True))
        assert len(dues) == 10
        assert datetime.date(2016, 6, 15) in dues
        assert datetime.date(2020, 11, 30) in dues
        # an activity's deadline is the end of its last phase ("Từ năm 2020 đến năm 2030")
        due = Assignment.objects.get(plan=plan, agency=labour, activity__code="2.6").due_on
        assert due == datetime.date(2030, 12, 31)
        # the plan text is kept, the import is marked saved and cannot be saved twice
        assert plan.source_text == PROVINCE_PLAN
        started.refresh_from_db()
        assert started.plan == plan
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError) as refused:
            services.import_confirm(actor=officer, plan_import=started, result=started.result,
                                    choices=services.AgencyChoices())  # fmt: skip
        assert refused.value.code == "saved"

    def test_only_plans_managers_import(self, personas, province):
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            services.import_start(actor=personas["worker_a"], name="x", text="KẾ HOẠCH",
                                  unit=province)  # fmt: skip

    @time_machine.travel(datetime.datetime(2024, 1, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
    def test_reminders_are_queued_and_sent_once(self, officer, agencies, province, commune_b):
        member = make_user("women_officer")
        started = services.import_start(actor=officer, name="xa.txt", text=COMMUNE_PLAN,
                                        unit=commune_b)  # fmt: skip
        plan = services.import_confirm(
            actor=officer, plan_import=started, result=started.result,
            choices=auto_choices(started, create={"Hội Liên hiệp Phụ nữ xã", "UBND xã"}),
        )  # fmt: skip
        women = Agency.objects.get(name="Hội Liên hiệp Phụ nữ xã", unit=commune_b)
        member.email = "hoi@example.org"
        member.save()
        member.memberships.create(agency=women, role="programme_officer", scope_unit=commune_b)
        dues = sorted(CalendarEntry.objects.filter(plan=plan).values_list("due_on", flat=True))
        assert dues == [datetime.date(2024, 6, 20), datetime.date(2024, 11, 30),
                        datetime.date(2025, 6, 20), datetime.date(2025, 11, 30)]  # fmt: skip
        # reminders 14 and 3 days before, for the tasked agencies, not the recipient: "UBND xã"
        # in this commune's plan is the commune's own committee (not another commune's)
        ubnd = agencies["b"]
        assert plan.reporting.first().recipient == ubnd
        assert Reminder.objects.filter(agency=women).count() == 8
        assert not Reminder.objects.filter(agency=ubnd).exists()
        assert send_now(datetime.date(2024, 6, 5)) == 0
        assert send_now(datetime.date(2024, 6, 6)) == 1
        assert len(mail.outbox) == 1
        assert "20/06/2024" in mail.outbox[0].subject
        assert mail.outbox[0].to == ["hoi@example.org"]
        assert send_now(datetime.date(2024, 6, 6)) == 0  # sent once


def review_post(plan_import, **header):
    """What the review screen posts when the officer changes nothing but ``header``."""
    result = plan_import.result
    period = result["period"]
    data = {
        "title": result["title"], "issuer": result["issuer"] or "",
        "document_number": result["document_number"] or "",
        "issued_on": result["issued_on"] or "", "start_year": period["start_year"] or "",
        "end_year": period["end_year"] or "", "start": period["start"] or "",
        "end": period["end"] or "", "basis": "\n".join(result["basis"]),
    }  # fmt: skip
    for prefix, formset in review_formsets(None, result).items():
        data[f"{prefix}-TOTAL_FORMS"] = len(formset.forms)
        data[f"{prefix}-INITIAL_FORMS"] = len(formset.forms)
        for i, form in enumerate(formset.forms):
            for name, value in form.initial.items():
                data[f"{prefix}-{i}-{name}"] = "" if value is None else value
    for i, name in enumerate(services.names_in(result)):
        data[f"agency-{i}-name"] = name
        match = services.AgencyIndex(plan_import.unit).match(name)
        data[f"agency-{i}-choice"] = str(match.pk) if match else ""
    data.update(header)
    return data


@pytest.mark.django_db
class TestPages:
    def test_upload_review_correct_save(self, officer, as_user, departments, province):
        client = as_user(officer)
        response = client.post("/plans/import/", {"text": ACTION_MONTH, "unit": province.pk})
        assert response.status_code == 302
        review_url = response["Location"]
        page = client.get(review_url).content.decode()
        assert "Dòng" in page
        assert "Lễ phát động Tháng hành động" in page
        from gbvms.plans.models import PlanImport

        plan_import = PlanImport.objects.get()
        assert not Plan.objects.exists()  # nothing saved before confirmation
        data = review_post(plan_import, document_number="245/KH-UBND-SỬA")
        response = client.post(review_url, data)
        assert response.status_code == 302, response.content.decode()[:3000]
        plan = Plan.objects.get()
        assert plan.document_number == "245/KH-UBND-SỬA"
        detail = client.get(response["Location"]).content.decode()
        assert "245/KH-UBND-SỬA" in detail
        assert "Lễ phát động Tháng hành động" in detail
        dues = set(CalendarEntry.objects.filter(plan=plan).values_list("due_on", flat=True))
        assert {datetime.date(2022, 12, 20), datetime.date(2022, 11, 11)} <= dues

    def test_review_errors_keep_everything(self, officer, as_user, province):
        client = as_user(officer)
        url = client.post("/plans/import/", {"text": ACTION_MONTH, "unit": province.pk})["Location"]
        from gbvms.plans.models import PlanImport

        data = review_post(PlanImport.objects.get(), title="", **{"reporting-0-due": "31/2"})
        response = client.post(url, data)
        assert response.status_code == 400
        body = response.content.decode()
        assert "Nhập hạn dạng 15/6 hoặc 15/12/2025." in body
        assert not Plan.objects.exists()

    def test_unreadable_upload_is_refused_clearly(self, officer, as_user, province):
        from django.core.files.uploadedfile import SimpleUploadedFile

        bad = SimpleUploadedFile("kh.docx", b"PK\x03\x04 not really a docx")
        response = as_user(officer).post("/plans/import/", {"file": bad, "unit": province.pk})
        assert response.status_code == 200
        assert "Không mở được tệp DOCX." in response.content.decode()

    def test_who_sees_plans(self, officer, as_user, personas, agencies, other_province, province):
        plan = services.import_confirm(
            actor=officer,
            plan_import=services.import_start(actor=officer, name="a", text=ACTION_MONTH,
                                              unit=province),
            result=parse_plan(ACTION_MONTH), choices=services.AgencyChoices(),
        )  # fmt: skip
        hanoi = make_user("hanoi", (agencies["other"], "programme_officer", other_province))
        assert as_user(officer).get(f"/plans/{plan.pk}/").status_code == 200
        assert as_user(hanoi).get(f"/plans/{plan.pk}/").status_code == 404
        assert as_user(personas["worker_a"]).get("/plans/").status_code == 403
        national = Plan.objects.create(
            title="Hướng dẫn của Bộ", created_by=personas["national_admin"]
        )
        assert as_user(hanoi).get(f"/plans/{national.pk}/").status_code == 200
        assert as_user(hanoi).get(f"/plans/{national.pk}/edit/").status_code == 404
        # an agency with a task sees the plan even outside the officer's scope
        Assignment.objects.create(plan=plan, agency=agencies["other"], role="coordinating")
        assert as_user(hanoi).get(f"/plans/{plan.pk}/").status_code == 200

    def test_agency_tasks_update_and_calendar(self, officer, as_user, departments, province):
        started = services.import_start(actor=officer, name="a", text=ACTION_MONTH, unit=province)
        plan = services.import_confirm(actor=officer, plan_import=started, result=started.result,
                                       choices=auto_choices(started,
                                                            create={"Hội LHPN huyện"}))  # fmt: skip
        women = Agency.objects.get(name="Hội LHPN huyện")
        member = make_user("hoi_huyen", (women, "viewer", province))
        client = as_user(member)
        page = client.get("/plans/tasks/", follow=True).content.decode()
        assert "Hội thi tìm hiểu pháp luật" in page or "Lễ phát động" in page
        task = Assignment.objects.filter(agency=women).first()
        response = client.post(f"/plans/tasks/{task.pk}/update/", {
            f"t{task.pk}-status": "done", f"t{task.pk}-note": "Đã tổ chức, 120 người tham dự",
            f"t{task.pk}-evidence_url": "https://example.org/bao-cao.pdf",
        }, HTTP_HX_REQUEST="true")  # fmt: skip
        assert response.status_code == 200
        task.refresh_from_db()
        assert (task.status, task.updated_by) == ("done", member)
        ics = client.get(f"/plans/agencies/{women.pk}/calendar.ics")
        assert ics["Content-Type"].startswith("text/calendar")
        body = ics.content.decode()
        assert "BEGIN:VCALENDAR" in body
        assert "DTSTART;VALUE=DATE:20221220" in body
        assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
        # somebody outside the agency and its scope may not update or read its tasks
        stranger = make_user("stranger")
        assert as_user(stranger).post(f"/plans/tasks/{task.pk}/update/", {}).status_code == 404
        assert as_user(stranger).get(f"/plans/agencies/{women.pk}/tasks/").status_code == 403
        assert plan.assignments.count() >= 1

    def test_plan_by_hand(self, officer, as_user, departments, province):
        client = as_user(officer)
        response = client.post("/plans/new/", {
            "title": "Kế hoạch truyền thông năm 2027", "unit": province.pk, "start_year": 2027,
            "end_year": 2027, "status": "in_force", "basis_text": "Luật Bình đẳng giới năm 2006",
        })  # fmt: skip
        assert response.status_code == 302
        plan = Plan.objects.get()
        assert plan.basis == ["Luật Bình đẳng giới năm 2006"]
        client.post(f"/plans/{plan.pk}/activity/new/", {
            "code": "1", "title": "Tập huấn cán bộ y tế", "lead": "Sở Y tế",
            "coordinating": "Hội LHPN tỉnh\nCông an tỉnh", "timeline": "Quý II/2027",
        })  # fmt: skip
        roles = set(Assignment.objects.filter(plan=plan).values_list("agency__name", "role"))
        assert roles == {("Sở Y tế", "lead"), ("Hội Liên hiệp Phụ nữ tỉnh", "coordinating"),
                         ("Công an tỉnh", "coordinating")}  # fmt: skip
        client.post(f"/plans/{plan.pk}/reporting/new/", {
            "kind": "semiannual", "due": "15/6", "to": "Sở Y tế", "text": "Báo cáo 6 tháng",
        })  # fmt: skip
        assert list(CalendarEntry.objects.filter(plan=plan).values_list("due_on", flat=True)) == [
            datetime.date(2027, 6, 15)
        ]
        bad = client.post(f"/plans/{plan.pk}/reporting/new/", {"kind": "annual", "due": "99/99",
                                                               "text": "x"})  # fmt: skip
        assert bad.status_code == 200
        assert "Nhập hạn dạng" in bad.content.decode()
        task = Assignment.objects.get(plan=plan, agency=departments["health"])
        task.status = "in_progress"
        task.save()
        activity = plan.activities.get()
        client.post(f"/plans/{plan.pk}/activity/{activity.pk}/edit/", {
            "code": "1", "title": "Tập huấn cán bộ y tế (sửa)", "lead": "Sở Y tế",
            "coordinating": "", "timeline": "Năm 2027",
        })  # fmt: skip
        task.refresh_from_db()
        assert task.status == "in_progress"  # editing keeps the agency's progress
        assert Assignment.objects.filter(plan=plan).count() == 1


def test_docx_is_read_with_headings_and_tables():
    import docx

    document = docx.Document()
    document.add_paragraph("ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI")
    document.add_paragraph("Số: 77/KH-UBND")
    document.add_paragraph("Quảng Ngãi, ngày 05 tháng 3 năm 2026")
    document.add_heading("KẾ HOẠCH", level=1)
    document.add_paragraph("Truyền thông phòng, chống bạo lực gia đình năm 2026")
    document.add_heading("I. NỘI DUNG", level=2)
    table = document.add_table(rows=2, cols=4)
    for cell, text in zip(table.rows[0].cells, ["TT", "Nội dung", "Chủ trì", "Thời gian"],
                          strict=True):  # fmt: skip
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["1", "Mít tinh hưởng ứng", "Sở Văn hóa, Thể thao "
                          "và Du lịch", "Tháng 6/2026"], strict=True):  # fmt: skip
        cell.text = text
    document.add_paragraph("Báo cáo kết quả về Sở Nội vụ trước ngày 30/6/2026.")
    buffer = io.BytesIO()
    document.save(buffer)
    result = parse_plan(read_document("kh.docx", buffer.getvalue()))
    assert result["document_number"] == "77/KH-UBND"
    assert result["issued_on"] == "2026-03-05"
    assert result["issuer"] == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert result["title"] == "Kế hoạch Truyền thông phòng, chống bạo lực gia đình năm 2026"
    assert [(a["title"], a["lead"]) for a in result["activities"]] == [
        ("Mít tinh hưởng ứng", ["Sở Văn hóa, Thể thao và Du lịch"])
    ]
    assert [(r["kind"], r["due"], r["to"]) for r in result["reporting"]] == [
        ("once", "2026-06-30", "Sở Nội vụ")
    ]


@pytest.mark.django_db
def test_a_provincial_officer_must_choose_the_issuing_unit(officer, as_user):
    response = as_user(officer).post("/plans/import/", {"text": ACTION_MONTH})
    assert response.status_code == 200
    assert 'id="id_unit"' in response.content.decode()
    assert "Trường này là bắt buộc." in response.content.decode()
    from gbvms.plans.models import PlanImport

    assert not PlanImport.objects.exists()
