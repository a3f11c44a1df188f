"""The API refuses a session that still owes a second factor, like the pages do; bearer tokens
(machine clients) stay, and create_token only issues one to such a role when told to."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from gbvms.cases.models import Case, FollowUp
from gbvms.core.models import AccessLog
from gbvms.orgs.models import ApiToken
from gbvms.referrals.models import ProviderType, ServiceProvider
from tests.cases.test_api_cases import open_case
from tests.conftest import PASSWORD

LOG = "/api/v1/audit/access-log"


def password_only(username):
    """Signed in with the password only: no device, so the session is not verified."""
    client = Client()
    response = client.post("/account/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def session_without_second_factor(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def refused(response):
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "second_factor_required"
    assert response.json()["detail"]


@pytest.mark.django_db
class TestSession:
    def test_admin_with_password_only_cannot_read_the_access_log(self, personas):
        client = password_only("admin")
        assert client.get("/manage/agencies/").status_code == 302  # the pages send it to set-up
        before = AccessLog.objects.unscoped().count()
        refused(client.get(LOG))
        refused(client.get("/api/v1/me"))
        assert AccessLog.objects.unscoped().count() == before  # a refused request logs nothing

    def test_admin_with_a_verified_session_reads_it(self, personas, as_user):
        response = as_user(personas["admin"]).get(LOG)
        assert response.status_code == 200
        assert response.json()["count"] >= 0

    def test_a_bad_bearer_token_does_not_fall_back_to_the_unverified_session(self, personas):
        client = password_only("admin")
        refused(client.get(LOG, HTTP_AUTHORIZATION="Bearer not-a-token"))

    def test_roles_without_the_requirement_keep_the_session(self, personas):
        assert password_only("officer").get("/api/v1/me").status_code == 200

    def test_a_role_added_to_the_setting_cannot_use_the_case_api_with_a_session(
        self, personas, as_user, settings, capsys
    ):
        code = open_case(as_user(personas["worker_a"]))
        case = Case.objects.unscoped().get(code=code)
        settings.SECOND_FACTOR_REQUIRED_ROLES = ["administrator", "case_worker"]
        client = session_without_second_factor(personas["worker_a"])
        logged, follow_ups = (
            AccessLog.objects.unscoped().count(),
            FollowUp.objects.unscoped().count(),
        )
        refused(client.get(f"/api/v1/cases/{code}"))
        refused(
            client.post(
                f"/api/v1/cases/{code}/follow-ups",
                {"due_on": "2026-03-09"},
                content_type="application/json",
            )
        )
        refused(
            client.post(
                "/api/v1/cases",
                {"channel": "hotline"},
                content_type="application/json",
            )
        )
        assert (AccessLog.objects.unscoped().count(), FollowUp.objects.unscoped().count()) == (
            logged,
            follow_ups,
        )
        assert Case.objects.unscoped().count() == 1
        assert Case.objects.unscoped().get(pk=case.pk).version == case.version
        # the token of a machine client still works
        call_command("create_token", "worker_a", "--allow-second-factor-role")
        raw = capsys.readouterr().out.strip()
        response = Client().get(f"/api/v1/cases/{code}", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 200
        assert response.json()["code"] == code

    def test_public_directory_shows_no_internal_fields_to_an_unverified_session(
        self, personas, agencies, commune_a, as_user
    ):
        provider = ServiceProvider.objects.create(
            agency=agencies["a"],
            name="Nhà tạm lánh",
            type=ProviderType.SOCIAL_WORK_CENTRE,
            services=["shelter"],
            open_24_7=True,
            internal_phone="0905 000 111",
        )
        provider.coverage.set([commune_a])
        url = f"/api/v1/directory/providers?commune_code={commune_a.code}&service=shelter"
        unverified = password_only("admin").get(url).json()["items"]
        assert [i["internal_phone"] for i in unverified] == [None]
        verified = as_user(personas["admin"]).get(url).json()["items"]
        assert [i["internal_phone"] for i in verified] == ["0905 000 111"]


@pytest.mark.django_db
class TestCreateToken:
    def test_refused_for_a_role_that_requires_a_second_factor(self, personas, capsys):
        with pytest.raises(CommandError, match="--allow-second-factor-role"):
            call_command("create_token", "admin")
        assert ApiToken.objects.count() == 0
        assert capsys.readouterr().out == ""
        assert not AccessLog.objects.unscoped().filter(action="orgs.token.created").exists()

    def test_superuser_is_refused_too(self, personas):
        with pytest.raises(CommandError):
            call_command("create_token", "root")
        assert ApiToken.objects.count() == 0

    def test_the_flag_issues_it_and_the_access_log_says_so(self, personas, capsys):
        call_command("create_token", "admin", "--allow-second-factor-role", "--name", "backup")
        raw = capsys.readouterr().out.strip()
        token = ApiToken.objects.get(user=personas["admin"])
        entry = AccessLog.objects.unscoped().get(action="orgs.token.created")
        assert (entry.object_kind, entry.object_id) == ("orgs.apitoken", str(token.pk))
        assert entry.reason == "second_factor_role"
        assert entry.changes == {"user": [None, "admin"]}
        assert raw not in str(entry.changes)
        # the token works on the API without a second factor (machine client)
        response = Client().get(LOG, HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 200

    def test_an_ordinary_role_needs_no_flag(self, personas, capsys):
        call_command("create_token", "worker_a")
        assert capsys.readouterr().out.startswith("gbv_")
        entry = AccessLog.objects.unscoped().get(action="orgs.token.created")
        assert entry.reason == ""
