"""The official document of a report (REPORTING §C.1): a submission, or one of its submitted
versions, as a :class:`~gbvms.reports.document.ReportDoc`, and as a DOCX whose number is
registered once per version.

* Which text: a version asked for by number; else the live draft while the submission is being
  written (drafts say "DỰ THẢO" in the title and leave the number blank), else the latest
  snapshot.
* Issuing body: the submitter agency, under its superior (``agency.parent``, else the unit's
  People's Committee; a People's Committee has no superior line). Symbol ``BC-<abbreviation>``:
  the agency's short name, else the initials of its name without the unit ("Sở Nội vụ tỉnh
  Quảng Ngãi" → ``BC-SNV``; a People's Committee is ``BC-UBND``).
* Body: the outline's sections as numbered headings (the outline's own "I.", "III.1." labels are
  dropped, the renderer numbers them; a "III." heading is added above "III.1." when the outline
  has none), the indicator table and a chart of the ratio indicators under "II." (or at the end),
  "Nơi nhận", the signature block, an appendix with every value.
* Values: any subset of ``{"indicator", "name", "kind", "numerator", "denominator", "value",
  "target", "comparator", "status", "suppressed", "source"}``; a suppressed value is "<k"
  (k = ``SMALL_CELL_THRESHOLD``), never a number.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation

from gbvms.core import scoping
from gbvms.reports import document as d
from gbvms.reports import periods as report_periods
from gbvms.reports.models import EDITABLE, DocumentRecord, Submission, SubmissionVersion
from gbvms.reports.selectors import SUBMIT

PEOPLES_COMMITTEE = "peoples_committee"
RATIO_KINDS = {"ratio", "external"}
STATUS_TEXT = {
    "met": "Đạt",
    "not_met": "Chưa đạt",
    "insufficient_data": "Chưa đủ số liệu",
    "not_due": "Chưa đến kỳ đánh giá",
}
COMPARATOR_TEXT = {">": "trên", ">=": "tối thiểu", "=": "bằng", "<=": "tối đa", "<": "dưới"}
# Titles of the headings the periodic outline numbers only through its items ("III.1.").
IMPLIED_SECTIONS = {"III": "Kết quả thực hiện nhiệm vụ, giải pháp"}
# The office that drafts a People's Committee's report ("Lưu: VT, <office>"): the commune's
# Phòng Văn hóa - Xã hội, the province's Khoa giáo - Văn xã desk (not verified: REPORTING §B.2).
DRAFTING_OFFICE = {"commune": "VHXH", "province": "KGVX"}
_UNIT_WORDS = re.compile(r"\s+(tỉnh|thành phố|xã|phường|đặc khu|huyện|quận|thị xã)\s")
_UNIT_PREFIX = re.compile(r"^(tỉnh|thành phố|xã|phường|đặc khu)\s+", re.I)
_SECTION_LABEL = re.compile(r"^(?P<roman>[IVXLC]+)\.\s+(?P<title>.*)$")
_ITEM_OF_SECTION = re.compile(r"^(?P<roman>[IVXLC]+)\.(?P<n>\d+)\.\s+(?P<title>.*)$")
_ITEM_LABEL = re.compile(r"^(?P<n>\d+)\.\s+(?P<title>.*)$")


class VersionNotFound(Http404):
    """The submission has no version of that number (the API answers 404)."""


# ---------------------------------------------------------------- who issues it


def _threshold() -> int:
    return int(getattr(settings, "SMALL_CELL_THRESHOLD", 5))


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def place_name(unit: Any) -> str:
    """The province's name as a place ("Tỉnh Quảng Ngãi" → "Quảng Ngãi")."""
    province = unit
    while province is not None and province.level != "province" and province.parent_id:
        province = province.parent
    name = d.one_line(province.name if province is not None else "")
    return _UNIT_PREFIX.sub("", name) or name


def _peoples_committee(unit: Any) -> str:
    """The People's Committee of ``unit``: its agency's name, else "UBND <unit>"."""
    from gbvms.orgs.models import Agency

    found = (
        Agency.objects.filter(unit=unit, kind=PEOPLES_COMMITTEE, is_active=True)
        .order_by("pk")
        .values_list("name", flat=True)
        .first()
    )
    return found or f"UBND {_lower_first(d.one_line(unit.name))}"


def parent_body(agency: Any) -> str:
    """The line above the issuing body: its superior; a People's Committee has none, even
    when the directory files it under the one above (the demo's communes)."""
    if agency.kind == PEOPLES_COMMITTEE:
        return ""
    if agency.parent_id:
        return agency.parent.name
    return _peoples_committee(agency.unit)


def issuer_title(agency: Any) -> str:
    """The issuing body as the header writes it: "UBND xã Đăk Tô" in full ("Ủy ban nhân dân
    xã Đăk Tô"); under a superior that already names the unit, without the unit ("Sở Nội vụ
    tỉnh Quảng Ngãi" under "UBND tỉnh Quảng Ngãi" → "Sở Nội vụ")."""
    name = re.sub(r"^UBND\b", "Ủy ban nhân dân", d.one_line(agency.name))
    superior = d.one_line(parent_body(agency)).casefold()
    match = _UNIT_WORDS.search(f" {name} ")
    if match and match.start() > 0 and superior:
        head, tail = name[: match.start()].strip(), name[match.start() :].strip()
        if head and superior.endswith(tail.casefold()):
            return head
    return name


def abbreviation(agency: Any) -> str:
    """``SNV`` for "Sở Nội vụ tỉnh Quảng Ngãi", ``UBND`` for a People's Committee; a short name
    given to the agency wins when it is an abbreviation (one word of letters, digits and
    hyphens: "CAT", "SLĐTBXH"), not a shortened name ("UBND P. Kon Tum", "Sở NV")."""
    if agency.kind == PEOPLES_COMMITTEE:
        return "UBND"
    short = d.one_line(agency.short_name).strip().strip("-_")
    if short and re.fullmatch(r"[^\W_]+(?:-[^\W_]+)*", short, flags=re.U):
        return short.upper()[:20]
    name = d.one_line(agency.name)
    match = _UNIT_WORDS.search(f" {name} ")
    head = name[: match.start()] if match and match.start() > 0 else name
    initials = "".join(
        word[0] for word in head.split() if word[:1].isalnum() and word.lower() not in {"và"}
    )
    return (initials.upper() or "CQ")[:20]


def symbol_for(agency: Any) -> str:
    return f"BC-{abbreviation(agency)}"


def signer_authority(agency: Any) -> list[str]:
    """The authority line: "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH" for a People's Committee (it
    decides collectively), "GIÁM ĐỐC" for a department, "TRƯỞNG PHÒNG" for an office, the head
    of the agency otherwise."""
    name = d.one_line(agency.name).lower()
    if agency.kind == PEOPLES_COMMITTEE:
        return ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    if name.startswith("sở "):
        return ["GIÁM ĐỐC"]
    if name.startswith("phòng "):
        return ["TRƯỞNG PHÒNG"]
    return ["THỦ TRƯỞNG CƠ QUAN"]


def drafting_unit(agency: Any) -> str:
    if agency.kind == PEOPLES_COMMITTEE:
        return DRAFTING_OFFICE.get(agency.unit.level, "")
    return ""


# ---------------------------------------------------------------- what it says


def period_label(period_key: str) -> str:
    """ "6 tháng đầu năm 2026", "năm 2026", "Tháng hành động năm 2026"."""
    try:
        period = report_periods.parse(period_key)
    except ValueError:
        return d.one_line(period_key)
    if period.type == "AM":
        return f"Tháng hành động năm {period.year}"
    with translation.override("vi"):
        return _lower_first(str(period.label()))


def summary_for(submission: Submission) -> str:
    plan = submission.obligation.requirement.plan
    title = d.one_line(plan.title) if plan is not None else ""
    parts = ["Kết quả thực hiện", title, period_label(submission.period)]
    return " ".join(p for p in parts if p)


def resolve_version(
    submission: Submission, version: int | None, *, actor: Any = None
) -> SubmissionVersion | None:
    """The snapshot a file shows: version ``version`` (``VersionNotFound`` if none); else None
    (the live draft) while the submission is editable and ``actor`` writes it (or no actor
    is given), else its latest version (None when it has none)."""
    if version is not None:
        found = submission.versions.filter(number=version).first()
        if found is None:
            raise VersionNotFound
        return found
    if submission.status in EDITABLE and (actor is None or _writes(actor, submission)):
        return None
    return submission.versions.order_by("-number").first()


def _writes(actor: Any, submission: Submission) -> bool:
    scoped = scoping.scoped(actor, SUBMIT, Submission.objects.filter(pk=submission.pk))
    return scoped.exists()


def _sections(submission: Submission, snapshot: SubmissionVersion | None) -> list[dict]:
    if snapshot is not None:
        return [s for s in snapshot.sections if isinstance(s, dict)]
    from gbvms.reports.services_submissions import sections_with_titles

    return sections_with_titles(submission)


def _values(submission: Submission, snapshot: SubmissionVersion | None) -> list[dict]:
    values = snapshot.values if snapshot is not None else submission.values
    return [v for v in (values or []) if isinstance(v, dict)]


def section_blocks(sections: list[dict]) -> list[tuple[str, d.Block]]:
    """(key, block) per outline section, the outline's labels taken off (the renderer numbers
    them); a section heading is added where the outline numbers items under one it lacks."""
    out: list[tuple[str, d.Block]] = []
    last_roman = ""
    for section in sections:
        key = str(section.get("key", ""))
        title = d.one_line(section.get("title", "")) or key
        text = d.clean(section.get("text", ""))
        if match := _ITEM_OF_SECTION.match(title):
            roman = match["roman"]
            if roman != last_roman:
                implied = IMPLIED_SECTIONS.get(roman, "")
                out.append(("", d.Block("section", title=implied)))
                last_roman = roman
            out.append((key, d.Block("item", title=match["title"], text=text)))
        elif match := _SECTION_LABEL.match(title):
            last_roman = match["roman"]
            out.append((key, d.Block("section", title=match["title"], text=text)))
        elif match := _ITEM_LABEL.match(title):
            out.append((key, d.Block("item", title=match["title"], text=text)))
        else:
            out.append((key, d.Block("section", title=title, text=text)))
    return out


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            return float(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None
    return value


def result_text(value: dict) -> d.Value:
    """The result cell: "<k" when suppressed, a percent for a ratio, else the number."""
    if value.get("suppressed"):
        return f"<{_threshold()}"
    number = _number(value.get("value"))
    if number is None and value.get("kind") not in RATIO_KINDS:
        number = _number(value.get("numerator"))
    if number is None:
        return None
    if value.get("kind") in RATIO_KINDS:
        return d.format_value(number, "percent")
    return number


def target_text(value: dict) -> d.Value:
    target = _number(value.get("target"))
    if target is None:
        return None
    word = COMPARATOR_TEXT.get(str(value.get("comparator") or ""), "")
    shown = d.format_number(target)  # 80 → "80", 82.5 → "82,5"
    if value.get("kind") in RATIO_KINDS:
        shown += d.NBSP + "%"
    return f"{word} {shown}".strip()


def status_text(value: dict) -> str:
    return STATUS_TEXT.get(str(value.get("status") or ""), d.DASH)


def indicator_label(value: dict) -> str:
    name = d.one_line(value.get("name", "")) or d.one_line(value.get("indicator", ""))
    code = d.one_line(value.get("indicator", ""))
    return f"{name} ({code})" if code and code != name else name


def indicator_table(values: list[dict], caption: str) -> d.Table:
    rows = [
        [i, indicator_label(v), target_text(v), result_text(v), status_text(v)]
        for i, v in enumerate(values, start=1)
    ]
    return d.Table(
        caption=caption,
        header=["TT", "Chỉ tiêu", "Chỉ tiêu giao", "Kết quả", "Tình trạng"],
        rows=rows or [["", "Chưa có số liệu chỉ tiêu trong kỳ", None, None, None]],
        widths_cm=[1.0, 6.9, 3.2, 2.4, 3.0],
        number_format=["int", "auto", "auto", "auto", "auto"],
    )


def values_table(values: list[dict], caption: str) -> d.Table:
    """Every value with its numerator and denominator (the appendix)."""
    hidden = f"<{_threshold()}"
    rows = []
    for i, v in enumerate(values, start=1):
        ratio = v.get("kind") in RATIO_KINDS
        numerator = hidden if v.get("suppressed") else _number(v.get("numerator"))
        denominator = _number(v.get("denominator")) if ratio else None
        if v.get("suppressed") and ratio:
            denominator = hidden
        rows.append([i, d.one_line(v.get("indicator", "")), d.one_line(v.get("name", "")),
                     numerator, denominator, result_text(v), target_text(v),
                     status_text(v)])  # fmt: skip
    return d.Table(
        caption=caption,
        header=[
            "TT",
            "Mã",
            "Chỉ tiêu",
            "Tử số",
            "Mẫu số",
            "Kết quả",
            "Chỉ tiêu giao",
            "Tình trạng",
        ],
        rows=rows or [["", "", "Chưa có số liệu chỉ tiêu trong kỳ", None, None, None, None, None]],
        widths_cm=[0.9, 1.3, 4.6, 1.5, 1.5, 1.9, 2.7, 2.1],
        number_format=["int", "auto", "auto", "int", "int", "auto", "auto", "auto"],
    )


MAX_CHART_BARS = 12


def ratio_chart(values: list[dict], title: str) -> bytes | None:
    """A PNG of the ratio indicators (hidden ones as "<k"), with the target line when they
    share one target; None when there is no ratio to draw."""
    ratios = [v for v in values if v.get("kind") in RATIO_KINDS][:MAX_CHART_BARS]
    items: list[tuple[str, float | None]] = []
    for v in ratios:
        number = _number(v.get("value"))
        if v.get("suppressed"):
            items.append((indicator_label(v), None))
        elif number is not None:
            items.append((indicator_label(v), float(number)))
    if not items:
        return None
    targets = {_number(v.get("target")) for v in ratios}
    target = targets.pop() if len(targets) == 1 else None
    from gbvms.indicators import charts

    with translation.override("vi"):
        png = charts.bar_chart(items, title=title, unit_label="%", percent=True,
                               target=target, target_label="Chỉ tiêu giao", fmt="png")  # fmt: skip
    return png if isinstance(png, bytes) else None


def _local_date(at: datetime.datetime) -> datetime.date:
    return timezone.localtime(at).date() if timezone.is_aware(at) else at.date()


def report_doc(
    submission: Submission,
    *,
    version: int | SubmissionVersion | None = None,
    number: int | None = None,
    date: datetime.date | None = None,
    actor: Any = None,
) -> d.ReportDoc:
    """The ReportDoc of ``submission``: version ``version`` (a number or the snapshot itself),
    else what :func:`resolve_version` picks. ``number`` is the registered number (None: blank);
    ``date`` defaults to the day the version was submitted (a draft: today)."""
    snapshot = (
        version
        if isinstance(version, SubmissionVersion)
        else resolve_version(submission, version, actor=actor)
    )
    obligation = submission.obligation
    agency, unit = obligation.submitter_agency, obligation.submitter_unit
    recipient = obligation.recipient_agency
    if date is None:
        date = _local_date(snapshot.created_at if snapshot is not None else timezone.now())
    values = _values(submission, snapshot)
    label = period_label(submission.period)
    blocks: list[d.Block] = []
    if snapshot is None:
        blocks.append(d.Block("paragraph", text="(Dự thảo, chưa gửi: chưa có số, chưa có giá "
                                                "trị ban hành.)"))  # fmt: skip
    opening = f"{d.one_line(agency.name)} báo cáo {_lower_first(summary_for(submission))} như sau:"
    blocks.append(d.Block("paragraph", text=opening))
    table = d.Block("table", table=indicator_table(values, f"Bảng 1. Kết quả thực hiện các chỉ "
                                                           f"tiêu {label}"))  # fmt: skip
    png = ratio_chart(values, f"Tỷ lệ thực hiện các chỉ tiêu {label}")
    figures = [table]
    if png is not None:
        figures.append(d.Block("chart", png=png, caption=f"Biểu đồ 1. Các chỉ tiêu tỷ lệ so với "
                                                         f"chỉ tiêu giao, {label}"))  # fmt: skip
    placed = False
    for key, block in section_blocks(_sections(submission, snapshot)):
        blocks.append(block)
        if key == "targets":
            blocks.extend(figures)
            placed = True
    if not placed:
        blocks.extend(figures)
    appendix = d.Appendix(
        title=f"Số liệu các chỉ tiêu {label}",
        blocks=[
            d.Block("table", table=values_table(values, f"Bảng số liệu chỉ tiêu - {label}")),
            d.Block(
                "paragraph",
                text=f"Ghi chú: “<{_threshold()}”: ô được ẩn để bảo vệ danh "
                "tính người bị bạo lực (số nhỏ); tỷ lệ tính từ tổng tử số và tổng mẫu số; "
                "“—”: không có số liệu.",
            ),
        ],
    )
    return d.ReportDoc(
        parent_body=parent_body(agency),
        issuer=issuer_title(agency),
        issuer_name=agency.name,
        number=number,
        symbol=symbol_for(agency),
        place=place_name(unit),
        date=date,
        summary=summary_for(submission),
        recipients=[recipient.name],
        blocks=blocks,
        signer_authority=signer_authority(agency),
        signer_name="",
        copies_to=[],
        drafting_unit=drafting_unit(agency),
        doc_type="BÁO CÁO" if snapshot is not None else "DỰ THẢO BÁO CÁO",
        appendices=[appendix],
    )


# ---------------------------------------------------------------- files


def _ascii(text: str) -> str:
    from gbvms.core.tabular import _ascii_filename

    return re.sub(r"[^A-Za-z0-9-]", "", _ascii_filename(str(text)))


def filename(submission: Submission, snapshot: SubmissionVersion | None, ext: str) -> str:
    """``bao-cao-2026S1-23401-v2.docx``; a draft ``…-du-thao.docx``: only the period, the unit
    code and the version, never free text."""
    unit = _ascii(submission.obligation.submitter_unit.code) or "unit"
    period = _ascii(submission.period) or "period"
    tail = f"v{snapshot.number}" if snapshot is not None else "du-thao"
    return f"bao-cao-{period}-{unit}-{tail}.{ext}"


def document_record(*, submission: Submission, snapshot: SubmissionVersion,
                    actor: Any) -> DocumentRecord:  # fmt: skip
    """The register entry of ``snapshot``, created (and its number allocated) the first time."""
    from gbvms.reports.services_documents import document_register

    with transaction.atomic():
        # Serialise the first downloads of one version (a row lock on PostgreSQL).
        list(SubmissionVersion.objects.select_for_update().filter(pk=snapshot.pk).values("pk"))
        found = DocumentRecord.objects.filter(submission_version=snapshot).order_by("pk").first()
        if found is not None:
            return found
        agency = submission.obligation.submitter_agency
        return document_register(
            actor=actor,
            issuer=agency,
            symbol=symbol_for(agency),
            summary=d.one_line(summary_for(submission))[:500],
            date=_local_date(snapshot.created_at),
            type="BC",
            signer="",
            recipients=[submission.obligation.recipient_agency.name],
            submission_version=snapshot,
        )


def submission_docx(
    *, submission: Submission, actor: Any, version: int | None = None
) -> tuple[bytes, str]:
    """(DOCX bytes, file name) of ``submission``: a submitted version carries its registered
    number (allocated once per version), a draft a blank one."""
    from gbvms.reports.docx import docx_bytes

    snapshot = resolve_version(submission, version, actor=actor)
    if snapshot is None:
        return docx_bytes(report_doc(submission, version=None, actor=actor)), filename(
            submission, None, "docx"
        )
    record = document_record(submission=submission, snapshot=snapshot, actor=actor)
    content = docx_bytes(
        report_doc(submission, version=snapshot, number=record.number, date=record.date)
    )
    if not record.file_sha256:
        from gbvms.reports.services_documents import file_sha256

        DocumentRecord.objects.filter(pk=record.pk, file_sha256="").update(
            file_sha256=file_sha256(content)
        )
    return content, filename(submission, snapshot, "docx")
