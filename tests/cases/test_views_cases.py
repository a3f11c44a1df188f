import pytest

from gbvms.cases.models import Case
from gbvms.core.models import AccessLog


def intake(client, commune, **extra):
    data = {
        "channel": "hotline",
        "commune": commune.pk,
        "violence_forms": ["the_chat", "tinh_than"],
        "immediate_danger": "yes",
        "safe_contact": "Chỉ gọi sau 17 giờ",
        "full_name": "Trần Thị Bích",
        "phone": "0987 654 321",
        "birth_year": "1995",
        "sex": "female",
        "detected_at": "2026-03-02T09:30",
    }
    data.update(extra)
    return client.post("/cases/new/", data, follow=True)  # answered with a redirect


@pytest.mark.django_db
class TestIntakePage:
    def test_hotline_opens_a_case_and_sees_only_its_code(self, personas, as_user, commune_a):
        response = intake(as_user(personas["hotline"]), commune_a)
        assert response.status_code == 200
        case = Case.objects.unscoped().get()
        body = response.content.decode()
        assert case.code in body
        assert "Trần Thị Bích" not in body
        assert case.immediate_danger is True
        assert case.incidents.get().violence_forms == ["the_chat", "tinh_than"]

    def test_errors_are_shown_in_vietnamese_and_nothing_is_saved(
        self, personas, as_user, commune_a
    ):
        response = intake(as_user(personas["hotline"]), commune_a, channel="", birth_year="2030")
        body = response.content.decode()
        assert "Trường này là bắt buộc." in body
        assert "Năm sinh không thể ở tương lai." in body
        assert not Case.objects.unscoped().exists()

    def test_commune_outside_scope_is_not_offered(self, personas, as_user, commune_b):
        response = intake(as_user(personas["worker_a"]), commune_b)
        assert "Hãy chọn một lựa chọn hợp lệ." in response.content.decode()
        assert not Case.objects.unscoped().exists()

    @pytest.mark.parametrize("persona", ["officer", "statistician", "admin"])
    def test_roles_without_intake_get_403(self, personas, as_user, persona):
        assert as_user(personas[persona]).get("/cases/new/").status_code == 403


@pytest.mark.django_db
class TestListAndDetail:
    def test_worker_lists_own_cases_without_names(self, personas, as_user, commune_a, commune_b):
        intake(as_user(personas["hotline"]), commune_a)
        intake(as_user(personas["hotline"]), commune_b, full_name="Lê Văn C")
        body = as_user(personas["worker_a"]).get("/cases/").content.decode()
        assert body.count('data-testid="case-row"') == 1
        assert "Trần Thị Bích" not in body

    def test_supervisor_lists_the_province(self, personas, as_user, commune_a, commune_b):
        intake(as_user(personas["hotline"]), commune_a)
        intake(as_user(personas["hotline"]), commune_b)
        body = as_user(personas["supervisor"]).get("/cases/").content.decode()
        assert body.count('data-testid="case-row"') == 2

    def test_search_by_phone_is_posted_and_not_logged_in_clear(self, personas, as_user, commune_a):
        intake(as_user(personas["hotline"]), commune_a)
        client = as_user(personas["worker_a"])
        body = client.post("/cases/", {"name": "", "phone": "+84 987654321"}).content.decode()
        assert body.count('data-testid="case-row"') == 1
        entry = AccessLog.objects.unscoped().get(action="cases.case.searched")
        assert "987" not in str(entry.changes)
        miss = client.post("/cases/", {"name": "Không Có Ai", "phone": ""}).content.decode()
        assert miss.count('data-testid="case-row"') == 0

    def test_detail_shows_identity_and_is_logged(self, personas, as_user, commune_a):
        intake(as_user(personas["hotline"]), commune_a)
        code = Case.objects.unscoped().get().code
        body = as_user(personas["worker_a"]).get(f"/cases/{code}/").content.decode()
        assert "Trần Thị Bích" in body
        assert (
            AccessLog.objects.unscoped().filter(action="cases.case.viewed", object_id=code).count()
            == 1
        )

    def test_print_and_export_are_logged_as_such(self, personas, as_user, commune_a):
        import json

        intake(as_user(personas["hotline"]), commune_a)
        code = Case.objects.unscoped().get().code
        client = as_user(personas["worker_a"])
        printed = client.get(f"/cases/{code}/print/")
        assert printed.status_code == 200
        assert "Trần Thị Bích" in printed.content.decode()
        exported = client.get(f"/cases/{code}/export/")
        assert exported["Content-Disposition"] == f'attachment; filename="{code}.json"'
        assert exported["Cache-Control"] == "no-store"
        document = json.loads(exported.content)
        assert document["code"] == code
        assert document["survivor"]["full_name"] == "Trần Thị Bích"
        actions = set(
            AccessLog.objects.unscoped().filter(object_id=code).values_list("action", flat=True)
        )
        assert {"cases.case.printed", "cases.case.exported"} <= actions
        # the same 404 and no log line for a worker of another commune
        other = as_user(personas["worker_b"])
        assert other.get(f"/cases/{code}/print/").status_code == 404
        assert other.get(f"/cases/{code}/export/").status_code == 404
        assert (
            not AccessLog.objects.unscoped()
            .filter(object_id=code, actor=personas["worker_b"], action__startswith="cases.case.")
            .exists()
        )

    def test_other_commune_worker_gets_the_404_page(self, personas, as_user, commune_a):
        intake(as_user(personas["hotline"]), commune_a)
        code = Case.objects.unscoped().get().code
        response = as_user(personas["worker_b"]).get(f"/cases/{code}/")
        assert response.status_code == 404
        assert "Không tìm thấy trang" in response.content.decode()
        assert not AccessLog.objects.unscoped().filter(action="cases.case.viewed").exists()


@pytest.mark.django_db
class TestWizard:
    def test_one_question_at_a_time_then_save(self, personas, as_user, commune_a):
        intake(as_user(personas["hotline"]), commune_a)
        code = Case.objects.unscoped().get().code
        client = as_user(personas["worker_a"])
        url = f"/cases/{code}/classify/"
        first = client.get(url).content.decode()
        assert 'data-testid="question">Hiếp dâm<' in first
        second = client.post(url, {"answer": "no"}).content.decode()
        assert 'data-testid="question">Xâm hại tình dục<' in second
        third = client.post(url, {"a_rape": "no", "answer": "no"}).content.decode()
        assert 'data-testid="question">Bạo lực thể chất<' in third
        result = client.post(
            url, {"a_rape": "no", "a_sexual_assault": "no", "answer": "yes"}
        ).content.decode()
        assert 'data-testid="result">Bạo lực thể chất<' in result
        saved = client.post(
            url,
            {
                "a_rape": "no",
                "a_sexual_assault": "no",
                "a_physical_assault": "yes",
                "save": "1",
                "occurred_on": "2026-02-28",
                "relationships": ["intimate_partner"],
                "case_version": Case.objects.unscoped().get().version,  # as the wizard carries it
            },
        )
        assert saved.status_code == 302
        incident = Case.objects.unscoped().get().incidents.get()
        assert incident.gbv_type == "physical_assault"
        assert incident.context == ["intimate_partner_violence"]
        assert incident.answers == {
            "rape": False,
            "sexual_assault": False,
            "physical_assault": True,
        }

    def test_wizard_is_not_open_to_other_communes(self, personas, as_user, commune_a):
        intake(as_user(personas["hotline"]), commune_a)
        code = Case.objects.unscoped().get().code
        assert as_user(personas["worker_b"]).get(f"/cases/{code}/classify/").status_code == 404


@pytest.mark.django_db
def test_keyset_pagination_walks_every_case_once(personas, as_user, commune_a):
    import datetime
    import re

    from gbvms.cases import services

    base = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    for i in range(30):
        services.case_open(
            actor=personas["worker_a"],
            survivor=services.SurvivorData(),
            channel="hotline",
            commune=commune_a,
            detected_at=base + datetime.timedelta(hours=i % 7),  # ties on purpose
        )
    client = as_user(personas["worker_a"])
    first = client.get("/cases/").content.decode()
    codes = re.findall(r'href="/cases/(51-\d{4}-\d{6})/"', first)
    assert len(codes) == 25
    cursor = re.search(r"after=([\w-]+)", first).group(1)
    second = client.get("/cases/", {"after": cursor}).content.decode()
    more = re.findall(r'href="/cases/(51-\d{4}-\d{6})/"', second)
    assert len(more) == 5
    assert len(set(codes + more)) == 30
    assert "after=" not in second.split('id="case-rows"')[1]
    garbage = client.get("/cases/", {"after": "not-a-cursor"})
    assert garbage.status_code == 200


@pytest.mark.django_db
def test_context_is_shown_by_its_label(personas, as_user, commune_a):
    from gbvms.cases import services

    code = services.case_open(
        actor=personas["worker_a"], survivor=services.SurvivorData(birth_year=1990),
        channel="hotline", commune=commune_a,
        detected_at=__import__("datetime").datetime(2026, 3, 2, tzinfo=__import__("datetime").UTC),
        incident=services.IncidentData(answers={"rape": False, "sexual_assault": False,
                                                "physical_assault": True},
                                       relationships=["intimate_partner"]),
    ).case.code  # fmt: skip
    body = as_user(personas["worker_a"]).get(f"/cases/{code}/").content.decode()
    assert "Bạo lực do bạn đời/bạn tình" in body
    assert ">intimate_partner_violence<" not in body


@pytest.mark.django_db
def test_list_filters(personas, as_user, commune_a, commune_b):
    import datetime

    from gbvms.cases import services, services_care

    when = datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC)
    physical = services.IncidentData(answers={"rape": False, "sexual_assault": False,
                                              "physical_assault": True})  # fmt: skip
    first = services.case_open(actor=personas["supervisor"], survivor=services.SurvivorData(),
                               channel="police", commune=commune_a, detected_at=when,
                               incident=physical).case  # fmt: skip
    services.case_open(actor=personas["supervisor"], survivor=services.SurvivorData(),
                       channel="police", commune=commune_b, detected_at=when)  # fmt: skip
    services_care.risk_assess(actor=personas["supervisor"], case=first, answers={"weapon": True})
    client = as_user(personas["supervisor"])

    def rows(**params):
        return client.get("/cases/", params).content.decode().count('data-testid="case-row"')

    assert rows() == 2
    assert rows(risk="high") == 1
    assert rows(unit_code="23401") == 1
    assert rows(gbv_type="physical_assault") == 1
    assert rows(gbv_type="rape") == 0
    assert rows(worker=personas["worker_a"].pk) == 1
    assert rows(worker=personas["worker_b"].pk) == 1
    assert rows(overdue="on") == 0
    services_care.follow_up_add(actor=personas["supervisor"], case=first,
                                due_on=datetime.date(2026, 3, 10))  # fmt: skip
    assert rows(overdue="on") == 1
    # a worker gets no 'worker' filter (they see only their own cases), a supervisor does
    worker_page = as_user(personas["worker_a"]).get("/cases/").content.decode()
    assert 'name="worker"' not in worker_page
    supervisor_page = client.get("/cases/").content.decode()
    assert 'name="worker"' in supervisor_page
    assert 'name="overdue"' in supervisor_page
    # a worker outside the supervisor's province is not a valid choice
    assert client.get("/cases/", {"worker": personas["other_admin"].pk}).status_code == 200
    assert rows(worker=personas["other_admin"].pk) == 2  # invalid filter value is ignored
