"""iCalendar (RFC 5545) for an agency's plan deadlines: all-day events, one per entry."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from gbvms.plans.models import CalendarEntry


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after one space."""
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > 75:
            out.append(current.decode("utf-8"))
            current = b" "
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n".join(out)


def calendar(entries: Iterable[CalendarEntry], name: str) -> str:
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//GBVMS//Plans//VI", "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(name)}",
    ]  # fmt: skip
    for entry in entries:
        end = (entry.ends_on or entry.due_on) + datetime.timedelta(days=1)
        lines += [
            "BEGIN:VEVENT",
            f"UID:gbvms-plan-entry-{entry.pk}@gbvms",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{entry.due_on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end:%Y%m%d}",
            f"SUMMARY:{_escape(entry.title)}",
            f"DESCRIPTION:{_escape(entry.plan.title)}",
            f"CATEGORIES:{entry.kind.upper()}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
