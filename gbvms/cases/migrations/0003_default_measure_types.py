"""Seed the protective and support measures of Law 13/2022/QH15 Art. 22 with their authority
and legal time limits (see the domain reference §2.3; administrators may correct them)."""

from django.db import migrations

MEASURES = [
    # code, label, authority, decision_hours, max_days, protected_or_danger, basis
    ("stop_violence", "Buộc chấm dứt hành vi bạo lực gia đình",
     "Người có thẩm quyền xử lý; người chứng kiến trong khả năng", None, None, False, "Điều 23"),
    ("police_summons", "Yêu cầu người có hành vi bạo lực gia đình đến trụ sở Công an xã",
     "Trưởng Công an xã", None, None, True, "Điều 24"),
    ("no_contact_commune", "Cấm tiếp xúc (Chủ tịch UBND xã quyết định)",
     "Chủ tịch Ủy ban nhân dân xã", 12, 3, False, "Điều 25"),
    ("no_contact_court", "Cấm tiếp xúc (Tòa án quyết định)",
     "Tòa án nhân dân giải quyết vụ việc dân sự", None, 120, False, "Điều 26"),
    ("refuge", "Bố trí nơi tạm lánh và hỗ trợ nhu cầu thiết yếu", "", None, None, False, "Điều 22"),
    ("medical_care", "Chăm sóc, điều trị người bị bạo lực gia đình", "Cơ sở y tế", None, None,
     False, "Điều 22"),
    ("legal_psych", "Trợ giúp pháp lý và tư vấn tâm lý, kỹ năng ứng phó", "", None, None, False,
     "Điều 22"),
    ("behaviour_change", "Giáo dục, hỗ trợ chuyển đổi hành vi bạo lực gia đình", "", None, None,
     False, "Điều 22"),
    ("community_criticism", "Góp ý, phê bình người có hành vi bạo lực gia đình trong cộng đồng",
     "Trưởng thôn, Tổ trưởng tổ dân phố", None, None, False, "Điều 32"),
    ("community_service", "Thực hiện công việc phục vụ cộng đồng", "", None, None, False,
     "Điều 22"),
    ("administrative", "Biện pháp ngăn chặn, bảo đảm xử lý vi phạm hành chính",
     "Theo pháp luật xử lý vi phạm hành chính", None, None, False, "Điều 22"),
    ("criminal_procedure", "Biện pháp ngăn chặn, bảo vệ theo pháp luật tố tụng hình sự",
     "Theo pháp luật tố tụng hình sự", None, None, False, "Điều 22"),
]  # fmt: skip


def seed(apps, schema_editor):
    measure = apps.get_model("cases", "MeasureType")
    for order, (code, label, authority, hours, days, guarded, basis) in enumerate(MEASURES):
        measure.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "authority": authority,
                "decision_hours": hours,
                "max_duration_days": days,
                "requires_protected_group_or_danger": guarded,
                "legal_basis": f"Luật 13/2022/QH15, {basis}",
                "order": order,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("cases", "MeasureType").objects.filter(
        code__in=[m[0] for m in MEASURES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_default_risk_checklist")]
    operations = [migrations.RunPython(seed, unseed)]
