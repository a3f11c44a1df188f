"""What the two programme routers (``api.programme``, ``api.programme_delivery``) share: turning
the API's references (NSO unit codes, agency and record ids) into the objects the services take,
and the services' errors into the API's 422 body, with the service's field names turned into the
API's (``unit_code``, not ``unit``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from gbvms.api.cases import Error
from gbvms.api.versions import field_error_code
from gbvms.core import scoping
from gbvms.geo.selectors import unit_get
from gbvms.orgs.models import Agency
from gbvms.programme import services

UNIT_LEVELS = {2: "province", 5: "commune"}
References = dict[str, tuple[str, Callable[[Any], Any]]]


def unit(code: str, field: str = "unit_code") -> Any:
    """The current province (2 digits) or commune (5 digits) of an NSO code."""
    level = UNIT_LEVELS.get(len(code))
    found = unit_get(code=code, level=level) if level and code.isdigit() else None
    if found is None:
        raise services.invalid(
            field,
            _("Không có đơn vị hành chính hiện hành mã %(code)s.") % {"code": code},
            "unknown_unit",
        )
    return found


def agency(field: str) -> Callable[[int], Agency]:
    """A resolver of an active agency id, its error on ``field``."""

    def resolve(pk: int) -> Agency:
        found = Agency.objects.select_related("unit").filter(pk=pk, is_active=True).first()
        if found is None:
            raise services.invalid(field, _("Không tìm thấy cơ quan."), "unknown_agency")
        return found

    return resolve


def agencies(field: str) -> Callable[[list[int]], list[Agency]]:
    """A resolver of a list of active agency ids (all must exist), its error on ``field``."""

    def resolve(pks: list[int]) -> list[Agency]:
        found = list(Agency.objects.filter(pk__in=pks, is_active=True))
        if len(found) != len(set(pks)):
            raise services.invalid(field, _("Không tìm thấy cơ quan."), "unknown_agency")
        return found

    return resolve


def lookup(model: Any, field: str, message: str, code: str) -> Callable[[int | None], Any]:
    """A resolver of an optional id of ``model`` (None stays None); whether the caller may use
    the record is the service's check."""

    def resolve(pk: int | None) -> Any:
        found = model.objects.filter(pk=pk).first() if pk is not None else None
        if pk is not None and found is None:
            raise services.invalid(field, message, code)
        return found

    return resolve


def api_fields(references: References) -> dict[str, str]:
    """Service keyword → API field."""
    return {keyword: field for field, (keyword, _resolve) in references.items()}


def arguments(references: References, values: dict[str, Any]) -> dict[str, Any]:
    """The service's keyword arguments of the API's fields (references resolved)."""
    found = {}
    for field, value in values.items():
        keyword, resolve = references.get(field, (field, None))
        found[keyword] = resolve(value) if resolve else value
    return found


def error(exc: ValidationError, names: dict[str, str]) -> Error:
    """The 422 body, with the service's field names turned into the API's."""
    if not hasattr(exc, "error_dict"):
        return Error(code=exc.code or "validation_error", errors={"__all__": exc.messages})
    errors = {names.get(name, name): messages for name, messages in exc.message_dict.items()}
    return Error(code=field_error_code(exc), errors=errors)


def require(user: Any, permission: str) -> None:
    if not scoping.has_permission(user, permission):
        raise PermissionDenied
