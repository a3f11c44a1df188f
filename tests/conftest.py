"""Shared fixtures: the real administrative units (loaded once per test database) and personas.

Personas: ``admin`` (province administrator, Quảng Ngãi), ``national_admin`` (superuser),
``worker_a``/``worker_b`` (case workers of two communes), ``officer`` (province programme
officer), ``other_admin`` (administrator of another province), ``anonymous``.
"""

from __future__ import annotations

import pytest
from django.test import Client

from gbvms.geo.models import AdminUnit
from gbvms.geo.services import units_load
from gbvms.orgs.models import Agency, AgencyKind, Membership, User

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        units_load()


def unit(level: str, code: str) -> AdminUnit:
    return AdminUnit.objects.get(level=level, code=code, valid_to__isnull=True)


@pytest.fixture
def province(db):
    return unit("province", "51")


@pytest.fixture
def other_province(db):
    return unit("province", "01")


@pytest.fixture
def commune_a(db):
    return unit("commune", "23293")  # Phường Kon Tum


@pytest.fixture
def commune_b(db):
    return unit("commune", "23401")  # Xã Đăk Tô


def make_agency(name: str, unit_: AdminUnit, kind: str = AgencyKind.PEOPLES_COMMITTEE) -> Agency:
    return Agency.objects.create(name=name, kind=kind, unit=unit_)


def make_user(username: str, *grants: tuple[Agency, str, AdminUnit | None]) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    for agency, role, scope in grants:
        Membership.objects.create(user=user, agency=agency, role=role, scope_unit=scope)
    return user


@pytest.fixture
def agencies(province, commune_a, commune_b, other_province):
    return {
        "province": make_agency("Sở Nội vụ tỉnh Quảng Ngãi", province, AgencyKind.HOME_AFFAIRS),
        "a": make_agency("UBND phường Kon Tum", commune_a),
        "b": make_agency("UBND xã Đăk Tô", commune_b),
        "other": make_agency("Sở Nội vụ thành phố Hà Nội", other_province, AgencyKind.HOME_AFFAIRS),
    }


@pytest.fixture
def personas(agencies, province, commune_a, commune_b, other_province):
    return {
        "admin": make_user("admin", (agencies["province"], "administrator", province)),
        "officer": make_user("officer", (agencies["province"], "programme_officer", province)),
        "worker_a": make_user("worker_a", (agencies["a"], "case_worker", commune_a)),
        "worker_b": make_user("worker_b", (agencies["b"], "case_worker", commune_b)),
        "other_admin": make_user(
            "other_admin", (agencies["other"], "administrator", other_province)
        ),
        "national_admin": User.objects.create_superuser("root", password=PASSWORD),
        "supervisor": make_user("supervisor", (agencies["province"], "case_supervisor", province)),
        "hotline": make_user("hotline", (agencies["province"], "hotline_operator", province)),
        "statistician": make_user("statistician", (agencies["province"], "statistician", province)),
    }


def verified_client(user: User) -> Client:
    """A client signed in as ``user`` with a verified second factor (as after a TOTP login)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def as_user():
    return verified_client
