"""The columns of the programme XLSX templates (events, trainings, budget lines) and how one
cell is read: labels or codes of the controlled lists, Excel dates or ``dd/mm/yyyy`` text,
whole numbers with or without thousands separators, Có/Không.

Headers are Vietnamese (the msgid); a header in the user's language is accepted too, so a
template downloaded in English imports as well.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as noop

from gbvms.core import scoping, tabular
from gbvms.geo.models import AdminUnit
from gbvms.geo.selectors import unit_get
from gbvms.orgs.models import Agency
from gbvms.programme import vocab
from gbvms.programme.selectors import recording_agencies

BIGGEST = 10**15  # VND amounts and counts above this are typing mistakes
YES, NO = noop("Có"), noop("Không")
GROUP_SHORT = {
    "collaborators": noop("CTV/NVXH"),
    "trusted_address": noop("Địa chỉ tin cậy"),
    "social_staff": noop("Cán bộ xã hội"),
    "providers": noop("Người cung cấp dịch vụ"),
    "ge_staff": noop("Cán bộ làm công tác BĐG"),
    "other": noop("Nhóm khác"),
}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CellError(Exception):
    """A cell that cannot be read; its message is for the user."""


def normal(text: str) -> str:
    """Case-, spacing- and Unicode-form-insensitive key for matching labels and names."""
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Vietnamese msgid
    type: str = "text"  # text int decimal date bool choice funding agency unit_code group
    vocab: str = ""
    required: bool = False
    width: float = 16
    fields: tuple[str, ...] = ()  # service fields whose errors are shown on this column
    sex: str = ""  # group columns: the sex of the count

    def title(self) -> str:
        if self.type == "group":
            return f"{_(self.header)} – {vocab.label('sex', self.sex)}"
        return _(self.header)

    def titles(self) -> set[str]:
        with translation.override("vi"):
            vietnamese = self.title()
        return {normal(self.title()), normal(vietnamese)}


def _text(key: str, header: str, width: float = 16, required: bool = False) -> Column:
    return Column(key, header, width=width, required=required, fields=(key,))


def _int(key: str, header: str) -> Column:
    return Column(key, header, "int", width=12, fields=(key,))


def _choice(key: str, header: str, name: str, required: bool = False, width: float = 24) -> Column:
    return Column(key, header, "choice", vocab=name, required=required, width=width, fields=(key,))


PLACE = [
    Column("unit_code", noop("Mã đơn vị hành chính"), "unit_code", width=12, fields=("unit",)),
    Column("unit_name", noop("Tên đơn vị"), width=22),
    Column(
        "agency",
        noop("Cơ quan chủ trì"),
        "agency",
        required=True,
        width=30,
        fields=("lead_agency", "actor"),
    ),
    Column(
        "activity", noop("Mã hoạt động kế hoạch"), "int", width=12, fields=("plan_activity", "plan")
    ),
]
DATES = [
    Column("start", noop("Từ ngày"), "date", required=True, width=12, fields=("start",)),
    Column("end", noop("Đến ngày"), "date", width=12, fields=("end",)),
]
TAIL = [
    _int("cost_planned", noop("Kinh phí dự kiến")),
    _int("cost_actual", noop("Kinh phí thực hiện")),
    Column(
        "funding",
        noop("Nguồn kinh phí"),
        "funding",
        vocab="funding_source",
        width=28,
        fields=("funding",),
    ),
    _choice("status", noop("Trạng thái"), "record_status", width=14),
    _text("note", noop("Ghi chú"), width=30),
]
EVENT = [
    _text("title", noop("Tên hoạt động"), width=40, required=True),
    _choice("kind", noop("Loại hoạt động"), "event_kind", required=True),
    *PLACE,
    *DATES,
    _text("venue", noop("Địa điểm"), width=22),
    _int("participants_total", noop("Tổng số người")),
    _int("participants_female", noop("Nữ")),
    _int("participants_male", noop("Nam")),
    _int("participants_other", noop("Khác")),
    _int("participants_ethnic", noop("Người DTTS")),
    _int("participants_disability", noop("Người khuyết tật")),
    *TAIL,
]
TRAINING = [
    _text("title", noop("Tên lớp"), width=40, required=True),
    _choice("topic", noop("Chủ đề"), "training_topic", required=True, width=30),
    *PLACE,
    *DATES,
    _choice("level", noop("Cấp"), "training_level", width=12),
    Column("days", noop("Số ngày"), "decimal", width=10, fields=("days",)),
    *[
        Column(
            f"group:{group}:{sex}",
            GROUP_SHORT[group],
            "group",
            width=14,
            sex=sex,
            fields=("participants", "target_groups"),
        )
        for group in vocab.TargetGroup.values
        for sex in vocab.Sex.values
    ],
    _text("venue", noop("Địa điểm"), width=22),
    *TAIL,
]
BUDGET = [
    _text("title", noop("Tên dòng kinh phí"), width=40, required=True),
    Column(
        "fiscal_year",
        noop("Năm ngân sách"),
        "int",
        required=True,
        width=10,
        fields=("fiscal_year", "start", "end"),
    ),
    *PLACE,
    _choice("funding_source", noop("Nguồn kinh phí"), "funding_source", required=True, width=28),
    _int("amount_estimated", noop("Dự toán")),
    _int("amount_allocated", noop("Được giao")),
    _int("amount_committed", noop("Đã cam kết")),
    _text("allocation_decision", noop("Quyết định giao dự toán"), width=24),
    _text("donor", noop("Nhà tài trợ"), width=20),
    _text("project", noop("Dự án"), width=20),
    Column(
        "ethnic_minority_area",
        noop("Vùng DTTS (Có/Không)"),
        "bool",
        width=12,
        fields=("ethnic_minority_area",),
    ),
    _choice("status", noop("Trạng thái"), "record_status", width=14),
    _text("note", noop("Ghi chú"), width=30),
]
COLUMNS: dict[str, list[Column]] = {"event": EVENT, "training": TRAINING, "budget": BUDGET}


def options(column: Column) -> list[tuple[str, str]]:
    """The (code, label) pairs a list column offers."""
    choices = vocab.VOCABULARIES[column.vocab].choices
    if column.vocab == "event_kind":
        return [(c, str(lbl)) for c, lbl in choices if c in vocab.COMMUNICATION_KINDS]
    return [(c, str(lbl)) for c, lbl in choices]


def lookup(column: Column) -> dict[str, str]:
    """normal(code or label, in Vietnamese or the user's language) → code."""
    found: dict[str, str] = {}
    for code, label in options(column):
        found[normal(code)] = code
        found[normal(label)] = code
    with translation.override("vi"):
        for code, label in options(column):
            found[normal(label)] = code
    return found


# ------------------------------------------------------------------ reading one cell


def text_of(value: Any) -> str:
    if isinstance(value, datetime.datetime | datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = tabular.unneutralise(str(value).strip())
    if CONTROL.search(text):
        raise CellError(_("Ô chứa ký tự điều khiển không hợp lệ."))
    return text


def int_of(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError(_("Phải là số nguyên."))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float | Decimal) and value == int(value):
        number = int(value)
    else:
        text = text_of(value)
        if not re.fullmatch(r"-?(\d{1,3}([.,\s]\d{3})+|\d+)", text):
            raise CellError(_("Phải là số nguyên."))
        number = int(re.sub(r"[\s.,]", "", text))
    if abs(number) >= BIGGEST:
        raise CellError(_("Số quá lớn."))
    return number


def decimal_of(value: Any) -> Decimal:
    try:
        number = Decimal(text_of(value).replace(",", "."))
    except InvalidOperation:
        raise CellError(_("Phải là số.")) from None
    if not number.is_finite() or abs(number) >= 1000:
        raise CellError(_("Phải là số."))
    return number


def date_of(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and 20000 < value < 80000:  # an unformatted Excel date
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    text = text_of(value)
    day_first = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    parts = day_first.groups()[::-1] if day_first else iso.groups() if iso else None
    if parts:
        try:
            return datetime.date(*(int(p) for p in parts))
        except ValueError:
            pass
    raise CellError(_("Ngày không hợp lệ (ghi theo dạng dd/mm/yyyy)."))


def bool_of(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    key = normal(text_of(value))
    if key in {normal(YES), normal(_(YES)), "x", "1", "true", "yes"}:
        return True
    if key in {normal(NO), normal(_(NO)), "0", "false", "no"}:
        return False
    raise CellError(_("Ghi “Có” hoặc “Không”."))


def choice_of(value: Any, table: dict[str, str]) -> str:
    key = normal(text_of(value))
    if key not in table:
        raise CellError(
            _("Giá trị không có trong danh mục: %(value)s.") % {"value": text_of(value)}
        )
    return table[key]


def funding_of(value: Any, table: dict[str, str]) -> list[tuple[str, int | None]]:
    """ "Nguồn" or "Nguồn: số tiền; Nguồn: số tiền" → [(code, amount or None)]."""
    parts = []
    for item in filter(None, (p.strip() for p in text_of(value).split(";"))):
        label, _sep, amount = item.rpartition(":") if ":" in item else (item, "", "")
        parts.append((choice_of(label, table), int_of(amount) if amount.strip() else None))
    return parts


def funding_text(funding: list[dict[str, Any]], spent: int) -> str:
    """The cell of a record's funding: one source of the whole cost by its label alone."""
    if len(funding) == 1 and funding[0]["amount"] == spent:
        return vocab.label("funding_source", funding[0]["source"])
    return "; ".join(
        f"{vocab.label('funding_source', f['source'])}: {f['amount']}" for f in funding
    )


READERS = {"int": int_of, "decimal": decimal_of, "date": date_of, "bool": bool_of,
           "group": int_of}  # fmt: skip


def read_cell(column: Column, value: Any, tables: dict[str, dict[str, str]]) -> Any:
    """The value of one filled cell (raises ``CellError``)."""
    if column.type == "choice":
        return choice_of(value, tables[column.key])
    if column.type == "funding":
        return funding_of(value, tables[column.key])
    if column.type == "unit_code":
        if isinstance(value, int | float):  # a code typed as a number lost its leading zeros
            return str(int(value)).zfill(5 if int(value) > 99 else 2)
        return text_of(value)
    reader = READERS.get(column.type)
    return reader(value) if reader else text_of(value)


# ------------------------------------------------------------------ records as rows


def export_rows(kind: str, records: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """A record as the values of its template row."""
    for r in records:
        values = {"title": r.title, "unit_code": r.unit.code, "unit_name": r.unit.name,
                  "agency": r.lead_agency.name, "activity": r.plan_activity_id,
                  "start": r.start, "end": r.end, "status": r.status,
                  "note": r.note}  # fmt: skip
        if kind == "budget":
            values.update({name: getattr(r, name) for name in (
                "fiscal_year", "funding_source", "amount_estimated", "amount_allocated",
                "amount_committed", "allocation_decision", "donor", "project",
                "ethnic_minority_area")})  # fmt: skip
            yield values
            continue
        values.update({name: getattr(r, name) for name in (
            "kind", "venue", "participants_total", "participants_female", "participants_male",
            "participants_other", "participants_ethnic", "participants_disability",
            "cost_planned", "cost_actual")})  # fmt: skip
        values["funding"] = funding_text(r.funding, r.cost_actual or r.cost_planned)
        if kind == "training":
            values.update(_training_values(r))
        yield values


def _training_values(event: Any) -> dict[str, Any]:
    detail = event.training
    counts = {(p.group, p.sex): p.count for p in event.participations.all()}
    values: dict[str, Any] = {"topic": detail.topic, "level": detail.level, "days": detail.days}
    for group in detail.target_groups:  # a targeted group's cells are filled (0 when none)
        for sex in vocab.Sex.values:
            values[f"group:{group}:{sex}"] = counts.get((group, sex), 0)
    return values


# ------------------------------------------------------------------ references


def agencies_for(user: Any) -> list[Agency]:
    """The agencies ``user`` records for: their own, and every agency of the units they manage."""
    condition = Q(pk__in=recording_agencies(user).values("pk"))
    for prefix in scoping.grants(user, "programme.manage"):
        condition |= Q(unit__path__startswith=prefix)
    qs = Agency.objects.filter(condition, is_active=True).select_related("unit")
    return list(qs.order_by("unit__path", "name"))


class References:
    """Resolves units, agencies and plan activities of the rows (once per name)."""

    def __init__(self, user: Any) -> None:
        self.agencies: dict[str, list[Agency]] = {}
        for agency in agencies_for(user):
            self.agencies.setdefault(normal(agency.name), []).append(agency)

    def agency(self, name: str, unit: AdminUnit | None) -> Agency:
        found = self.agencies.get(normal(name), [])
        if len(found) > 1 and unit is not None:
            found = [a for a in found if unit.path.startswith(a.unit.path)]
        if len(found) == 1:
            return found[0]
        if found:
            raise CellError(_("Có nhiều cơ quan cùng tên; ghi mã đơn vị hành chính."))
        if Agency.objects.filter(name__iexact=" ".join(name.split())).exists():
            raise PermissionDenied
        raise CellError(_("Không tìm thấy cơ quan %(name)s.") % {"name": name})

    @staticmethod
    def unit_by_code(code: str) -> AdminUnit:
        level = {5: "commune", 2: "province"}.get(len(code))
        unit = unit_get(code=code, level=level) if level and code.isdigit() else None
        if unit is None:
            raise CellError(_("Không có đơn vị hành chính mã %(code)s.") % {"code": code})
        return unit

    @staticmethod
    def unit_by_name(name: str, within: AdminUnit) -> AdminUnit:
        qs = AdminUnit.objects.current().filter(path__startswith=within.path,
                                                level__in=["commune", "province"])  # fmt: skip
        found = [u for u in qs.only("pk", "name", "path") if normal(u.name) == normal(name)]
        if len(found) != 1:
            raise CellError(_("Không tìm thấy đơn vị %(name)s; ghi mã đơn vị.") % {"name": name})
        return found[0]

    @staticmethod
    def activity(pk: int) -> Any:
        from gbvms.plans.models import Activity

        found = Activity.objects.filter(pk=pk).first()
        if found is None:  # an unseen activity is refused by the service with the same words
            raise CellError(_("Không tìm thấy hoạt động của kế hoạch."))
        return found
