"""Bad input on the JSON API is a 422 naming the field, never a 500 — on SQLite and PostgreSQL.

The endpoints and their fields are read from the OpenAPI document, so a new list, a new write
endpoint or a new field is covered without touching this file.
"""

from __future__ import annotations

from typing import Any

import pytest

from gbvms.api.api import api
from gbvms.api.schema import MAX_OFFSET, BoundedInput
from gbvms.cases.models import Case, FollowUp, ServiceRecord
from gbvms.core.models import AccessLog
from tests.cases.test_api_cases import NAME, open_case, payload

DOC = api.get_openapi_schema(path_prefix="/api/v1")
SCHEMAS = DOC["components"]["schemas"]
# Lists that are bounded by nature and take no offset (say why when adding one).
UNPAGED = {
    "/api/v1/directory/providers": "the providers of one commune for one service",
    "/api/v1/indicators": "the catalogue: a few dozen definitions, all at once",
    "/api/v1/cases/{code}/notes": "the progress notes of one case, read with the case",
}


def _operations(method: str) -> list[tuple[str, dict[str, Any]]]:
    return [(path, ops[method]) for path, ops in DOC["paths"].items() if method in ops]


def _returns_a_list(op: dict[str, Any]) -> bool:
    ok = op["responses"].get(200) or op["responses"].get("200") or {}
    schema = ok.get("content", {}).get("application/json", {})
    schema = schema.get("schema", {})
    if "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
        return schema.get("properties", {}).get("items", {}).get("type") == "array"
    return schema.get("type") == "array"


LISTS = [path for path, op in _operations("get") if _returns_a_list(op)]
PAGED = [path for path in LISTS if path not in UNPAGED]


def _concrete(path: str) -> str:
    return path.replace("{code}", "51-2026-000001").replace("{pk}", "1")


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    options = [s for s in schema.get("anyOf", schema.get("allOf", [])) if s.get("type") != "null"]
    return _resolve(options[0]) if len(options) == 1 else schema


def _leaves(schema: dict[str, Any], prefix: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    """(location, schema) of every scalar field of a body schema, nested objects included."""
    for name, sub in _resolve(schema).get("properties", {}).items():
        sub = _resolve(sub)
        if sub.get("type") == "object" and "properties" in sub:
            yield from _leaves(sub, (*prefix, name))
        else:
            yield (*prefix, name), sub


def _nest(location: tuple[str, ...], value: Any) -> dict[str, Any]:
    for name in reversed(location):
        value = {name: value}
    return value


def _bodies() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path, op in _operations("post"):
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
        if body:
            found.append((path, body["schema"]))
    return found


def _fields(kind: str) -> list[tuple[str, tuple[str, ...], dict[str, Any]]]:
    """(endpoint, field location, field schema) of every text or date field of every body."""
    found = []
    for path, schema in _bodies():
        for location, sub in _leaves(schema):
            items = _resolve(sub.get("items", {})) if sub.get("type") == "array" else {}
            if kind == "text" and "enum" not in sub and "const" not in sub:
                plain = sub.get("type") == "string" and "format" not in sub
                in_list = items.get("type") == "string" and "enum" not in items
                keys = sub.get("type") == "object" and "additionalProperties" in sub
                if plain or in_list or keys:
                    found.append((path, location, sub))
            if kind == "date" and sub.get("format") in {"date", "date-time"}:
                found.append((path, location, sub))
    return found


def _errors(response) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return response.json()["detail"]


def _named(errors: list[dict[str, Any]], location: tuple[str, ...], *kinds: str) -> bool:
    return any(e["type"] in kinds and tuple(e["loc"][-len(location) :]) == location for e in errors)


@pytest.fixture
def root(personas, agencies, as_user):
    # the national administrator, also a national programme officer so that the programme
    # lists (programme.view) answer too
    from gbvms.orgs.models import Membership

    Membership.objects.create(user=personas["national_admin"], agency=agencies["province"],
                              role="programme_officer", scope_unit=None)  # fmt: skip
    return as_user(personas["national_admin"])


def test_the_document_has_the_lists_and_fields_this_file_walks():
    assert {"/api/v1/geo/units", "/api/v1/audit/access-log", "/api/v1/referrals/inbox"} <= set(
        PAGED
    )
    texts = {(p, loc) for p, loc, _ in _fields("text")}
    assert ("/api/v1/cases", ("survivor", "full_name")) in texts
    assert ("/api/v1/public/help-requests", ("contact", "phone")) in texts
    dates = {(p, loc) for p, loc, _ in _fields("date")}
    assert {
        ("/api/v1/cases", ("detected_at",)),
        ("/api/v1/cases", ("incident", "occurred_on")),
        ("/api/v1/cases/{code}/services", ("delivered_at",)),
        ("/api/v1/cases/{code}/follow-ups", ("due_on",)),
    } <= dates


@pytest.mark.parametrize("path", PAGED)
def test_every_list_takes_a_bounded_limit_and_offset(path):
    params = {p["name"] for p in DOC["paths"][path]["get"].get("parameters", [])}
    assert {"limit", "offset"} <= params


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGED)
@pytest.mark.parametrize(
    ("name", "value", "kind"),
    [
        ("offset", 10**20, "less_than_equal"),
        ("offset", MAX_OFFSET + 1, "less_than_equal"),
        ("offset", -1, "greater_than_equal"),
        ("offset", "x", "int_parsing"),
        ("offset", "1e400", "int_parsing"),
        ("limit", 0, "greater_than_equal"),
        ("limit", 10**20, "less_than_equal"),
        ("limit", "-", "int_parsing"),
    ],
)
def test_a_bad_page_is_a_422_naming_the_parameter(root, path, name, value, kind):
    before = AccessLog._base_manager.count()
    response = root.get(_concrete(path), {name: value})
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    assert _named(_errors(response), ("query", name), kind)
    assert AccessLog._base_manager.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGED)
def test_the_largest_offset_is_an_empty_page(root, path):
    response = root.get(_concrete(path), {"offset": MAX_OFFSET})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body if isinstance(body, list) else body["items"]) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "location", "schema"), _fields("text"))
@pytest.mark.parametrize("bad", ["a\x00b", "a\x07b", "a\x1bb", "a\x7fb", "\ud800"])
def test_a_control_character_in_any_text_field_is_a_422_naming_it(
    root, path, location, schema, bad
):
    if schema.get("type") == "array":
        value: Any = [bad]
    elif schema.get("type") == "object":
        value = {bad: True}
    else:
        value = bad
    response = root.post(_concrete(path), _nest(location, value), content_type="application/json")
    assert response.status_code == 422, response.content
    # a lone surrogate is already refused by pydantic's JSON decoding
    kinds = ("control_characters", "string_unicode")
    assert _named(_errors(response), location, *kinds), _errors(response)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "location", "schema"), _fields("date"))
@pytest.mark.parametrize("year", ["0001", "1899", "2101", "9999"])
def test_an_absurd_date_in_any_date_field_is_a_422_naming_it(root, path, location, schema, year):
    if schema["format"] == "date":
        values = [f"{year}-01-01", f"{year}-12-31"]
    else:
        values = [f"{year}-01-01T00:00:00+07:00", f"{year}-12-31T23:59:59-12:00"]
    for value in values:
        response = root.post(
            _concrete(path), _nest(location, value), content_type="application/json"
        )
        assert response.status_code == 422, response.content
        assert _named(_errors(response), location, "date_out_of_range"), _errors(response)


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def test_every_input_schema_is_bounded():
    """A body schema that does not derive from ``StrictSchema`` would escape the checks."""
    bounded = {cls.__name__ for cls in _subclasses(BoundedInput)}
    names = set()
    for _path, schema in _bodies():
        stack = [schema]
        while stack:
            current = stack.pop()
            if "$ref" in current:
                name = current["$ref"].rsplit("/", 1)[1]
                if name not in names:
                    names.add(name)
                    stack.append(SCHEMAS[name])
                continue
            stack.extend(current.get("properties", {}).values())
            stack.extend(current.get("anyOf", []))
            if isinstance(current.get("items"), dict):
                stack.append(current["items"])
    assert names
    assert names - bounded == set()


@pytest.mark.django_db
class TestRealWrites:
    """Whole, otherwise valid requests: refused, and nothing written."""

    @pytest.mark.parametrize("bad", ["Nguyễn\x00Thị", "Nguyễn\x07Thị"])
    def test_intake_with_a_control_character_opens_no_case(self, personas, as_user, bad):
        client = as_user(personas["worker_a"])
        data = payload()
        data["survivor"]["full_name"] = bad
        response = client.post("/api/v1/cases", data, content_type="application/json")
        assert response.status_code == 422
        assert _named(_errors(response), ("survivor", "full_name"), "control_characters")
        assert Case._base_manager.count() == 0

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("detected_at", "0001-01-01T00:00:00+07:00"),
            ("detected_at", "9999-12-31T23:59:59-12:00"),
            ("detected_at", "0001-01-01T00:00:00"),
        ],
    )
    def test_intake_with_an_absurd_date_opens_no_case(self, personas, as_user, field, value):
        client = as_user(personas["worker_a"])
        response = client.post(
            "/api/v1/cases", payload(**{field: value}), content_type="application/json"
        )
        assert response.status_code == 422
        assert _named(_errors(response), (field,), "date_out_of_range")
        assert AccessLog._base_manager.filter(action__startswith="cases.case").count() == 0

    def test_incident_date_in_year_one(self, personas, as_user):
        client = as_user(personas["worker_a"])
        data = payload()
        data["incident"]["occurred_on"] = "0001-01-01"
        response = client.post("/api/v1/cases", data, content_type="application/json")
        assert response.status_code == 422
        assert _named(_errors(response), ("incident", "occurred_on"), "date_out_of_range")

    def test_service_and_follow_up_in_year_9999(self, personas, as_user, agencies):
        client = as_user(personas["worker_a"])
        code = open_case(client)
        service = client.post(
            f"/api/v1/cases/{code}/services",
            {
                "kind": "health",
                "delivered_at": "9999-12-31T23:59:59-12:00",
                "provider_id": agencies["a"].pk,
            },
            content_type="application/json",
        )
        follow_up = client.post(
            f"/api/v1/cases/{code}/follow-ups",
            {"due_on": "0001-01-01", "note": "gọi lại"},
            content_type="application/json",
        )
        assert (service.status_code, follow_up.status_code) == (422, 422)
        assert _named(_errors(service), ("delivered_at",), "date_out_of_range")
        assert _named(_errors(follow_up), ("due_on",), "date_out_of_range")
        assert ServiceRecord._base_manager.count() == 0
        assert FollowUp._base_manager.count() == 0

    def test_a_huge_provider_id_is_a_422(self, personas, as_user):
        client = as_user(personas["worker_a"])
        code = open_case(client)
        response = client.post(
            f"/api/v1/cases/{code}/services",
            {"kind": "health", "delivered_at": "2026-03-02T20:00:00+07:00", "provider_id": 10**30},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert ServiceRecord._base_manager.count() == 0

    def test_a_valid_intake_still_opens_a_case(self, personas, as_user):
        client = as_user(personas["worker_a"])
        data = payload()
        data["safe_contact"] = "Gọi sau 18h.\nNhắn tin trước.\tCảm ơn."
        response = client.post("/api/v1/cases", data, content_type="application/json")
        assert response.status_code == 201, response.content
        assert Case._base_manager.get(code=response.json()["code"]).survivor.full_name == NAME


@pytest.mark.django_db
class TestQueryAndPath:
    """Parameters outside a body: the request guard answers before any query reaches the
    database (PostgreSQL refuses NUL in a string literal)."""

    @pytest.mark.parametrize(
        ("path", "params"),
        [
            ("/api/v1/geo/units", {"q": "Kon\x00Tum"}),
            ("/api/v1/geo/units", {"q": "Kon\x07Tum"}),
            ("/api/v1/geo/units", {"parent_code": "5\x001"}),
            ("/api/v1/audit/access-log", {"object_code": "51-2026\x00"}),
            ("/api/v1/referrals/inbox", {"status": "sent\x00"}),
            ("/api/v1/directory/providers", {"commune_code": "23\x00293", "service": "health"}),
        ],
    )
    def test_a_control_character_in_a_query_parameter_is_a_422(self, root, path, params):
        before = AccessLog._base_manager.count()
        response = root.get(path, params)
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "invalid_characters"
        bad = [k for k, v in params.items() if "\x00" in v or "\x07" in v]
        assert [e["loc"] for e in body["detail"]] == [["query", k] for k in bad]
        assert AccessLog._base_manager.count() == before

    @pytest.mark.parametrize(
        "path",
        [
            "/api/v1/cases/51-2026%00-000001",
            "/api/v1/cases/51%07/consents",
            "/api/v1/referrals/1%00",
            "/units/%00/",
            "/cases/51-2026-000001%00/",
        ],
    )
    def test_a_control_character_in_the_path_is_a_400(self, root, path):
        response = root.get(path)
        assert response.status_code == 400

    def test_a_case_code_with_nul_in_a_case_page_is_not_a_500(self, personas, as_user):
        client = as_user(personas["worker_a"])
        code = open_case(client)
        assert client.get(f"/cases/{code}%00/").status_code == 400
        assert client.get(f"/api/v1/cases/{code}%00").status_code == 400

    def test_a_huge_integer_in_the_path_is_not_a_500(self, root):
        big = "9" * 30
        assert root.post(f"/api/v1/referrals/{big}/accept").status_code in {404, 422}
        assert root.get(f"/api/v1/referrals/{big}").status_code in {404, 422}
