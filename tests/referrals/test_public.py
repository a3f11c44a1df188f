import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from gbvms.cases.models import Case
from gbvms.core.models import AccessLog
from gbvms.referrals.models import HelpRequest, RateBucket, RoutingRule


def ask(client, commune, **extra):
    payload = {
        "kind": "need_help",
        "commune_code": commune.code,
        "description": "Chồng đánh tôi",
        "answers": ["the_chat", "danger_now"],
        "contact": {"phone": "0987 000 111", "safe_times": "sau 17 giờ"},
    }
    payload.update(extra)
    return client.post("/api/v1/public/help-requests", payload, content_type="application/json")


@pytest.mark.django_db
class TestPublicRequests:
    def test_request_routes_to_the_commune_and_status_shows_nothing_identifying(
        self, client, personas, as_user, commune_a
    ):
        created = ask(client, commune_a)
        assert created.status_code == 201
        code, pin = created.json()["tracking_code"], created.json()["pin"]
        assert re.fullmatch(r"[A-Z2-9]{10}", code)
        assert re.fullmatch(r"\d{6}", pin)
        item = HelpRequest.objects.unscoped().get()
        assert item.agency.name == "UBND phường Kon Tum"  # the commune's case-work agency
        assert item.pin_hash != pin
        # the worker of that commune sees it in the triage inbox and replies
        worker = as_user(personas["worker_a"])
        assert code in worker.get("/referrals/help-requests/").content.decode()
        assert (
            "Chồng đánh tôi" in worker.get(f"/referrals/help-requests/{item.pk}/").content.decode()
        )
        worker.post(
            f"/referrals/help-requests/{item.pk}/",
            {"action": "reply", "text": "Chúng tôi sẽ gọi sau 17 giờ."},
        )
        status = client.post(
            "/api/v1/public/help-requests/status",
            {"tracking_code": code.lower(), "pin": pin},
            content_type="application/json",
        )
        body = status.json()
        assert body["status"] == "in_progress"
        assert body["replies"][0]["text"] == "Chúng tôi sẽ gọi sau 17 giờ."
        assert "0987" not in status.content.decode()
        assert "Chồng đánh tôi" not in status.content.decode()
        wrong = client.post(
            "/api/v1/public/help-requests/status",
            {"tracking_code": code, "pin": "000000"},
            content_type="application/json",
        )
        assert wrong.status_code == 404
        # another commune's worker does not see it
        assert (
            as_user(personas["worker_b"]).get(f"/referrals/help-requests/{item.pk}/").status_code
            == 404
        )

    def test_routing_rule_wins(self, client, personas, agencies, province, commune_a):
        RoutingRule.objects.create(
            unit=province, kind="workplace_harassment", agency=agencies["province"]
        )
        assert ask(client, commune_a, kind="workplace_harassment").status_code == 201
        second = ask(client, commune_a)
        assert second.status_code == 201, second.content
        agencies_ = list(
            HelpRequest.objects.unscoped().order_by("id").values_list("agency__name", flat=True)
        )
        assert agencies_ == ["Sở Nội vụ tỉnh Quảng Ngãi", "UBND phường Kon Tum"]

    def test_triage_converts_to_a_prefilled_case(self, client, personas, as_user, commune_a):
        ask(client, commune_a)
        item = HelpRequest.objects.unscoped().get()
        response = as_user(personas["worker_a"]).post(
            f"/referrals/help-requests/{item.pk}/", {"action": "convert"}
        )
        case = Case.objects.unscoped().get()
        assert response["Location"] == f"/cases/{case.code}/"
        assert (case.channel, case.unit, case.immediate_danger) == ("public_web", commune_a, True)
        assert case.survivor.phone == "+84987000111"  # normalised (E.164)
        assert case.incidents.get().violence_forms == ["the_chat"]
        item.refresh_from_db()
        assert (item.status, item.case) == ("converted", case)
        assert item.first_response_at is not None

    def test_close_needs_a_reason(self, client, personas, as_user, commune_a):
        ask(client, commune_a)
        item = HelpRequest.objects.unscoped().get()
        worker = as_user(personas["worker_a"])
        worker.post(f"/referrals/help-requests/{item.pk}/", {"action": "close", "reason": ""})
        item.refresh_from_db()
        assert item.status == "new"
        worker.post(
            f"/referrals/help-requests/{item.pk}/",
            {"action": "close", "reason": "Trùng yêu cầu khác"},
        )
        item.refresh_from_db()
        assert (item.status, item.closed_reason) == ("closed", "Trùng yêu cầu khác")

    def test_rate_limited_without_keeping_addresses(self, client, personas, commune_a, settings):
        settings.PUBLIC_REQUESTS_PER_HOUR = 2
        assert [ask(client, commune_a).status_code for _ in range(3)] == [201, 201, 429]
        keys = list(RateBucket.objects.values_list("key", flat=True))
        assert keys
        assert all("127.0.0.1" not in k and len(k) == 64 for k in keys)

    def test_status_checks_are_limited_per_tracking_code(
        self, client, personas, commune_a, settings
    ):
        settings.PUBLIC_STATUS_CHECKS_PER_HOUR = 3
        code = ask(client, commune_a).json()["tracking_code"]
        codes = [
            client.post(
                "/api/v1/public/help-requests/status",
                {"tracking_code": code, "pin": "123456"},
                content_type="application/json",
            ).status_code
            for _ in range(4)
        ]
        assert codes == [404, 404, 404, 429]


@pytest.mark.django_db
class TestPublicPages:
    def test_form_honeypot_and_no_cookies(self, client, personas, commune_a):
        page = client.get("/help/request/")
        assert page.status_code == 200
        assert not page.cookies  # no session, no CSRF, no tracking cookie
        assert page["Cache-Control"] == "no-store"
        assert page["Referrer-Policy"] == "no-referrer"
        bot = client.post(
            "/help/request/",
            {"kind": "need_help", "commune": commune_a.code, "website": "http://spam"},
        )
        assert bot.status_code == 200
        assert not HelpRequest.objects.unscoped().exists()
        done = client.post(
            "/help/request/",
            {
                "kind": "need_help",
                "commune": commune_a.code,
                "answers": ["tinh_than"],
                "no_contact": "on",
            },
        )
        assert done.status_code == 200
        assert not done.cookies
        item = HelpRequest.objects.unscoped().get()
        assert item.no_contact
        assert item.tracking_code in done.content.decode()
        assert (
            not AccessLog.objects.unscoped()
            .filter(ip__isnull=False, action__startswith="referrals.help")
            .exists()
        )

    def test_find_help_by_commune_name_and_need(self, client, network):
        page = client.get("/help/", {"commune": "Phường Kon Tum", "service": "shelter"})
        body = page.content.decode()
        assert "Nhà tạm lánh của Trung tâm" in body
        assert "0905 000 111" not in body  # the internal phone stays internal

    @pytest.mark.parametrize(
        "url", ["/help/", "/help/hotlines/", "/help/safety/", "/help/request/", "/help/status/"]
    )
    def test_pages_are_small_accessible_and_have_the_quick_exit(self, client, url):
        page = client.get(url)
        html = page.content.decode()
        assert "data-quick-exit" in html
        assert "<html lang=" in html
        assets = re.findall(r'(?:href|src)="/static/([^"]+)"', html)
        size = len(page.content) + sum(Path(finders.find(a)).stat().st_size for a in assets)
        assert size < 100_000, size
        assert not re.search(r'(?:href|src)="https?://', html)  # no third-party requests
        # every visible input has a label
        for field_id in re.findall(
            r'<input[^>]*type="(?:text|email|password)"[^>]*id="([^"]+)"', html
        ):
            assert f'for="{field_id}"' in html


@pytest.mark.django_db
def test_find_help_by_province(client, network):
    body = client.get("/help/", {"commune": "Quảng Ngãi", "service": "legal_aid"}).content.decode()
    assert "Trợ giúp pháp lý tỉnh" in body  # covers the province
    assert "Tổng đài 111" in body  # national
    names = client.get("/help/", {"commune": "51", "service": "shelter"}).content.decode()
    assert "Địa chỉ tin cậy tỉnh" in names
    assert "Nhà tạm lánh của Trung tâm" not in names  # serves one commune only
