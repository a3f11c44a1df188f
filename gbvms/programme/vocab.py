"""Controlled lists of the programme delivery records (REPORTING §E), with Vietnamese labels.

Codes are stable (API, XLSX templates, DHIS2 options); labels are what users see.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RecordStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("record status", "Kế hoạch")
    DONE = "done", _("Đã thực hiện")
    CANCELLED = "cancelled", _("Đã hủy")


class CampaignKind(models.TextChoices):
    GBV_MONTH = "gbv_month", _("Tháng hành động vì bình đẳng giới và phòng ngừa, ứng phó BLTCSG")
    DV_MONTH = "dv_month", _("Tháng hành động quốc gia phòng, chống bạo lực gia đình")
    OTHER = "other", _("Chiến dịch khác")


class EventKind(models.TextChoices):
    LAUNCH = "launch", _("Lễ phát động")
    WORKSHOP = "workshop", _("Hội thảo")
    TALK = "talk", _("Tọa đàm")
    CONTEST = "contest", _("Hội thi")
    POLICY_DIALOGUE = "policy_dialogue", _("Đối thoại chính sách")
    FORUM = "forum", _("Diễn đàn")
    STREET = "street", _("Sự kiện đường phố")
    CULTURE_SPORT = "culture_sport", _("Giao lưu văn nghệ, thể thao")
    COMMUNITY = "community", _("Truyền thông trực tiếp tại cộng đồng, nhà văn hóa")
    PRESS = "press", _("Tin bài, chuyên trang, chuyên mục (báo, đài, cổng TTĐT)")
    SOCIAL_MEDIA = "social_media", _("Mạng xã hội")
    TRAINING = "training", _("Tập huấn")
    MODEL_MEETING = "model_meeting", _("Sinh hoạt mô hình")
    STUDY_VISIT = "study_visit", _("Tham quan, học tập kinh nghiệm")
    OTHER = "other", _("Khác")


# event kinds recorded through the events form (a training has its own form)
COMMUNICATION_KINDS = [k for k in EventKind.values if k not in {"training", "model_meeting"}]


class AudienceGroup(models.TextChoices):
    COMMUNITY = "community", _("Cộng đồng")
    MEN = "men", _("Nam giới")
    YOUTH = "youth", _("Thanh niên, vị thành niên")
    INFLUENCERS = "influencers", _("Người có uy tín")
    ETHNIC = "ethnic", _("Vùng dân tộc thiểu số, miền núi")
    WORKERS = "workers", _("Công nhân khu công nghiệp")
    PUPILS = "pupils", _("Học sinh, sinh viên")
    AT_RISK = "at_risk", _("Người có nguy cơ bị bạo lực")
    PERPETRATORS = "perpetrators", _("Người gây bạo lực, có nguy cơ gây bạo lực")


class MediaKind(models.TextChoices):
    BANNER = "banner", _("Băng rôn")
    SLOGAN = "slogan", _("Khẩu hiệu")
    POSTER = "poster", _("Áp phích")
    PANEL = "panel", _("Pa nô")
    LEAFLET = "leaflet", _("Tờ rơi")
    FOLDED_LEAFLET = "folded_leaflet", _("Tờ gấp")
    ARTICLE = "article", _("Tin, bài")
    BROADCAST = "broadcast", _("Phóng sự, chương trình phát thanh, truyền hình")
    CD = "cd", _("Đĩa CD, video")
    SOCIAL_POST = "social_post", _("Bài đăng mạng xã hội")
    OTHER = "other", _("Sản phẩm khác")


class FundingSource(models.TextChoices):
    CENTRAL = "central", _("Ngân sách trung ương")
    PROVINCE = "province", _("Ngân sách địa phương cấp tỉnh")
    COMMUNE = "commune", _("Ngân sách địa phương cấp xã")
    NTP = "ntp", _("Lồng ghép chương trình mục tiêu quốc gia")
    ODA = "oda", _("ODA, viện trợ quốc tế")
    SOCIALISED = "socialised", _("Xã hội hóa")
    OTHER = "other", _("Nguồn hợp pháp khác")


class TrainingTopic(models.TextChoices):
    GBV_GENERAL = (
        "gbv_general",
        _("Kiến thức chung về BLTCSG cho cán bộ làm công tác bình đẳng giới"),
    )
    MODEL_SKILLS = "model_skills", _("Kỹ năng cho cán bộ, cộng tác viên vận hành mô hình")
    TOT = "tot", _("Tập huấn giảng viên nguồn (TOT)")
    PROVIDER_SKILLS = (
        "provider_skills",
        _(
            "Kỹ năng cho người cung cấp dịch vụ (hỗ trợ khẩn cấp, điều phối, kết nối, chuyển gửi, "
            "tư vấn, quản lý trường hợp, làm việc với người gây bạo lực)"
        ),
    )
    SURVIVOR_SKILLS = "survivor_skills", _("Kỹ năng cho người bị bạo lực, có nguy cơ bị bạo lực")
    PERPETRATOR_SKILLS = (
        "perpetrator_skills",
        _("Kỹ năng cho người gây bạo lực, có nguy cơ gây bạo lực"),
    )


class TargetGroup(models.TextChoices):
    """The groups a plan asks to train "ít nhất 01 lần/năm" [S0 §III.2.1]."""

    COLLABORATORS = "collaborators", _("Cộng tác viên, nhân viên xã hội")
    TRUSTED_ADDRESS = "trusted_address", _("Địa chỉ tin cậy tại cộng đồng")
    SOCIAL_STAFF = "social_staff", _("Cán bộ xã hội")
    PROVIDERS = "providers", _("Người cung cấp dịch vụ")
    GE_STAFF = "ge_staff", _("Cán bộ làm công tác bình đẳng giới các cấp")
    OTHER = "other", _("Nhóm khác")


# the groups whose members work directly on domestic-violence prevention (P09)
DV_WORKER_GROUPS = {"collaborators", "trusted_address", "social_staff"}


class Sex(models.TextChoices):
    FEMALE = "female", _("Nữ")
    MALE = "male", _("Nam")
    OTHER = "other", _("Khác")


class TrainingLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")


class TrainerSource(models.TextChoices):
    INTERNAL = "internal", _("Cán bộ của cơ quan")
    TOT = "tot", _("Giảng viên nguồn (TOT)")
    EXTERNAL = "external", _("Chuyên gia bên ngoài")


class ModelKind(models.TextChoices):
    TRUSTED_ADDRESS = "trusted_address", _("Địa chỉ tin cậy – nhà tạm lánh")
    FORCED_MARRIAGE_CLUB = (
        "forced_marriage_club",
        _("Câu lạc bộ hỗ trợ phụ nữ có nguy cơ bị cưỡng ép kết hôn với người nước ngoài"),
    )
    SAFE_SCHOOL = "safe_school", _("Trường học an toàn, thân thiện, không bạo lực")
    WORKPLACE = "workplace", _("Phòng ngừa quấy rối tình dục tại nơi làm việc")
    SAFE_CITY = "safe_city", _("Thành phố, làng, xã an toàn, thân thiện với phụ nữ và trẻ em")
    MALE_PIONEERS = "male_pioneers", _("Nam giới tiên phong")
    DISABILITY_CLUB = (
        "disability_club",
        _("Câu lạc bộ phòng, chống bạo lực đối với phụ nữ, trẻ em gái khuyết tật"),
    )
    SWC_FACILITY = "swc_facility", _("Cơ sở cung cấp dịch vụ BLTCSG tại trung tâm công tác xã hội")
    HARM_REDUCTION = "harm_reduction", _("Ngăn ngừa và giảm thiểu tác hại của BLTCSG")
    OTHER = "other", _("Mô hình khác")


# kinds whose capacity and use come from the linked directory provider's referrals
PROVIDER_MODEL_KINDS = {"trusted_address", "swc_facility"}


class ModelStatus(models.TextChoices):
    PILOT = "pilot", _("Thí điểm")
    ACTIVE = "active", _("Đang hoạt động")
    SUSPENDED = "suspended", _("Tạm dừng")
    DISSOLVED = "dissolved", _("Giải thể")


# statuses that count as "active" for P03/P04 (a pilot is running)
RUNNING_STATUSES = {"pilot", "active"}


class EvaluationRating(models.TextChoices):
    GOOD = "good", _("Hiệu quả")
    FAIR = "fair", _("Tương đối hiệu quả")
    POOR = "poor", _("Chưa hiệu quả")


class EvaluationAdvice(models.TextChoices):
    MAINTAIN = "maintain", _("Duy trì")
    EXPAND = "expand", _("Mở rộng thành viên")
    REPLICATE = "replicate", _("Nhân rộng")
    MERGE = "merge", _("Sáp nhập")
    DISSOLVE = "dissolve", _("Giải thể")


class InspectionKind(models.TextChoices):
    PERIODIC = "periodic", _("Định kỳ")
    UNANNOUNCED = "unannounced", _("Đột xuất")
    INTEGRATED = "integrated", _("Lồng ghép chuyên ngành")
    ACTION_MONTH = "action_month", _("Trong Tháng hành động")
    CASE_VERIFICATION = "case_verification", _("Xác minh vụ việc")


class ViolationType(models.TextChoices):
    GE = "ge", _("Vi phạm hành chính về bình đẳng giới (Nghị định 125/2021/NĐ-CP)")
    DV = "dv", _("Vi phạm hành chính về phòng, chống bạo lực gia đình (Nghị định 144/2021/NĐ-CP)")
    OTHER = "other", _("Vi phạm khác")


class Severity(models.TextChoices):
    LOW = "low", _("Nhẹ")
    MEDIUM = "medium", _("Trung bình")
    HIGH = "high", _("Nghiêm trọng")


class RecommendationStatus(models.TextChoices):
    OPEN = "open", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Đã khắc phục")


VOCABULARIES: dict[str, type[models.TextChoices]] = {
    "record_status": RecordStatus,
    "campaign_kind": CampaignKind,
    "event_kind": EventKind,
    "audience_group": AudienceGroup,
    "media_kind": MediaKind,
    "funding_source": FundingSource,
    "training_topic": TrainingTopic,
    "target_group": TargetGroup,
    "sex": Sex,
    "training_level": TrainingLevel,
    "trainer_source": TrainerSource,
    "model_kind": ModelKind,
    "model_status": ModelStatus,
    "evaluation_rating": EvaluationRating,
    "evaluation_advice": EvaluationAdvice,
    "inspection_kind": InspectionKind,
    "violation_type": ViolationType,
    "severity": Severity,
    "recommendation_status": RecommendationStatus,
}


def label(vocabulary: str, code: str) -> str:
    """The label of ``code`` in ``vocabulary``; the code itself when it is unknown."""
    choices = VOCABULARIES[vocabulary]
    try:
        return str(choices(code).label)
    except ValueError:
        return code
