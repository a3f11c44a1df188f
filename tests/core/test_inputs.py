"""Input bounds on the pages: form errors for control characters and absurd dates, the request
guard for NUL (paths, headers, cookies, query strings, form bodies), pages that take garbage."""

from __future__ import annotations

import base64
import datetime
import importlib
import pkgutil

import pytest
from django import forms
from django.test import Client

import gbvms
from gbvms.cases.models import Case
from gbvms.core import inputs
from gbvms.core.forms_util import GuardedForm, InputGuardMixin
from gbvms.core.models import AccessLog
from gbvms.core.pagination import _decode, _encode
from tests.cases.test_views_cases import intake


def _project_forms() -> list[type]:
    for module in pkgutil.walk_packages(gbvms.__path__, "gbvms."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    found, stack = [], [forms.BaseForm]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("gbvms.") and sub.__module__ != "gbvms.core.forms_util":
                found.append(sub)
    return found


def test_every_form_of_the_project_is_guarded():
    """A form that does not derive from GuardedForm/GuardedModelForm would take NUL-free but
    otherwise uncontrolled text and any date: this fails when one is added."""
    found = _project_forms()
    assert len(found) > 40
    unguarded = sorted(f"{f.__module__}.{f.__qualname__}" for f in found
                       if not issubclass(f, InputGuardMixin))  # fmt: skip
    assert unguarded == []


class Sample(GuardedForm):
    name = forms.CharField(required=False)
    note = forms.CharField(required=False, widget=forms.Textarea)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    email = forms.EmailField(required=False)
    day = forms.DateField(required=False)
    at = forms.DateTimeField(required=False)
    count = forms.IntegerField(required=False)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Lan\x07"}, "name"),
        ({"name": "Lan\x1b[31m"}, "name"),
        ({"name": "Lan\nAnh"}, "name"),
        ({"name": "Lan\tAnh"}, "name"),
        ({"name": "Lan\x85Anh"}, "name"),
        ({"note": "dòng 1\x08"}, "note"),
        ({"note": "dòng 1\x7f"}, "note"),
        ({"hidden": "a\x0cb"}, "hidden"),
        ({"email": "a\x07@example.org"}, "email"),
        ({"day": "0001-01-01"}, "day"),
        ({"day": "1899-12-31"}, "day"),
        ({"day": "9999-12-31"}, "day"),
        ({"at": "0001-01-01 00:00"}, "at"),
        ({"at": "9999-12-31 23:59"}, "at"),
        ({"count": str(2**63)}, "count"),
        ({"count": "-" + "9" * 30}, "count"),
    ],
)
def test_a_guarded_form_refuses_with_a_message_on_the_field(data, field):
    form = Sample(data)
    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert form.errors.as_data()[field][0].code in {
        inputs.CONTROL_CODE,
        inputs.DATE_CODE,
        inputs.INT_CODE,
        "invalid",  # EmailValidator refuses control characters itself
    }


def test_a_guarded_form_keeps_ordinary_input():
    form = Sample(
        {
            "name": "Nguyễn Thị Lan",
            "note": "Dòng 1\r\nDòng 2\tcột",
            "hidden": "a\nb",
            "day": "1900-01-01",
            "at": "2100-12-31 23:59",
            "count": str(2**63 - 1),
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == datetime.date(1900, 1, 1)


def test_the_date_message_names_the_range():
    form = Sample({"day": "0001-01-01"})
    form.is_valid()
    assert form.errors["day"] == ["Ngày phải trong khoảng từ 01/01/1900 đến 31/12/2100."]


@pytest.mark.django_db
class TestIntakePage:
    def test_a_bell_in_the_name_is_a_form_error_and_opens_no_case(
        self, personas, as_user, commune_a
    ):
        response = intake(as_user(personas["hotline"]), commune_a, full_name="Trần\x07Thị")
        assert response.status_code == 200
        assert response.context["form"].errors["full_name"] == [str(inputs.CONTROL_MESSAGE)]
        assert Case._base_manager.count() == 0

    @pytest.mark.parametrize("value", ["0001-01-01T00:00", "9999-12-31T23:59", "1899-12-31T23:59"])
    def test_an_absurd_detection_date_is_a_form_error(self, personas, as_user, commune_a, value):
        response = intake(as_user(personas["hotline"]), commune_a, detected_at=value)
        assert response.status_code == 200
        assert "detected_at" in response.context["form"].errors
        assert Case._base_manager.count() == 0

    def test_nul_in_a_form_body_is_a_400_and_opens_no_case(self, personas, as_user, commune_a):
        client = as_user(personas["hotline"])
        response = intake(client, commune_a, safe_contact="gọi\x00sau 17h")
        assert response.status_code == 400
        assert Case._base_manager.count() == 0
        assert AccessLog._base_manager.filter(action__startswith="cases.").count() == 0


@pytest.mark.django_db
class TestRequestGuard:
    @pytest.mark.parametrize(
        "url",
        ["/units/?q=Kon%00Tum", "/units/?kind=%00", "/units/?q=%07", "/units/?page=%00",
         "/cases/?after=%00", "/manage/agencies/?q=%00", "/plans/?q=%00",
         "/help/?commune_code=%00"],
    )  # fmt: skip
    def test_a_control_character_in_a_query_string_is_a_400(self, personas, as_user, url):
        response = as_user(personas["admin"]).get(url)
        assert response.status_code == 400
        assert "Yêu cầu không hợp lệ" in response.content.decode()

    def test_nul_in_a_header_is_a_400(self, db):
        assert Client().get("/", HTTP_USER_AGENT="Mozilla\x00").status_code == 400
        assert Client().get("/", HTTP_ACCEPT_LANGUAGE="vi\x07").status_code == 400

    def test_nul_in_the_session_cookie_is_a_400(self, db):
        client = Client()
        client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
        assert client.get("/").status_code == 400

    def test_another_odd_cookie_does_not_lock_the_user_out(self, db):
        client = Client()
        client.cookies["tracker"] = "a\x07b"
        assert client.get("/").status_code in {200, 302}

    def test_nul_in_the_login_form_is_a_400_and_records_nothing(self, personas):
        from axes.models import AccessAttempt

        response = Client().post("/account/login/", {"username": "ad\x00min", "password": "x"})
        assert response.status_code == 400
        assert AccessAttempt.objects.count() == 0

    def test_ordinary_requests_pass(self, personas, as_user):
        client = as_user(personas["admin"])
        assert client.get("/units/", {"q": "Kon Tum"}).status_code == 200
        assert client.get("/", HTTP_USER_AGENT="Mozilla/5.0\t(X11)").status_code in {200, 302}


@pytest.mark.django_db
class TestPagesTakeGarbage:
    @pytest.mark.parametrize(
        "page", ["x", "-1", "0", "1e400", "9" * 30, "9" * 5000, "inf", "nan", "1.5"]
    )
    def test_a_bad_page_number_is_a_page(self, personas, as_user, page):
        response = as_user(personas["admin"]).get("/units/", {"page": page})
        assert response.status_code == 200

    @pytest.mark.parametrize(
        "raw",
        [
            "0001-01-01T00:00:00+07:00|1",
            "9999-12-31T23:59:59-12:00|1",
            "2026-01-01T00:00:00|1",  # naive
            "2026-01-01T00:00:00+07:00|" + "9" * 30,
            "2026-01-01T00:00:00+07:00|-1",
            "garbage",
        ],
    )
    def test_an_edited_cursor_is_the_first_page(self, personas, as_user, raw):
        cursor = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
        assert _decode(cursor) is None
        response = as_user(personas["worker_a"]).get("/cases/", {"after": cursor})
        assert response.status_code == 200

    def test_a_cursor_we_wrote_still_works(self):
        at = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
        assert _decode(_encode(at, 42)) == (at, 42)
