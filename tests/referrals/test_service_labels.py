"""Pages name the services of a referral or a provider in words, never by their codes."""

import pytest

from tests.referrals.test_access_end import refer

CODE_CELL = "<td>shelter</td>"


@pytest.mark.django_db
def test_referral_pages_show_service_names_not_codes(personas, as_user, case, network, consent):
    worker = as_user(personas["worker_a"])
    referral_id = refer(worker, case, network["shelter"])
    staff = as_user(network["staff"])
    pages = {
        "receiver detail": staff.get(f"/referrals/{referral_id}/"),
        "inbox": staff.get("/referrals/inbox/"),
        "sender detail": worker.get(f"/referrals/{referral_id}/"),
        "case page": worker.get(f"/cases/{case.code}/"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        page = response.content.decode()
        assert "Nơi tạm lánh" in page, name
    detail = pages["receiver detail"].content.decode()
    assert "<dd>Nơi tạm lánh</dd>" in detail
    assert "<dd>shelter</dd>" not in detail
    assert "<td>Nơi tạm lánh</td>" in pages["inbox"].content.decode()
    assert CODE_CELL not in pages["inbox"].content.decode()
    assert "— Nơi tạm lánh —" in pages["case page"].content.decode()


@pytest.mark.django_db
def test_directory_lists_service_names(personas, as_user, network):
    page = as_user(personas["admin"]).get("/referrals/directory/").content.decode()
    assert "<td>Nơi tạm lánh, Tâm lý - xã hội</td>" in page
    assert "<td>shelter, psychosocial</td>" not in page


@pytest.mark.django_db
def test_unclassified_case_shows_a_dash_for_the_type(personas, as_user, case, network, consent):
    referral_id = refer(as_user(personas["worker_a"]), case, network["shelter"])
    page = as_user(network["staff"]).get(f"/referrals/{referral_id}/").content.decode()
    assert "<dt>Loại bạo lực</dt><dd>—</dd>" in page


@pytest.mark.django_db
def test_case_page_names_the_consented_services(personas, as_user, case, consent):
    page = as_user(personas["worker_a"]).get(f"/cases/{case.code}/").content.decode()
    assert "Đồng ý chia sẻ thông tin (Tâm lý - xã hội, Nơi tạm lánh)" in page
    assert "psychosocial" not in page
