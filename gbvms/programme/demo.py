"""Demo delivery for the demo province: a year of programme records, written through the real
services by the persona who would record them (the province programme officer for the
province's agencies, ``recorder`` for UBND phường Kon Tum).

The year is the current one: the Action Month (15/11–15/12) with its launch and communication
events in several communes, the June domestic-violence month, a training for each target group
of the plan's requirement in the two demo communes — one group missed in Xã Đăk Tô, so P01
shows "not met" there — models of several kinds with an evaluation, an inspection with open,
overdue and closed recommendations, and budget lines with expenditures. Dates never pass today.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from gbvms.geo.models import AdminUnit
from gbvms.orgs.models import Agency, User
from gbvms.programme import services
from gbvms.programme.models import Campaign, TrainingRequirement
from gbvms.programme.vocab import TargetGroup

PROVINCE, COMMUNE_A, COMMUNE_B = "51", "23293", "23401"
TRAINED_GROUPS = [g for g in TargetGroup.values if g != "other"]
MISSED = ("23401", "ge_staff")  # Xã Đăk Tô did not train its gender-equality staff this year


class _Demo:
    def __init__(self) -> None:
        self.today = timezone.localdate()
        self.year = self.today.year
        self.officer = User.objects.get(username="officer")
        self.recorder = User.objects.filter(username="recorder").first() or self.officer
        current = AdminUnit.objects.current()
        self.units = {u.code: u for u in current.filter(code__in=[PROVINCE, COMMUNE_A, COMMUNE_B])}
        self.agencies = {
            a.short_name: a for a in Agency.objects.filter(unit__path__startswith="/51/")
        }
        from gbvms.plans.models import Activity

        activities = Activity.objects.filter(plan__document_number="01/KH-DEMO")
        self.activity = {
            key: activities.filter(title__icontains=text).first()
            for key, text in [("month", "Tháng hành động"), ("school", "trường học"),
                              ("trusted", "địa chỉ tin cậy"), ("training", "Tập huấn")]
        }  # fmt: skip

    def on(self, month: int, day: int) -> datetime.date:
        return min(datetime.date(self.year, month, day), self.today)

    def agency(self, short: str) -> Agency:
        return self.agencies[short]

    def commune_agency(self, code: str) -> Agency:
        return self.agencies["UBND P. Kon Tum" if code == COMMUNE_A else "UBND X. Đăk Tô"]

    def actor_for(self, code: str) -> Any:
        return self.recorder if code == COMMUNE_A else self.officer


def _requirements(demo: _Demo) -> int:
    """The plan's "ít nhất 01 lần/năm" requirement, as the importer reads it (or, if the plan
    text gave none, as the officer would add it)."""
    from gbvms.plans.models import Plan

    plan = Plan.objects.filter(document_number="01/KH-DEMO").first()
    if plan is None:
        return 0
    for group in TRAINED_GROUPS:
        TrainingRequirement.objects.get_or_create(
            plan=plan, target_group=group, unit_scope=None, level="commune",
            defaults={"per_year": 1, "activity": demo.activity["training"],
                      "source_text": "Tổ chức tập huấn ít nhất 01 lần/năm"},
        )  # fmt: skip
    return TrainingRequirement.objects.filter(plan=plan).count()


def _campaigns(demo: _Demo) -> tuple[Campaign, int]:
    province, noivu = demo.units[PROVINCE], demo.agency("Sở NV")
    month_start = datetime.date(demo.year, 11, 15)
    if month_start > demo.today:  # the Action Month of this year has not begun: last year's
        month_start = datetime.date(demo.year - 1, 11, 15)
    month = services.campaign_save(
        actor=demo.officer, kind="gbv_month", year=month_start.year, unit=province,
        title="Tháng hành động vì bình đẳng giới và phòng ngừa, ứng phó BLTCSG năm "
        f"{month_start.year}",
        theme="Chung tay chấm dứt bạo lực trên cơ sở giới", lead_agency=noivu,
        guidance_document="Công văn hướng dẫn của Sở Nội vụ (demo)", start=month_start,
        end=month_start.replace(month=12, day=15), plan_activity=demo.activity["month"],
        coordinating_agencies=[demo.agency("Sở VHTTDL"), demo.agency("Hội LHPN tỉnh")],
    )  # fmt: skip
    events = 0
    launch = max(month_start, min(month_start, demo.today))
    services.event_save(
        actor=demo.officer, kind="launch", title="Lễ phát động Tháng hành động cấp tỉnh",
        unit=province, lead_agency=noivu, start=launch, campaign=month,
        plan_activity=demo.activity["month"], venue="Quảng trường tỉnh (demo)",
        audience_groups=["community", "youth", "men"], participants_total=420,
        participants_female=250, participants_male=170,
        media_outputs=[{"kind": "banner", "quantity": 40}, {"kind": "leaflet", "quantity": 2000},
                       {"kind": "article", "quantity": 6}],
        cost_planned=60_000_000, cost_actual=54_500_000,
        funding=[{"source": "province", "amount": 54_500_000}],
    )  # fmt: skip
    events += 1
    for code, kind, title, female, male in [
        (COMMUNE_A, "community", "Truyền thông tại nhà văn hóa tổ dân phố", 64, 31),
        (COMMUNE_A, "talk", "Tọa đàm nam giới tiên phong phòng, chống bạo lực", 12, 38),
        (COMMUNE_B, "culture_sport", "Giao lưu văn nghệ Tháng hành động", 80, 55),
        (COMMUNE_B, "community", "Truyền thông lưu động tại các thôn", 47, 29),
    ]:
        day = min(month_start + datetime.timedelta(days=3 + events), month.end, demo.today)
        services.event_save(
            actor=demo.actor_for(code), kind=kind, title=title, unit=demo.units[code],
            lead_agency=demo.commune_agency(code), start=max(day, month_start), campaign=month,
            plan_activity=demo.activity["month"], audience_groups=["community"],
            participants_total=female + male, participants_female=female, participants_male=male,
            participants_ethnic=male // 2 if code == COMMUNE_B else None,
            media_outputs=[{"kind": "leaflet", "quantity": 300}],
            cost_planned=5_000_000, cost_actual=4_200_000,
            funding=[{"source": "commune", "amount": 4_200_000}],
        )  # fmt: skip
        events += 1
    june = datetime.date(demo.year, 6, 1)
    if june <= demo.today:
        dv = services.campaign_save(
            actor=demo.officer, kind="dv_month", year=demo.year, unit=province,
            title=f"Tháng hành động quốc gia phòng, chống bạo lực gia đình năm {demo.year}",
            lead_agency=demo.agency("Sở VHTTDL"), start=june, end=min(june.replace(day=30),
                                                                       demo.today),
        )  # fmt: skip
        services.event_save(
            actor=demo.officer, kind="press", title="Chuyên mục phòng, chống bạo lực gia đình",
            unit=province, lead_agency=demo.agency("Sở VHTTDL"), start=june, campaign=dv,
            media_outputs=[{"kind": "broadcast", "quantity": 4},
                           {"kind": "article", "quantity": 10}],
        )  # fmt: skip
        events += 1
    return month, events


def _trainings(demo: _Demo) -> int:
    made = 0
    topics = {"collaborators": "provider_skills", "trusted_address": "survivor_skills",
              "social_staff": "provider_skills", "providers": "provider_skills",
              "ge_staff": "gbv_general"}  # fmt: skip
    for index, code in enumerate([COMMUNE_A, COMMUNE_B]):
        for number, group in enumerate(TRAINED_GROUPS):
            if (code, group) == MISSED:
                continue
            start = demo.on(3 + number, 10 + 3 * index)
            label = TargetGroup(group).label
            services.training_save(
                actor=demo.actor_for(code), title=f"Tập huấn cho {label[:1].lower()}{label[1:]}",
                topic=topics[group], unit=demo.units[code], lead_agency=demo.commune_agency(code),
                start=start, end=start, plan_activity=demo.activity["training"],
                target_groups=[group], level="commune", days=1, hours=8, trainers_count=2,
                trainer_source="tot",
                participants=[{"group": group, "sex": "female", "count": 9 + number},
                              {"group": group, "sex": "male", "count": 4 + index}],
                cost_planned=8_000_000, cost_actual=7_500_000,
                funding=[{"source": "commune", "amount": 7_500_000}],
            )  # fmt: skip
            made += 1
    start = demo.on(4, 20)
    services.training_save(
        actor=demo.officer, title="Tập huấn giảng viên nguồn cấp tỉnh", topic="tot",
        unit=demo.units[PROVINCE], lead_agency=demo.agency("TT CTXH"), start=start,
        end=min(start + datetime.timedelta(days=2), demo.today), level="province",
        plan_activity=demo.activity["training"], target_groups=["social_staff", "providers"],
        participants=[{"group": "social_staff", "sex": "female", "count": 14},
                      {"group": "social_staff", "sex": "male", "count": 6},
                      {"group": "providers", "sex": "female", "count": 11},
                      {"group": "providers", "sex": "male", "count": 5}],
        days=3, hours=24, trainers_count=3, trainer_source="external", pre_score=5.8,
        post_score=8.1, cost_planned=45_000_000, cost_actual=41_000_000,
        funding=[{"source": "oda", "amount": 41_000_000}],
    )  # fmt: skip
    return made + 1


def _models(demo: _Demo) -> int:
    from gbvms.programme import services_models
    from gbvms.referrals.models import ServiceProvider

    trusted_provider = ServiceProvider.objects.filter(
        name__startswith="Địa chỉ tin cậy phường Kon Tum"
    ).first()
    made = {}
    for key, code, kind, title, agency, status, on, female, male in [
        (
            "trusted",
            COMMUNE_A,
            "trusted_address",
            "Địa chỉ tin cậy – nhà tạm lánh tổ dân phố 3",
            "UBND P. Kon Tum",
            "active",
            datetime.date(demo.year - 2, 3, 8),
            7,
            2,
        ),
        (
            "pioneers",
            COMMUNE_B,
            "male_pioneers",
            "Câu lạc bộ Nam giới tiên phong xã Đăk Tô",
            "UBND X. Đăk Tô",
            "active",
            datetime.date(demo.year - 1, 10, 20),
            3,
            18,
        ),
        (
            "school",
            COMMUNE_A,
            "safe_school",
            "Trường học an toàn, thân thiện, không bạo lực",
            "UBND P. Kon Tum",
            "pilot",
            demo.on(2, 15),
            20,
            12,
        ),
        (
            "forced",
            COMMUNE_B,
            "forced_marriage_club",
            "Câu lạc bộ hỗ trợ phụ nữ có nguy cơ bị cưỡng ép kết hôn với người nước ngoài",
            "UBND X. Đăk Tô",
            "active",
            datetime.date(demo.year - 3, 5, 1),
            25,
            0,
        ),
    ]:
        made[key] = services_models.model_save(
            actor=demo.actor_for(code), kind=kind, title=title, unit=demo.units[code],
            lead_agency=demo.agency(agency), established_on=on, model_status=status,
            host="Nhà văn hóa (demo)", established_by="Quyết định thành lập (demo)",
            members_female=female, members_male=male,
            linked_provider=trusted_provider if kind == "trusted_address" else None,
            plan_activity=demo.activity["trusted"] if kind == "trusted_address" else None,
        )  # fmt: skip
    # the forced-marriage club stopped meeting this year
    services_models.model_status_set(actor=demo.officer, model=made["forced"],
                                     model_status="suspended", on=demo.on(7, 1))  # fmt: skip
    services_models.model_evaluate(
        actor=demo.officer, model=made["trusted"], date=demo.on(10, 5),
        evaluator=demo.agency("Sở NV"),
        criteria=[{"name": "Có quyết định công nhận", "met": True},
                  {"name": "Có người phụ trách được tập huấn", "met": True},
                  {"name": "Tiếp nhận người bị bạo lực trong năm", "met": True},
                  {"name": "Có kinh phí duy trì", "met": False}],
        rating="good", findings="Hoạt động đều; cần kinh phí duy trì ổn định.", advice="replicate",
    )  # fmt: skip
    return len(made)


def _inspection(demo: _Demo) -> int:
    from gbvms.programme import services_inspections

    start = demo.on(11, 18) if demo.today >= datetime.date(demo.year, 11, 18) else demo.on(9, 10)
    inspection = services_inspections.inspection_save(
        actor=demo.officer, kind="action_month", title="Kiểm tra liên ngành việc thực hiện "
        "công tác bình đẳng giới, phòng, chống bạo lực gia đình", unit=demo.units[COMMUNE_B],
        lead_agency=demo.agency("Sở NV"), start=start, end=start,
        decision="Quyết định thành lập đoàn kiểm tra liên ngành (demo)",
        member_agencies=[demo.agency(a) for a in ("CA tỉnh", "Sở TP", "Hội LHPN tỉnh")],
        inspected_entities=["UBND xã Đăk Tô", "Trạm Y tế xã Đăk Tô"],
        topics="Tổ chức Tháng hành động; hỗ trợ người bị bạo lực; tập huấn cán bộ",
    )  # fmt: skip
    finding = services_inspections.finding_add(
        actor=demo.officer, inspection=inspection, severity="medium", violation_type="",
        text="Chưa tập huấn cho cán bộ làm công tác bình đẳng giới của xã trong năm.",
        legal_basis="Kế hoạch 01/KH-DEMO, mục II.2.2",
    )  # fmt: skip
    services_inspections.finding_add(
        actor=demo.officer, inspection=inspection, severity="low", violation_type="dv",
        text="Một số thôn chưa niêm yết địa chỉ tin cậy.",
        legal_basis="Nghị định 144/2021/NĐ-CP", handled_count=1,
    )  # fmt: skip
    xa_b = demo.agency("UBND X. Đăk Tô")
    done = services_inspections.recommendation_add(
        actor=demo.officer, inspection=inspection, text="Niêm yết địa chỉ tin cậy tại các thôn.",
        responsible_agency=xa_b, due_date=start + datetime.timedelta(days=7),
    )  # fmt: skip
    services_inspections.recommendation_update(
        actor=demo.officer, recommendation=done, status="done",
        closed_on=min(start + datetime.timedelta(days=5), demo.today),
        follow_up="Đã niêm yết tại 12/12 thôn.",
    )  # fmt: skip
    services_inspections.recommendation_add(
        actor=demo.officer, inspection=inspection, finding=finding, responsible_agency=xa_b,
        text="Tổ chức tập huấn cho cán bộ làm công tác bình đẳng giới trước cuối năm.",
        due_date=datetime.date(demo.year, 12, 20),
    )  # fmt: skip
    services_inspections.recommendation_add(
        actor=demo.officer, inspection=inspection, responsible_agency=xa_b,
        text="Báo cáo kết quả khắc phục về Sở Nội vụ.",
        due_date=max(start + datetime.timedelta(days=10), start),
    )  # fmt: skip
    return 1


def _budget(demo: _Demo, events: dict[str, Any]) -> int:
    from gbvms.programme import services_budget

    lines = [
        (
            "Kinh phí Tháng hành động cấp tỉnh",
            PROVINCE,
            "Sở NV",
            "province",
            150_000_000,
            140_000_000,
            demo.activity["month"],
            "",
            "",
        ),
        (
            "Tập huấn quản lý trường hợp (dự án hỗ trợ)",
            PROVINCE,
            "TT CTXH",
            "oda",
            80_000_000,
            80_000_000,
            demo.activity["training"],
            "Tổ chức hỗ trợ phát triển (demo)",
            "Dự án phòng ngừa BLTCSG (demo)",
        ),
        (
            "Kinh phí phòng, chống bạo lực gia đình của phường",
            COMMUNE_A,
            "UBND P. Kon Tum",
            "commune",
            30_000_000,
            25_000_000,
            demo.activity["training"],
            "",
            "",
        ),
    ]
    made = 0
    for title, code, agency, source, estimated, allocated, activity, donor, project in lines:
        line = services_budget.budget_line_save(
            actor=demo.actor_for(code) if code == COMMUNE_A else demo.officer, title=title,
            fiscal_year=demo.year, unit=demo.units[code], lead_agency=demo.agency(agency),
            funding_source=source, amount_estimated=estimated, amount_allocated=allocated,
            amount_committed=allocated // 2, plan_activity=activity, donor=donor,
            project=project, allocation_decision="Quyết định giao dự toán (demo)",
            ethnic_minority_area=code == COMMUNE_B,
        )  # fmt: skip
        for month, share in ((4, 0.2), (9, 0.25)):
            services_budget.expenditure_add(
                actor=demo.actor_for(code) if code == COMMUNE_A else demo.officer, line=line,
                date=demo.on(month, 28), amount=int(allocated * share),
                note="Chi hoạt động theo kế hoạch (demo)",
            )  # fmt: skip
        made += 1
    return made


def demo_delivery_load() -> list[str]:
    if Campaign.objects.filter(title__contains="Tháng hành động vì bình đẳng giới").exists():
        return ["demo: programme delivery already loaded"]
    if not User.objects.filter(username="officer").exists():
        return []
    demo = _Demo()
    if len(demo.units) < 3:
        return []
    requirements = _requirements(demo)
    _campaign, events = _campaigns(demo)
    trainings = _trainings(demo)
    models = _models(demo)
    inspections = _inspection(demo)
    budget = _budget(demo, {})
    return [
        f"demo: programme delivery {demo.year}: {events} communication events, {trainings} "
        f"trainings ({requirements} training requirements), {models} models, {inspections} "
        f"inspection, {budget} budget lines"
    ]


def demo_lines(options: dict[str, object]) -> list[str]:
    return demo_delivery_load()
