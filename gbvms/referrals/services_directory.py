"""The service directory: who can help where, referral pathways, import and export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gbvms.cases.models import ServiceCode
from gbvms.core import phones, scoping, tabular
from gbvms.geo.models import AdminUnit, Level
from gbvms.indicators import outbox
from gbvms.orgs.models import Agency
from gbvms.referrals.models import ProviderType, ReferralPathway, ServiceProvider

DEFAULT_ORDER = [
    ProviderType.SOCIAL_WORK_CENTRE,
    ProviderType.TRUSTED_ADDRESS,
    ProviderType.SHELTER,
    ProviderType.HEALTH_STATION,
    ProviderType.HOSPITAL,
    ProviderType.POLICE,
    ProviderType.LEGAL_AID,
    ProviderType.COURT,
    ProviderType.SCHOOL_COUNSELLING,
    ProviderType.NGO,
    ProviderType.OTHER,
    ProviderType.HOTLINE,
]


def province_of(unit: AdminUnit) -> AdminUnit | None:
    code = unit.path.strip("/").split("/")[0]
    return AdminUnit.objects.filter(level=Level.PROVINCE, path=f"/{code}/").first()


@dataclass
class Match:
    provider: ServiceProvider
    tier: str  # commune, province, national

    @property
    def open_now(self) -> bool:
        return self.provider.is_open()


def _active_providers() -> list[ServiceProvider]:
    return list(
        ServiceProvider.objects.filter(is_active=True)
        .select_related("agency")
        .prefetch_related("coverage")
    )


PathwayContext = tuple[AdminUnit | None, dict[str, ReferralPathway]]


def pathway_context(commune: AdminUnit) -> PathwayContext:
    """The commune's province and its referral pathways by service (two queries), for callers
    asking ``providers_for`` about several services of one commune."""
    # a province itself can be asked for: then only its provinces' and national providers
    province = commune if commune.level == Level.PROVINCE else province_of(commune)
    if province is None:
        return None, {}
    return province, {p.service: p for p in ReferralPathway.objects.filter(province=province)}


def providers_for(
    commune: AdminUnit,
    service: str,
    providers: list[ServiceProvider] | None = None,
    context: PathwayContext | None = None,
) -> list[Match]:
    """Providers offering ``service`` to ``commune`` (or a whole province), nearest first: those
    covering the commune, then the whole province, then national ones (hotlines). Within a
    tier, the province's pathway for the service decides the order of provider types.
    ``providers``: the active providers when the caller already read them; ``context``: the
    commune's ``pathway_context`` likewise."""
    if providers is None:
        providers = _active_providers()
    offering = [p for p in providers if service in p.services]
    province, pathways = context if context is not None else pathway_context(commune)
    pathway = pathways.get(service)
    order = list(pathway.provider_types) if pathway else []
    order += [t for t in DEFAULT_ORDER if t not in order]

    def rank(p: ServiceProvider) -> tuple[int, str]:
        return (order.index(p.type) if p.type in order else len(order), p.name)

    tiers: dict[str, list[ServiceProvider]] = {"commune": [], "province": [], "national": []}
    for provider in offering:
        covered = {u.pk for u in provider.coverage.all()}
        if commune.pk in covered:
            tiers["commune"].append(provider)
        elif province is not None and province.pk in covered:
            tiers["province"].append(provider)
        elif provider.national:
            tiers["national"].append(provider)
    return [Match(p, tier) for tier, items in tiers.items() for p in sorted(items, key=rank)]


def next_on_pathway(
    referral_provider: ServiceProvider, commune: AdminUnit, services: list[str]
) -> ServiceProvider | None:
    """The next provider for the same services after one that declined."""
    providers, context = _active_providers(), pathway_context(commune)
    for service in services:
        for match in providers_for(commune, service, providers, context):
            if match.provider.pk != referral_provider.pk and all(
                s in match.provider.services for s in services
            ):
                return match.provider
    return None


def providers_in_scope(user: Any) -> QuerySet[ServiceProvider]:
    """The providers whose records (internal contacts included) the user manages: orgs.manage
    over the provider's agency (the scoping rule of ServiceProvider)."""
    qs = ServiceProvider.objects.select_related("agency", "agency__unit").order_by("name")
    return scoping.scoped(user, "orgs.manage", qs)


# ------------------------------------------------------------------------------------ import

COLUMNS = [
    "id",
    "name",
    "agency",
    "type",
    "services",
    "coverage",
    "national",
    "open_24_7",
    "public_phone",
    "public_address",
    "internal_phone",
    "internal_email",
    "languages",
    "accessibility",
    "shelter_beds",
    "shelter_occupied",
    "is_active",
]


def header_error() -> str:
    return _("Dòng tiêu đề phải là: %(c)s") % {"c": ", ".join(COLUMNS)}


@dataclass
class RowError:
    row: int
    column: str
    message: str


def _yes(value: str) -> bool:
    return value.strip().lower() in {"1", "x", "yes", "true", "có", "co", "c"}


def _codes(value: str) -> list[str]:
    return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]


def export_rows(providers: QuerySet[ServiceProvider]) -> list[list[Any]]:
    rows: list[list[Any]] = [COLUMNS]
    for p in providers.prefetch_related("coverage"):
        rows.append(
            [
                p.pk,
                p.name,
                p.agency_id,
                p.type,
                ",".join(p.services),
                ",".join(u.code for u in p.coverage.all()),
                int(p.national),
                int(p.open_24_7),
                p.public_phone,
                p.public_address,
                p.internal_phone,
                p.internal_email,
                ",".join(p.languages),
                p.accessibility,
                p.shelter_beds,
                p.shelter_occupied,
                int(p.is_active),
            ]
        )
    return rows


def export_csv(providers: QuerySet[ServiceProvider]) -> bytes:
    """The providers as CSV (UTF-8 with BOM, text cells neutralised: ``core.tabular``)."""
    return tabular.csv_bytes(export_rows(providers))


def export_xlsx(providers: QuerySet[ServiceProvider]) -> bytes:
    """The providers as XLSX (typed cells, never a formula: ``core.tabular``)."""
    return tabular.xlsx_bytes(export_rows(providers), sheet="providers")


def read_upload(upload: Any) -> list[list[str]]:
    """An uploaded directory file's rows, its size checked before it is read."""
    if upload.size > settings.DIRECTORY_IMPORT_MAX_BYTES:
        raise _too_large()
    return read_table(upload.name, upload.read())


def _too_large() -> ValidationError:
    limit = settings.DIRECTORY_IMPORT_MAX_BYTES / (1024 * 1024)
    return ValidationError(
        _("Tệp quá lớn (tối đa %(max)s MB).") % {"max": f"{limit:g}"}, code="file_too_large"
    )


def read_table(name: str, data: bytes) -> list[list[str]]:
    """The rows of a directory CSV or XLSX, read lazily: the size first, then the header (the
    first row, before anything else is read), then at most ``DIRECTORY_IMPORT_MAX_ROWS`` data
    rows. A leading ``'`` that the export put before ``=``, ``+``, ``-``, ``@`` is dropped
    (``tabular.unneutralise``), so an export imports back unchanged. Refusals are
    ``ValidationError`` with a code (file_too_large, unreadable, encoding, header,
    too_many_rows, and the zip checks of ``core.uploads``)."""
    if len(data) > settings.DIRECTORY_IMPORT_MAX_BYTES:
        raise _too_large()
    if name.lower().endswith(".xlsx") or data[:2] == b"PK":
        return _bounded(_xlsx_rows(data))
    return _bounded(_csv_rows(data))


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _bounded(rows: Iterator[list[str]]) -> list[list[str]]:
    header = next(rows, None)
    if header is None or [h.strip().lower() for h in header][: len(COLUMNS)] != COLUMNS:
        raise ValidationError(header_error(), code="header")
    limit = settings.DIRECTORY_IMPORT_MAX_ROWS
    table = [header]
    for row in rows:
        if len(table) > limit:
            message = _("Tệp có hơn %(max)s dòng dữ liệu; hãy chia thành nhiều tệp.")
            raise ValidationError(message % {"max": limit}, code="too_many_rows")
        cells = [tabular.unneutralise(cell) for cell in row]
        if any(CONTROL.search(cell) for cell in cells):  # NUL cannot be stored in PostgreSQL
            message = _("Dòng %(row)s chứa ký tự điều khiển không hợp lệ.")
            raise ValidationError(message % {"row": len(table) + 1}, code="control_characters")
        table.append(cells)
    return table


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    for row in tabular.xlsx_rows(data):  # zip checks first, then one row at a time
        yield ["" if c is None else str(c).strip() for c in row]


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("Tệp CSV phải dùng mã UTF-8."), code="encoding") from exc
    try:
        for row in csv.reader(io.StringIO(text)):
            yield [c.strip() for c in row]
    except csv.Error as exc:  # a NUL byte, a field longer than the csv module allows
        raise ValidationError(_("Không đọc được tệp CSV."), code="unreadable") from exc


def _check_agency(row: dict[str, str], data: dict[str, Any], agencies: dict[int, Agency]) -> str:
    agency_id = row.get("agency", "")
    if not agency_id.isdigit() or int(agency_id) not in agencies:
        return _("Mã cơ quan không có hoặc ngoài phạm vi của bạn.")
    data["agency"] = agencies[int(agency_id)]
    return ""


def _check_services(row: dict[str, str], data: dict[str, Any]) -> str:
    data["services"] = _codes(row.get("services", ""))
    bad = [s for s in data["services"] if s not in ServiceCode.values]
    if not data["services"] or bad:
        return _("Dịch vụ không hợp lệ: %(v)s.") % {"v": ", ".join(bad) or "—"}
    return ""


def _check_coverage(row: dict[str, str], data: dict[str, Any], units: dict[str, AdminUnit]) -> str:
    codes = _codes(row.get("coverage", ""))
    missing = [c for c in codes if c not in units]
    data["coverage"] = [units[c] for c in codes if c in units]
    return _("Không có đơn vị hành chính mã %(v)s.") % {"v": ", ".join(missing)} if missing else ""


def _check_beds(row: dict[str, str], data: dict[str, Any], column: str) -> str:
    value = row.get(column, "")
    data[column] = int(value) if value.isdigit() else None
    return _("Phải là số nguyên không âm.") if value and not value.isdigit() else ""


def _phone(data: dict[str, Any], column: str) -> str:
    """Normalise the column in place; the message when it is not a phone number."""
    try:
        data[column] = phones.normalise(data[column])
    except ValidationError as exc:
        return exc.messages[0]
    return ""


def _parse_row(
    row: dict[str, str],
    number: int,
    allowed_agencies: dict[int, Agency],
    units: dict[str, AdminUnit],
) -> tuple[dict[str, Any], list[RowError]]:
    data: dict[str, Any] = {
        "name": row.get("name", "")[:200],
        "type": row.get("type", ""),
        "national": _yes(row.get("national", "")),
        "open_24_7": _yes(row.get("open_24_7", "")),
        "is_active": _yes(row.get("is_active", "") or "1"),
        "public_phone": row.get("public_phone", "")[:30],
        "internal_phone": row.get("internal_phone", "")[:30],
        "public_address": row.get("public_address", "")[:300],
        "internal_email": row.get("internal_email", "")[:254],
        "languages": _codes(row.get("languages", "")),
        "accessibility": row.get("accessibility", "")[:300],
    }
    checks = {
        "name": "" if data["name"] else _("Thiếu tên cơ sở."),
        "agency": _check_agency(row, data, allowed_agencies),
        "type": ""
        if data["type"] in ProviderType.values
        else _("Loại cơ sở không hợp lệ: %(v)s.") % {"v": data["type"]},
        "services": _check_services(row, data),
        "coverage": _check_coverage(row, data, units),
        "shelter_beds": _check_beds(row, data, "shelter_beds"),
        "shelter_occupied": _check_beds(row, data, "shelter_occupied"),
        "public_phone": _phone(data, "public_phone"),
        "internal_phone": _phone(data, "internal_phone"),
        "internal_email": _("Địa chỉ thư điện tử không hợp lệ.")
        if data["internal_email"] and "@" not in data["internal_email"]
        else "",
    }
    return data, [
        RowError(number, column, message) for column, message in checks.items() if message
    ]


def import_table(
    rows: list[list[str]], allowed_agencies: dict[int, Agency], existing: QuerySet[ServiceProvider]
) -> tuple[int, list[RowError]]:
    """Create or update providers from a table with the export's header. Every row is
    validated first; with any error nothing is written (row numbers count the header as 1)."""
    if not rows or [h.strip().lower() for h in rows[0]][: len(COLUMNS)] != COLUMNS:
        return 0, [RowError(1, "", header_error())]
    units = {
        u.code: u
        for u in AdminUnit.objects.current().filter(level__in=[Level.PROVINCE, Level.COMMUNE])
    }
    editable = {p.pk: p for p in existing}
    parsed, errors = [], []
    for number, raw in enumerate(rows[1:], start=2):
        if not any(raw):
            continue
        row = dict(zip(COLUMNS, [*raw, *[""] * len(COLUMNS)], strict=False))
        data, row_errors = _parse_row(row, number, allowed_agencies, units)
        pk = row.get("id", "")
        if pk and (not pk.isdigit() or int(pk) not in editable):
            row_errors.append(
                RowError(number, "id", _("Không có cơ sở mã %(v)s trong phạm vi.") % {"v": pk})
            )
        errors += row_errors
        parsed.append((editable.get(int(pk)) if pk.isdigit() else None, data))
    if errors:
        return 0, errors
    with transaction.atomic():
        touched: set[int] = set()
        for provider, data in parsed:
            coverage = data.pop("coverage")
            if provider is not None:
                touched.add(provider.agency_id)
            provider = provider or ServiceProvider()
            for key, value in data.items():
                setattr(provider, key, value)
            provider.save()
            provider.coverage.set(coverage)
            touched.add(provider.agency_id)
        outbox.mark_programme_agencies(*touched)  # P08 reads the directory
    return len(parsed), []


# ------------------------------------------------------------------------------------ demo

OFFICE_HOURS = {str(d): [["07:30", "11:30"], ["13:30", "17:00"]] for d in range(5)}


def demo_directory_load() -> int:
    """Providers for the demo province: the provincial social work centre (shelter and
    psychosocial support for Phường Kon Tum and the province), the Women's Union trusted
    address, the commune health station, the police, and the national child hotline 111."""
    from gbvms.referrals.models import ProviderCriterion

    agencies = {a.short_name: a for a in Agency.objects.filter(unit__path__startswith="/51/")}
    units = {
        u.code: u for u in AdminUnit.objects.current().filter(code__in=["51", "23293", "23401"])
    }
    if "TT CTXH" not in agencies or len(units) < 3:
        return 0
    specs = [
        (
            "Trung tâm Công tác xã hội tỉnh Quảng Ngãi (demo)",
            "TT CTXH",
            ProviderType.SOCIAL_WORK_CENTRE,
            ["shelter", "psychosocial", "economic_social"],
            ["51", "23293"],
            False,
            True,
            "0255 000 0001",
            12,
        ),
        (
            "Địa chỉ tin cậy phường Kon Tum (demo)",
            "Hội LHPN tỉnh",
            ProviderType.TRUSTED_ADDRESS,
            ["shelter", "psychosocial"],
            ["23293"],
            False,
            True,
            "0255 000 0002",
            2,
        ),
        (
            "Trạm Y tế xã Đăk Tô (demo)",
            "Sở YT",
            ProviderType.HEALTH_STATION,
            ["health"],
            ["23401"],
            False,
            False,
            "0255 000 0003",
            None,
        ),
        (
            "Công an tỉnh Quảng Ngãi — tiếp nhận tin báo (demo)",
            "CA tỉnh",
            ProviderType.POLICE,
            ["police_justice"],
            ["51"],
            False,
            True,
            "113",
            None,
        ),
        (
            "Trợ giúp pháp lý tỉnh Quảng Ngãi (demo)",
            "Sở TP",
            ProviderType.LEGAL_AID,
            ["legal_aid"],
            ["51"],
            False,
            False,
            "0255 000 0004",
            None,
        ),
        (
            "Tổng đài quốc gia bảo vệ trẻ em 111",
            "Sở NV",
            ProviderType.HOTLINE,
            ["psychosocial", "legal_aid"],
            [],
            True,
            True,
            "111",
            None,
        ),
    ]
    created = 0
    for name, agency, kind, services, coverage, national, always, phone, beds in specs:
        provider, new = ServiceProvider.objects.update_or_create(
            name=name,
            defaults={
                "agency": agencies[agency],
                "type": kind,
                "services": services,
                "national": national,
                "open_24_7": always,
                "hours": {} if always else OFFICE_HOURS,
                "public_phone": phone,
                "shelter_beds": beds,
                "shelter_occupied": 3 if beds and beds > 5 else None,
                "languages": ["vi"],
            },
        )
        provider.coverage.set([units[c] for c in coverage])
        provider.criteria.set(ProviderCriterion.objects.all()[:3])
        created += new
    return len(specs)


def matches_serving(commune: AdminUnit) -> list[Match]:
    """Every active provider serving the commune for some service, once, nearest tier first
    (for the referral and consent forms)."""
    seen: dict[int, Match] = {}
    providers = _active_providers()  # read once for every service, with the pathways
    context = pathway_context(commune)
    for code in ServiceCode.values:
        for match in providers_for(commune, code, providers, context):
            seen.setdefault(match.provider.pk, match)
    return list(seen.values())


def providers_serving(commune: AdminUnit) -> list[ServiceProvider]:
    return [m.provider for m in matches_serving(commune)]
