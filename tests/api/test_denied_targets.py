"""A 404 on an API action's target (a follow-up, a consent, a provider) writes nothing: the case
fetched for writing leaves no 'case opened' row when the request is refused."""

import pytest

from gbvms.cases.models import Case
from gbvms.core.models import AccessLog
from tests.cases.test_api_cases import open_case


def _log_rows() -> int:
    return AccessLog.objects.unscoped().count()


@pytest.mark.django_db
class TestMissingTargetLogsNothing:
    @pytest.fixture
    def setup(self, personas, as_user):
        client = as_user(personas["worker_a"])
        code = open_case(client)
        version = Case.objects.unscoped().get(code=code).version
        return client, code, version

    @pytest.mark.parametrize(
        "path",
        ["follow-ups/999999/done", "consents/999999/withdraw"],
    )
    def test_missing_record_of_the_case(self, setup, path):
        client, code, version = setup
        before = _log_rows()
        response = client.post(
            f"/api/v1/cases/{code}/{path}", content_type="application/json",
            headers={"If-Match": str(version)},
        )  # fmt: skip
        assert response.status_code == 404
        assert _log_rows() == before

    def test_missing_provider_of_a_referral(self, setup):
        client, code, _version = setup
        before = _log_rows()
        response = client.post(
            f"/api/v1/cases/{code}/referrals",
            {"provider_id": 999999, "services": ["health"], "urgency": "routine",
             "visible_sections": ["summary"]},
            content_type="application/json",
        )  # fmt: skip
        assert response.status_code == 404, response.content
        assert _log_rows() == before

    def test_an_existing_record_is_still_logged_as_opened(self, setup):
        client, code, version = setup
        created = client.post(
            f"/api/v1/cases/{code}/follow-ups", {"due_on": "2099-01-01", "note": ""},
            content_type="application/json",
        )  # fmt: skip
        if created.status_code != 201:
            pytest.fail(created.content.decode())
        item = created.json()["id"]
        version = Case.objects.unscoped().get(code=code).version
        response = client.post(
            f"/api/v1/cases/{code}/follow-ups/{item}/done", content_type="application/json",
            headers={"If-Match": str(version)},
        )  # fmt: skip
        assert response.status_code == 200
        opened = AccessLog.objects.unscoped().filter(action="cases.case.opened", object_id=code)
        assert opened.exists()
