from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from gbvms.orgs.selectors import memberships_of

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    agency_id: int
    agency_name: str
    role: str
    unit_code: str | None


class MeOut(Schema):
    username: str
    full_name: str
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut, summary="The caller and their memberships")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    return MeOut(
        username=user.get_username(),
        full_name=getattr(user, "full_name", ""),
        memberships=[
            MembershipOut(
                agency_id=m.agency_id,
                agency_name=m.agency.name,
                role=m.role,
                unit_code=m.scope_unit.code if m.scope_unit else None,
            )
            for m in memberships_of(user)
        ],
    )
