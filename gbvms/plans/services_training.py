"""Training requirements of a plan (P01): saved from the import, edited on the plan page."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gbvms.core.audit import log_action
from gbvms.indicators.outbox import mark_keys
from gbvms.plans.models import Activity, Plan
from gbvms.programme import vocab
from gbvms.programme.models import TrainingRequirement

MAX_YEARS = 10


def _mark(plan: Plan) -> None:
    if plan.unit is None:
        return
    start = plan.start_year or plan.end_year
    end = plan.end_year or plan.start_year
    if start is None or end is None:
        return
    years = range(start, min(end, start + MAX_YEARS - 1) + 1)
    mark_keys({("programme", plan.unit.path, year) for year in years})


def save_imported(plan: Plan, requirements: list[dict[str, Any]]) -> int:
    """Requirements read by the importer; ``activity`` is matched by code, else by index."""
    activities = list(plan.activities.order_by("order"))
    by_code = {a.code: a for a in activities if a.code}
    seen = set()
    count = 0
    for r in requirements:
        group = r.get("target_group")
        if group not in vocab.TargetGroup.values:
            continue
        activity = by_code.get(r.get("activity_code") or "")
        index = r.get("activity")
        if activity is None and isinstance(index, int) and 0 <= index < len(activities):
            activity = activities[index]
        level = r.get("level") if r.get("level") in vocab.TrainingLevel.values else "commune"
        key = (group, level)
        if key in seen:
            continue
        seen.add(key)
        TrainingRequirement.objects.create(
            plan=plan,
            activity=activity,
            target_group=group,
            unit_scope=None,
            level=level,
            per_year=min(max(int(r.get("per_year") or 1), 1), 12),
            source_text=(r.get("source_text") or "")[:2000],
            from_importer=True,
        )
        count += 1
    if count:
        _mark(plan)
    return count


def _check(plan, requirement, target_group, level, per_year, unit_scope, activity) -> None:
    if target_group not in vocab.TargetGroup.values:
        raise ValidationError({"target_group": ValidationError(_("Nhóm không hợp lệ."), "group")})
    if level not in vocab.TrainingLevel.values:
        raise ValidationError({"level": ValidationError(_("Cấp không hợp lệ."), "level")})
    if not isinstance(per_year, int) or not 1 <= per_year <= 12:
        message = _("Số lần mỗi năm phải từ 1 đến 12.")
        raise ValidationError({"per_year": ValidationError(message, "per_year")})
    if unit_scope is not None and (
        plan.unit is None or not unit_scope.path.startswith(plan.unit.path)
    ):
        message = _("Phạm vi phải nằm trong địa bàn của kế hoạch.")
        raise ValidationError({"unit_scope": ValidationError(message, "scope")})
    if activity is not None and activity.plan_id != plan.pk:
        raise ValidationError(
            {"activity": ValidationError(_("Hoạt động không hợp lệ."), "activity")}
        )
    same = TrainingRequirement.objects.filter(
        plan=plan, target_group=target_group, level=level, unit_scope=unit_scope
    )
    if requirement is not None:
        same = same.exclude(pk=requirement.pk)
    if same.exists():
        message = _("Kế hoạch đã có yêu cầu tập huấn cho nhóm này.")
        raise ValidationError({"target_group": ValidationError(message, "duplicate")})


@transaction.atomic
def training_requirement_save(
    *,
    actor: Any,
    plan: Plan,
    requirement: TrainingRequirement | None = None,
    target_group: str,
    per_year: int = 1,
    level: str = "commune",
    unit_scope: Any = None,
    activity: Activity | None = None,
    source_text: str = "",
    request: Any = None,
) -> TrainingRequirement:
    from gbvms.plans.selectors import plan_get

    plan = plan_get(user=actor, pk=plan.pk, for_write=True)
    if requirement is not None and requirement.plan_id != plan.pk:
        raise PermissionDenied
    _check(plan, requirement, target_group, level, per_year, unit_scope, activity)
    if requirement is None:
        requirement = TrainingRequirement(plan=plan)
    requirement.target_group = target_group
    requirement.per_year = per_year
    requirement.level = level
    requirement.unit_scope = unit_scope
    requirement.activity = activity
    requirement.source_text = (source_text or "")[:2000]
    requirement.save()
    _mark(plan)
    log_action(
        action="plans.training_requirement.saved",
        actor=actor,
        request=request,
        obj=plan,
        changes={"target_group": target_group, "per_year": per_year, "level": level},
    )
    return requirement


@transaction.atomic
def training_requirement_delete(
    *, actor: Any, requirement: TrainingRequirement, request: Any = None
) -> None:
    from gbvms.plans.selectors import plan_get

    plan = plan_get(user=actor, pk=requirement.plan_id, for_write=True)
    requirement.delete()
    _mark(plan)
    log_action(
        action="plans.training_requirement.deleted",
        actor=actor,
        request=request,
        obj=plan,
        changes={"target_group": requirement.target_group},
    )
