"""The checklist for service providers, as data an administrator can change. No binding national
standard for GBV service providers was found (docs: DOMAIN §3.1); the starting list is the common
characteristics of the Essential Services Package presented by the UN and MOLISA in 2017."""

from django.db import migrations

CRITERIA = [
    ("available", "Sẵn có: dịch vụ được cung cấp đủ cho người cần, đúng nơi, đúng lúc"),
    ("accessible", "Dễ tiếp cận: về địa điểm, chi phí, ngôn ngữ và người khuyết tật"),
    ("adaptable", "Phù hợp: đáp ứng nhu cầu riêng của từng nhóm (trẻ em, dân tộc thiểu số, …)"),
    ("safety_first", "An toàn là trên hết: đánh giá và quản lý rủi ro cho người bị bạo lực"),
    ("confidentiality", "Bảo mật thông tin: chỉ chia sẻ khi có sự đồng ý"),
    ("coordination", "Kết nối: có cơ chế chuyển gửi và phối hợp với các ngành khác"),
]


def seed(apps, schema_editor):
    criterion = apps.get_model("referrals", "ProviderCriterion")
    for order, (code, label) in enumerate(CRITERIA):
        criterion.objects.get_or_create(code=code, defaults={"label": label, "order": order})


def unseed(apps, schema_editor):
    apps.get_model("referrals", "ProviderCriterion").objects.filter(
        code__in=[c for c, _ in CRITERIA]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_referrals_initial")]
    operations = [migrations.RunPython(seed, unseed)]
