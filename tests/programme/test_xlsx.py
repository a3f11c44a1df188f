"""Bulk entry by spreadsheet: templates with drop-downs, all-or-nothing import through the
services with (row, column, message) errors, exports that import back, formula-safe cells."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from gbvms.programme.models import Event
from gbvms.programme.xlsx_columns import COLUMNS

pytestmark = pytest.mark.django_db

EVENT_HEADERS = [c.title() for c in COLUMNS["event"]]
TRAINING_HEADERS = [c.title() for c in COLUMNS["training"]]


def book_bytes(headers, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def event_row(**overrides):
    row = {
        "Tên hoạt động": "Tọa đàm phòng chống bạo lực gia đình",
        "Loại hoạt động": "Tọa đàm",
        "Mã đơn vị hành chính": "23293",
        "Cơ quan chủ trì": "UBND phường Kon Tum",
        "Từ ngày": datetime.datetime(2026, 11, 20),
        "Đến ngày": "21/11/2026",
        "Địa điểm": "Nhà văn hóa tổ 3",
        "Tổng số người": 40,
        "Nữ": 30,
        "Nam": 10,
        "Kinh phí thực hiện": "5.000.000",
        "Nguồn kinh phí": "Ngân sách địa phương cấp xã",
        "Trạng thái": "Đã thực hiện",
    }
    row.update(overrides)
    return row


def upload(client, kind, data, name="dữ liệu.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(reverse("programme:xlsx_import", args=[kind]), {"file": file})


def training_row(**overrides):
    row = {
        "Tên lớp": "Tập huấn kỹ năng hỗ trợ người bị bạo lực",
        "Chủ đề": "provider_skills",  # a code is accepted as well as the label
        "Tên đơn vị": "Phường Kon Tum",
        "Cơ quan chủ trì": "UBND phường Kon Tum",
        "Từ ngày": "10/05/2026",
        "Đến ngày": "11/05/2026",
        "Số ngày": 2,
        "CTV/NVXH – Nữ": 12,
        "CTV/NVXH – Nam": 3,
        "Địa chỉ tin cậy – Nữ": 5,
    }
    row.update(overrides)
    return row


def snapshot(event):
    fields = ["title", "kind", "unit_id", "lead_agency_id", "plan_activity_id", "start", "end",
              "venue", "participants_total", "participants_female", "participants_male",
              "participants_other", "participants_ethnic", "participants_disability",
              "cost_planned", "cost_actual", "funding", "status", "note"]  # fmt: skip
    values = {f: getattr(event, f) for f in fields}
    if event.kind == "training":
        detail = event.training
        values["training"] = (detail.topic, detail.target_groups, detail.level, detail.days)
        values["participations"] = sorted(
            (p.group, p.sex, p.count) for p in event.participations.all()
        )
    return values


def test_template_has_headers_drop_downs_and_a_hidden_list_sheet(recorders, as_user):
    response = as_user(recorders["rec_a"]).get(reverse("programme:xlsx_template", args=["event"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    data = book.worksheets[0]
    assert [c.value for c in data[1]] == EVENT_HEADERS
    assert EVENT_HEADERS[:5] == ["Tên hoạt động", "Loại hoạt động", "Mã đơn vị hành chính",
                                 "Tên đơn vị", "Cơ quan chủ trì"]  # fmt: skip
    lists = book["Danh mục"]
    assert lists.sheet_state == "hidden"
    validated = {
        str(dv.sqref).split(":")[0]: dv.formula1 for dv in data.data_validations.dataValidation
    }
    assert set(validated) >= {"B2", "E2", "R2", "S2"}  # kind, agency, funding, status
    assert all("'Danh mục'!" in formula for formula in validated.values())
    column = validated["E2"].split("!")[1].replace("$", "").split(":")[0][0]
    agencies = [c.value for c in lists[column][1:] if c.value]
    assert agencies == ["UBND phường Kon Tum"]  # only the agency rec_a records for
    kind_column = validated["B2"].split("!")[1].replace("$", "")[0]
    kinds = [c.value for c in lists[kind_column][1:] if c.value]
    assert "Tọa đàm" in kinds
    assert "Tập huấn" not in kinds
    training = load_workbook(io.BytesIO(as_user(recorders["rec_a"]).get(
        reverse("programme:xlsx_template", args=["training"])).content)).worksheets[0]  # fmt: skip
    headers = [c.value for c in training[1]]
    assert {"CTV/NVXH – Nữ", "CTV/NVXH – Nam", "CTV/NVXH – Khác", "Cấp", "Số ngày"} <= set(headers)


def test_import_form_links_the_template(recorders, as_user):
    response = as_user(recorders["rec_a"]).get(reverse("programme:xlsx_import", args=["training"]))
    assert response.status_code == 200
    assert reverse("programme:xlsx_template", args=["training"]) in response.content.decode()


def test_filled_templates_import_every_row_through_the_services(recorders, as_user, commune_a,
                                                                 agencies):  # fmt: skip
    client = as_user(recorders["rec_a"])
    rows = [event_row(), event_row(**{"Tên hoạt động": "Hội thi", "Loại hoạt động": "contest",
                                      "Tổng số người": None, "Nữ": 7, "Nam": 8})]  # fmt: skip
    response = upload(client, "event", book_bytes(EVENT_HEADERS, rows))
    assert response.status_code == 200, response.content.decode()
    assert "Đã nhập 2 dòng" in response.content.decode()
    events = {e.title: e for e in Event.objects.all()}
    talk = events["Tọa đàm phòng chống bạo lực gia đình"]
    assert (talk.kind, talk.unit, talk.lead_agency, talk.end) == (
        "talk", commune_a, agencies["a"], datetime.date(2026, 11, 21))  # fmt: skip
    assert (talk.participants_total, talk.participants_female, talk.cost_actual) == (
        40,
        30,
        5_000_000,
    )
    assert talk.funding == [{"source": "commune", "amount": 5_000_000}]
    assert events["Hội thi"].participants_total == 15
    assert events["Hội thi"].code.startswith("HD-")
    response = upload(client, "training", book_bytes(TRAINING_HEADERS, [training_row()]))
    assert response.status_code == 200, response.content.decode()
    training = Event.objects.get(kind="training")
    assert training.unit == commune_a
    assert training.participants_total == 20
    assert training.training.target_groups == ["collaborators", "trusted_address"]
    assert sorted((p.group, p.sex, p.count) for p in training.participations.all()) == [
        ("collaborators", "female", 12), ("collaborators", "male", 3),
        ("trusted_address", "female", 5)]  # fmt: skip


def test_two_bad_rows_import_nothing_and_are_both_reported(recorders, as_user):
    rows = [
        event_row(),
        event_row(**{"Nữ": 35}),  # 35 + 10 ≠ 40
        event_row(**{"Từ ngày": "31/02/2026", "Loại hoạt động": "Không có loại này"}),
        event_row(**{"Cơ quan chủ trì": "UBND xã Đăk Tô"}),  # not rec_a's agency
    ]
    response = upload(as_user(recorders["rec_a"]), "event", book_bytes(EVENT_HEADERS, rows))
    assert response.status_code == 400
    assert not Event.objects.exists()
    errors = {(e.row, e.column): e.message for e in response.context["errors"]}
    assert "participants_total" not in str(errors)
    assert set(errors) == {(3, "Tổng số người"), (4, "Từ ngày"), (4, "Loại hoạt động"),
                           (5, "Cơ quan chủ trì")}  # fmt: skip
    assert "khác tổng theo giới tính" in errors[(3, "Tổng số người")]
    assert errors[(5, "Cơ quan chủ trì")] == "Bạn không ghi nhận cho cơ quan này"
    page = response.content.decode()
    assert "Chưa nhập gì" in page
    assert "Không có loại này" in page


def test_formula_like_text_is_stored_as_text_and_exported_neutralised(recorders, as_user):
    client = as_user(recorders["rec_a"])
    formula = '=HYPERLINK("http://evil.example","Bấm vào")'
    response = upload(client, "event", book_bytes(EVENT_HEADERS, [event_row(**{
        "Tên hoạt động": "'" + formula, "Ghi chú": "+84 chú ý"})]))  # fmt: skip
    assert response.status_code == 200, response.content.decode()
    event = Event.objects.get()
    assert event.title == formula
    assert event.note == "+84 chú ý"
    url = reverse("programme:xlsx_export", args=["event"])
    export = client.get(url, {"unit": "23293", "year": 2026})
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    assert sheet["A2"].value == "'" + formula
    assert sheet["A2"].data_type == "s"
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml


def test_export_then_reimport_yields_equal_records(recorders, as_user):
    client = as_user(recorders["rec_a"])
    rows = [event_row(**{"Người DTTS": 4, "Ghi chú": "Có\nhai dòng",
                         "Nguồn kinh phí": "Ngân sách địa phương cấp xã: 3000000; "
                                           "Xã hội hóa: 2000000"}),
            event_row(**{"Trạng thái": "Kế hoạch", "Kinh phí thực hiện": 0,
                         "Kinh phí dự kiến": 1_000_000, "Tổng số người": None, "Nữ": None,
                         "Nam": None})]  # fmt: skip
    assert upload(client, "event", book_bytes(EVENT_HEADERS, rows)).status_code == 200
    assert upload(client, "training", book_bytes(TRAINING_HEADERS, [training_row(**{
        "Nhóm khác – Khác": 0})])).status_code == 200  # fmt: skip
    for kind in ("event", "training"):
        first = [snapshot(e) for e in Event.objects.order_by("id")]
        export = client.get(reverse("programme:xlsx_export", args=[kind]), {"year": 2026})
        response = upload(client, kind, export.content)
        assert response.status_code == 200, response.content.decode()
        records = response.context["done"]
        assert len(records) == (2 if kind == "event" else 1)
        again = [snapshot(Event.objects.get(pk=d["record"].pk)) for d in records]
        assert sorted(again, key=str) == sorted(
            [s for s in first if (s["kind"] == "training") == (kind == "training")], key=str
        )
        assert len(first) + len(again) == Event.objects.count()
    training = Event.objects.filter(kind="training").last()
    assert "other" in training.training.target_groups


def test_a_non_recorder_gets_403(recorders, as_user):
    client = as_user(recorders["stat"])
    for name in ("xlsx_template", "xlsx_import", "xlsx_export"):
        assert client.get(reverse(f"programme:{name}", args=["event"])).status_code == 403
    response = upload(client, "event", book_bytes(EVENT_HEADERS, [event_row()]))
    assert response.status_code == 403
    assert not Event.objects.exists()
    officer = as_user(recorders["officer"])
    assert officer.get(reverse("programme:xlsx_template", args=["nonsense"])).status_code == 404


def test_a_zip_bomb_is_refused_with_a_clear_message(recorders, as_user):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 * 1024 * 1024))
    response = upload(as_user(recorders["rec_a"]), "event", out.getvalue())
    assert response.status_code == 400
    [error] = response.context["errors"]
    assert error.row == 0
    assert error.message.startswith("Tệp XLSX bị nén bất thường")
    assert "không đọc tệp này" in response.content.decode()
    assert not Event.objects.exists()


def test_too_many_rows_and_a_wrong_header_are_file_errors(recorders, as_user, settings):
    client = as_user(recorders["rec_a"])
    response = upload(client, "event", book_bytes(["Tên", *EVENT_HEADERS[1:]], [event_row()]))
    messages = [(e.row, e.column, e.message) for e in response.context["errors"]]
    assert (1, "Tên", "Cột không có trong mẫu.") in messages
    assert (1, "Tên hoạt động", "Thiếu cột bắt buộc.") in messages
    response = upload(client, "event", book_bytes(EVENT_HEADERS, [event_row()] * 2001))
    assert "hơn 2000 dòng" in response.context["errors"][0].message
    assert not Event.objects.exists()


def test_budget_lines_import_and_round_trip(recorders, as_user, commune_a, agencies):
    from gbvms.programme.models import BudgetLine

    headers = [c.title() for c in COLUMNS["budget"]]
    row = {"Tên dòng kinh phí": "Kinh phí truyền thông 2026", "Năm ngân sách": 2026,
           "Mã đơn vị hành chính": 23293, "Cơ quan chủ trì": "UBND phường Kon Tum",
           "Nguồn kinh phí": "Ngân sách địa phương cấp xã", "Dự toán": 20_000_000,
           "Được giao": "15.000.000", "Quyết định giao dự toán": "QĐ 12/QĐ-UBND",
           "Vùng DTTS (Có/Không)": "Có"}  # fmt: skip
    bad = {**row, "Năm ngân sách": 1990, "Dự toán": "nhiều"}
    client = as_user(recorders["rec_a"])
    response = upload(client, "budget", book_bytes(headers, [row, bad]))
    assert {(e.row, e.column) for e in response.context["errors"]} == {(3, "Dự toán"),
                                                                      }  # fmt: skip
    assert not BudgetLine.objects.exists()
    response = upload(client, "budget", book_bytes(headers, [row]))
    assert response.status_code == 200, response.content.decode()
    line = BudgetLine.objects.get()
    assert (line.unit, line.lead_agency, line.funding_source) == (commune_a, agencies["a"],
                                                                  "commune")  # fmt: skip
    assert (line.amount_estimated, line.amount_allocated, line.ethnic_minority_area) == (
        20_000_000, 15_000_000, True)  # fmt: skip
    export = client.get(reverse("programme:xlsx_export", args=["budget"]), {"year": 2026})
    assert upload(client, "budget", export.content).status_code == 200
    fields = ("title", "fiscal_year", "unit_id", "lead_agency_id", "funding_source",
              "amount_estimated", "amount_allocated", "amount_committed", "allocation_decision",
              "ethnic_minority_area", "start", "end", "status")  # fmt: skip
    first, second = (tuple(getattr(x, f) for f in fields) for x in BudgetLine.objects.all())
    assert first == second
    response = upload(client, "budget", book_bytes(headers, [{**row, "Năm ngân sách": 1990}]))
    assert [(e.row, e.column) for e in response.context["errors"]] == [(2, "Năm ngân sách")]


def test_an_officer_records_for_any_agency_of_the_province(recorders, as_user, agencies,
                                                           commune_b):  # fmt: skip
    client = as_user(recorders["officer"])
    rows = [event_row(**{"Cơ quan chủ trì": "UBND xã Đăk Tô", "Mã đơn vị hành chính": None,
                         "Tên đơn vị": "xã  đăk tô"})]  # fmt: skip
    response = upload(client, "event", book_bytes(EVENT_HEADERS, rows))
    assert response.status_code == 200, response.content.decode()
    event = Event.objects.get()
    assert (event.lead_agency, event.unit) == (agencies["b"], commune_b)
    response = upload(client, "event", book_bytes(EVENT_HEADERS, [event_row(**{
        "Cơ quan chủ trì": "Sở Nội vụ thành phố Hà Nội"})]))  # fmt: skip
    assert [e.message for e in response.context["errors"]] == ["Bạn không ghi nhận cho cơ quan này"]
