import pytest
from django.db import DatabaseError, connection, transaction

from gbvms.core.audit import log_action
from gbvms.core.models import AccessLog, AppendOnlyError


@pytest.mark.django_db
class TestAppendOnly:
    def test_entry_cannot_be_saved_again(self):
        entry = log_action(action="test.x", username="system")
        entry.action = "test.y"
        with pytest.raises(AppendOnlyError):
            entry.save()

    def test_entry_cannot_be_deleted(self):
        entry = log_action(action="test.x", username="system")
        with pytest.raises(AppendOnlyError):
            entry.delete()
        with pytest.raises(AppendOnlyError):
            AccessLog.objects.unscoped().filter(pk=entry.pk).delete()
        with pytest.raises(AppendOnlyError):
            AccessLog.objects.unscoped().filter(pk=entry.pk).update(action="test.z")

    def test_database_refuses_update_and_delete(self):
        entry = log_action(action="test.x", username="system")
        for sql in (
            "UPDATE core_accesslog SET action = 'forged' WHERE id = %s",
            "DELETE FROM core_accesslog WHERE id = %s",
        ):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
                c.execute(sql, [entry.pk])
        assert AccessLog.objects.unscoped().get(pk=entry.pk).action == "test.x"

    def test_the_django_admin_cannot_change_or_delete(self):
        from django.contrib import admin

        model_admin = admin.site._registry.get(AccessLog)
        assert model_admin is not None
        assert not model_admin.has_change_permission(None)
        assert not model_admin.has_delete_permission(None)
        assert not model_admin.has_add_permission(None)


@pytest.mark.django_db
class TestBrowse:
    def test_administrator_browses_and_filters(self, personas, as_user):
        log_action(action="orgs.agency.created", actor=personas["admin"], object_kind="orgs.agency")
        log_action(action="core.login", actor=personas["officer"])
        client = as_user(personas["admin"])
        page = client.get("/access-log/").content.decode()
        assert "orgs.agency.created" in page
        assert "core.login" in page
        filtered = client.get("/access-log/", {"action": "orgs."}).content.decode()
        assert "orgs.agency.created" in filtered
        assert "<code>core.login</code>" not in filtered
        by_user = client.get("/access-log/", {"username": "officer"}).content.decode()
        assert "<code>core.login</code>" in by_user
        assert "orgs.agency.created" not in by_user

    def test_htmx_request_gets_only_the_rows(self, personas, as_user):
        client = as_user(personas["admin"])
        response = client.get("/access-log/", HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert body.lstrip().startswith('<div id="log-rows">')
        assert "<html" not in body

    @pytest.mark.parametrize("persona", ["officer", "worker_a"])
    def test_other_roles_are_refused(self, personas, as_user, persona):
        assert as_user(personas[persona]).get("/access-log/").status_code == 403

    def test_anonymous_is_sent_to_login(self, client):
        assert client.get("/access-log/")["Location"].startswith("/account/login/")

    def test_bad_filter_shows_an_error_not_a_crash(self, personas, as_user):
        response = as_user(personas["admin"]).get("/access-log/", {"date_from": "31/02/2026"})
        assert response.status_code == 200
        assert "Nhập một ngày hợp lệ." in response.content.decode()
