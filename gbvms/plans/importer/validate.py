"""Stage 5, validate: what could not be read or is doubtful, in the officer's language, and the
confidence of each header field. Nothing here changes an extracted value."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext

from gbvms.plans.importer.normalise import Line
from gbvms.plans.importer.schema import CONFIDENCE_FIELDS, Confidence

CLOSING_BLOCK = re.compile(
    r"^(?:Nơi\s+nhận|TM\.|KT\.|T/M|K/T|TUQ\.|Q\.\s|CHỦ\s+TỊCH|GIÁM\s+ĐỐC|BỘ\s+TRƯỞNG"
    r"|PHÓ\s+CHỦ\s+TỊCH|Lưu\s*:|- Lưu|NGƯỜI\s+KÝ)",
)  # case-sensitive: "Chủ tịch UBND các xã chịu trách nhiệm …" is a sentence, not a signature
SENTENCE_END = re.compile(r"[.;:!?…)”\"]$")


def _missing(result: dict[str, Any]) -> list[str]:
    checks = [
        (not result["title"], gettext("Không đọc được tên văn bản.")),
        (not result["issuer"], gettext("Không xác định được cơ quan ban hành.")),
        (not result["document_number"], gettext("Không thấy số, ký hiệu văn bản (dòng 'Số: …').")),
        (not result["issued_on"],
         gettext("Không thấy ngày ban hành (dòng 'Địa danh, ngày … tháng … năm …').")),
        (result["period"]["start_year"] is None and result["period"]["end_year"] is None,
         gettext("Không xác định được thời kỳ của kế hoạch.")),
        (not result["activities"], gettext("Không tìm thấy hoạt động hay nhiệm vụ nào.")),
        (not result["reporting"], gettext("Không tìm thấy yêu cầu báo cáo có thời hạn.")),
    ]  # fmt: skip
    return [str(message) for failed, message in checks if failed]


def _doubts(result: dict[str, Any]) -> list[str]:
    confidence = result["confidence"]
    out = []
    if result["title"] and confidence.get("title") == "guessed":
        out.append(gettext("Tên văn bản là dự đoán (không thấy dòng tiêu đề rõ ràng dưới “KẾ "
                           "HOẠCH”, “QUYẾT ĐỊNH” hay “V/v”): hãy kiểm tra."))  # fmt: skip
    if result["issuer"] and confidence.get("issuer") == "inferred":
        out.append(gettext("Cơ quan ban hành được suy ra từ nội dung văn bản, không từ phần "
                           "đầu văn bản: hãy kiểm tra."))  # fmt: skip
    if confidence.get("period") == "inferred":
        out.append(gettext("Thời kỳ của kế hoạch được suy ra từ các mục tiêu và tiến độ (tên "
                           "văn bản không ghi năm): hãy kiểm tra."))  # fmt: skip
    return out


def cut_off(lines: list[Line]) -> list[str]:
    """A text that looks cut off: it ends in the middle of a sentence, or has no signature or
    recipients block (copied from a portal without its end)."""
    if not lines or any(CLOSING_BLOCK.match(line.text) for line in lines[-60:]):
        return []  # the recipients or the signature close it: whatever the last line says
    out = []
    last = lines[-1].text
    if not SENTENCE_END.search(last) and len(last) > 30:
        out.append(gettext("Văn bản có vẻ bị cắt: dòng cuối (dòng %(line)s) dừng giữa câu.")
                   % {"line": lines[-1].no})  # fmt: skip
    out.append(gettext("Không thấy phần “Nơi nhận” hay chữ ký ở cuối văn bản: văn bản có "
                       "thể chưa đầy đủ."))  # fmt: skip
    return out


def confidence_of(header_confidence: dict[str, Confidence], result: dict[str, Any]) -> dict:
    """One entry per header field that was found; a field not found has none."""
    out: dict[str, Confidence] = {}
    for key in CONFIDENCE_FIELDS:
        value = result["period"]["end_year"] or result["period"]["start_year"] if key == "period" \
            else result.get(key)  # fmt: skip
        if value:
            out[key] = header_confidence.get(key, "inferred")
    return out


def warnings(result: dict[str, Any], has_sections: bool, lines: list[Line]) -> list[str]:
    """What could not be read, what is doubtful, what looks cut off (the review shows them)."""
    out = _missing(result) + _doubts(result) + cut_off(lines)
    for a in result["activities"] if has_sections else []:
        if not a["lead"]:
            where = {"code": a["code"] or a["title"][:40], "line": a["line"]}
            out.append(
                gettext("Hoạt động %(code)s (dòng %(line)s) chưa có cơ quan chủ trì.") % where
            )
    for e in result["events"]:
        if e["date"] is None:
            out.append(gettext("Sự kiện “%(title)s” (dòng %(line)s): không đọc được ngày.")
                       % {"title": e["title"][:60], "line": e["line"]})  # fmt: skip
    return out
