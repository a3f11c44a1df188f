import pytest

from gbvms.core import scoping
from gbvms.core.models import AccessLog
from gbvms.orgs.models import Agency, Membership, User


@pytest.mark.django_db
class TestScoping:
    def test_commune_user_sees_only_their_commune(self, personas, agencies):
        worker = personas["worker_a"]
        visible = set(scoping.scoped(worker, "geo.view", Agency.objects.all()))
        assert visible == {agencies["a"]}

    def test_commune_user_cannot_see_province_or_other_commune(self, personas, agencies):
        worker = personas["worker_a"]
        qs = scoping.scoped(worker, "geo.view", Agency.objects.all())
        assert not qs.filter(pk=agencies["province"].pk).exists()
        assert not qs.filter(pk=agencies["b"].pk).exists()

    def test_province_user_sees_all_its_communes(self, personas, agencies):
        officer = personas["officer"]
        visible = set(scoping.scoped(officer, "orgs.view", Agency.objects.all()))
        assert visible == {agencies["province"], agencies["a"], agencies["b"]}

    def test_other_province_is_invisible(self, personas, agencies):
        visible = set(scoping.scoped(personas["other_admin"], "orgs.view", Agency.objects.all()))
        assert visible == {agencies["other"]}

    def test_permission_not_in_role_gives_nothing(self, personas):
        # a case worker has no orgs.view
        assert not scoping.scoped(personas["worker_a"], "orgs.view", Agency.objects.all()).exists()

    def test_anonymous_and_inactive_get_nothing(self, personas, agencies):
        from django.contrib.auth.models import AnonymousUser

        assert not scoping.scoped(AnonymousUser(), "geo.view", Agency.objects.all()).exists()
        officer = personas["officer"]
        officer.is_active = False
        assert not scoping.scoped(officer, "orgs.view", Agency.objects.all()).exists()

    def test_deactivated_membership_grants_nothing(self, personas):
        Membership.objects.filter(user=personas["officer"]).update(is_active=False)
        officer = User.objects.get(pk=personas["officer"].pk)
        assert scoping.grants(officer, "orgs.view") == []

    def test_superuser_is_national_administrator_only(self, personas, agencies):
        root = personas["national_admin"]
        assert scoping.scoped(root, "orgs.manage", Agency.objects.all()).count() == 4
        assert scoping.grants(root, "cases.view") == []

    def test_unregistered_model_is_refused(self, personas):
        from gbvms.geo.models import AdminUnit

        with pytest.raises(LookupError):
            scoping.scoped(personas["officer"], "geo.view", AdminUnit.objects.all())

    def test_users_are_scoped_by_their_memberships(self, personas):
        names = set(
            scoping.scoped(personas["admin"], "orgs.view", User.objects.all()).values_list(
                "username", flat=True
            )
        )
        assert names == {
            "admin",
            "officer",
            "worker_a",
            "worker_b",
            "supervisor",
            "hotline",
            "statistician",
        }

    def test_subtree_filter_is_a_prefix_match_on_the_path(self, personas):
        condition = scoping.scope_filter(personas["officer"], "orgs.view", Agency)
        assert str(condition) == "(AND: ('unit__path__startswith', '/51/'))"

    def test_get_for_user_gives_the_same_404_for_missing_and_forbidden(self, personas, agencies):
        from django.http import Http404

        worker = personas["worker_a"]
        with pytest.raises(Http404):
            scoping.get_for_user(worker, "geo.view", Agency.objects.all(), pk=agencies["b"].pk)
        with pytest.raises(Http404):
            scoping.get_for_user(worker, "geo.view", Agency.objects.all(), pk=10**9)

    def test_access_log_is_scoped_by_actor(self, personas):
        from gbvms.core.audit import log_action

        log_action(action="test.a", actor=personas["worker_a"])
        log_action(action="test.other", actor=personas["other_admin"])
        seen = set(
            scoping.scoped(
                personas["admin"], "audit.view", AccessLog.objects.unscoped().all()
            ).values_list("action", flat=True)
        )
        assert seen == {"test.a"}
