"""Seed the 16 acts of domestic violence (Law 13/2022/QH15 Art. 3(1)) with the applicability
rules for divorced and cohabiting partners (Decree 76/2023 Arts. 2–3). The lettering of n, p and q
and the full cohabiting list are not verified against the gazette: they are data to correct."""

from django.db import migrations

# code, label, divorced, cohabiting, lettering verified
ACTS = [
    ("a", "Hành hạ, ngược đãi, đánh đập, đe dọa hoặc hành vi cố ý khác xâm hại đến sức khỏe, tính mạng", True, True, True),
    ("b", "Lăng mạ, chì chiết hoặc hành vi cố ý khác xúc phạm danh dự, nhân phẩm", True, True, True),
    ("c", "Cưỡng ép chứng kiến bạo lực đối với người, con vật nhằm gây áp lực thường xuyên về tâm lý", True, True, True),
    ("d", "Bỏ mặc, không quan tâm; không nuôi dưỡng, chăm sóc thành viên gia đình thuộc nhóm dễ bị tổn thương; không giáo dục thành viên gia đình là trẻ em", False, True, True),
    ("đ", "Kỳ thị, phân biệt đối xử về hình thể, giới, giới tính, năng lực", False, True, True),
    ("e", "Ngăn cản gặp gỡ người thân, có quan hệ xã hội hợp pháp, lành mạnh hoặc hành vi khác nhằm cô lập, gây áp lực thường xuyên về tâm lý", True, True, True),
    ("g", "Ngăn cản việc thực hiện quyền, nghĩa vụ trong quan hệ gia đình", True, True, True),
    ("h", "Tiết lộ hoặc phát tán thông tin về đời sống riêng tư, bí mật cá nhân, bí mật gia đình nhằm xúc phạm danh dự, nhân phẩm", True, True, True),
    ("i", "Cưỡng ép thực hiện hành vi quan hệ tình dục trái ý muốn của vợ hoặc chồng", False, True, True),
    ("k", "Cưỡng ép trình diễn hành vi khiêu dâm; cưỡng ép nghe, xem, đọc nội dung khiêu dâm, kích thích bạo lực", True, True, True),
    ("l", "Cưỡng ép tảo hôn, kết hôn, ly hôn hoặc cản trở kết hôn, ly hôn hợp pháp", True, True, True),
    ("m", "Cưỡng ép mang thai, phá thai, lựa chọn giới tính thai nhi", False, True, True),
    ("n", "Chiếm đoạt, hủy hoại tài sản chung của gia đình hoặc tài sản riêng của thành viên khác", False, False, False),
    ("o", "Cưỡng ép học tập, lao động quá sức, đóng góp tài chính quá khả năng; kiểm soát tài sản, thu nhập nhằm tạo ra tình trạng lệ thuộc", False, True, True),
    ("p", "Cô lập, giam cầm thành viên gia đình", False, True, False),
    ("q", "Cưỡng ép thành viên gia đình ra khỏi chỗ ở hợp pháp trái pháp luật", True, True, False),
]  # fmt: skip


def seed(apps, schema_editor):
    act = apps.get_model("cases", "DvAct")
    for order, (code, label, divorced, cohabiting, verified) in enumerate(ACTS):
        act.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "applies_divorced": divorced,
                "applies_cohabiting": cohabiting,
                "lettering_verified": verified,
                "order": order,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("cases", "DvAct").objects.filter(code__in=[a[0] for a in ACTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_default_measure_types")]
    operations = [migrations.RunPython(seed, unseed)]
