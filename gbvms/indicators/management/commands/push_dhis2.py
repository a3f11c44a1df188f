"""Send one unit's indicator values (and those of the units below it) to DHIS2.

Each chunk (the nation alone, then one province with its communes) is first posted with
``dryRun=true``; the import summary is shown, and only when no chunk has a conflict are they
posted for real (unless ``--dry-run``). Credentials come from the environment and are never
printed or logged. See docs/dhis2.md.
"""

from __future__ import annotations

import argparse
import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gbvms.core.audit import log_action
from gbvms.geo.selectors import unit_get
from gbvms.indicators import dhis2

CONTENT_TYPES = {"json": "application/json", "adx": "application/adx+xml"}
MAX_MESSAGE = 500


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect would carry the credentials elsewhere and turn the POST into a GET."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str):
        raise CommandError(
            f"DHIS2 answered {code} with a redirect to {_safe(newurl)}: set GBVMS_DHIS2_URL to "
            "the final address"
        )


def _safe(url: str) -> str:
    """``url`` without any user:password@ part."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def _config() -> tuple[str, str]:
    """(base URL, Authorization header value), or a CommandError naming what is missing."""
    url = settings.DHIS2_URL.strip().rstrip("/")
    if not url:
        raise CommandError(
            "DHIS2 is not configured: set GBVMS_DHIS2_URL and either GBVMS_DHIS2_TOKEN or "
            "GBVMS_DHIS2_USERNAME and GBVMS_DHIS2_PASSWORD (docs/dhis2.md)"
        )
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise CommandError("GBVMS_DHIS2_URL must start with https:// (or http://)")
    if settings.DHIS2_TOKEN:
        return url, f"ApiToken {settings.DHIS2_TOKEN}"
    if settings.DHIS2_USERNAME and settings.DHIS2_PASSWORD:
        pair = f"{settings.DHIS2_USERNAME}:{settings.DHIS2_PASSWORD}".encode()
        return url, "Basic " + base64.b64encode(pair).decode("ascii")
    raise CommandError(
        "DHIS2 credentials are not configured: set GBVMS_DHIS2_TOKEN, or GBVMS_DHIS2_USERNAME "
        "and GBVMS_DHIS2_PASSWORD"
    )


def _message(raw: bytes) -> str:
    """The server's own explanation from an error body (JSON ``message`` or the text)."""
    text = raw.decode("utf-8", "replace")
    try:
        body = json.loads(text)
    except ValueError:
        return text.strip()[:MAX_MESSAGE]
    if isinstance(body, dict):
        found = body.get("message") or (body.get("response") or {}).get("description")
        if found:
            return str(found)[:MAX_MESSAGE]
    return text.strip()[:MAX_MESSAGE]


def summary_of(body: dict[str, Any]) -> dict[str, Any]:
    """The import summary, whether DHIS2 wraps it in ``response`` (2.36+) or not."""
    inner = body.get("response") if isinstance(body.get("response"), dict) else body
    counts = inner.get("importCount") or {}
    return {
        "status": inner.get("status") or body.get("status") or "",
        "imported": int(counts.get("imported", 0)),
        "updated": int(counts.get("updated", 0)),
        "ignored": int(counts.get("ignored", 0)),
        "deleted": int(counts.get("deleted", 0)),
        "conflicts": list(inner.get("conflicts") or []),
    }


class Command(BaseCommand):
    help = (
        "Send indicator values of a unit (and the units below it) to the DHIS2 server of "
        "GBVMS_DHIS2_URL: a dry run first, then for real unless --dry-run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--unit", required=True, help="NSO code of a province or commune, or VN"
        )
        parser.add_argument("--period", required=True, help="DHIS2 period: 2026, 2026S1, 2026S2")
        parser.add_argument("--format", choices=sorted(CONTENT_TYPES), default="json")
        parser.add_argument(
            "--dry-run",
            action=argparse.BooleanOptionalAction,
            default=False,
            help="only ask DHIS2 what it would import (dryRun=true); nothing is stored",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base, auth = _config()
        unit = self._unit(options["unit"])
        period = options["period"]
        try:
            dhis2.export_period(period)
        except ValidationError as exc:
            raise CommandError(f"{exc.code}: {' '.join(exc.messages)}") from exc
        fmt = options["format"]
        chunks = [self._payload(chunk, period, fmt) for chunk in dhis2.push_units(unit)]
        self.stdout.write(f"DHIS2 {_safe(base)}: {len(chunks)} chunk(s), period {period}")
        clean = True
        for label, payload in chunks:
            summary = self._post(base, auth, payload, fmt, dry_run=True)
            self._show(f"dry run {label}", summary)
            clean = clean and not summary["conflicts"] and summary["status"] != "ERROR"
        if options["dry_run"]:
            return
        if not clean:
            raise CommandError("the dry run reported conflicts: nothing was sent for real")
        for label, payload in chunks:
            summary = self._post(base, auth, payload, fmt, dry_run=False)
            self._show(f"import {label}", summary)
        log_action(
            action="indicators.pushed",
            username="push_dhis2",
            object_kind="geo.adminunit",
            object_id=dhis2.org_unit_code(unit),
            reason=f"dhis2_{fmt}",
        )

    def _unit(self, code: str) -> Any:
        if code.upper() == dhis2.NATION:
            return None
        level = {2: "province", 5: "commune"}.get(len(code))
        unit = unit_get(code=code, level=level) if level and code.isdigit() else None
        if unit is None:
            raise CommandError(f"no current province or commune with the code {code!r}")
        return unit

    def _payload(self, chunk: list[tuple[Any, str]], period: str, fmt: str) -> tuple[str, bytes]:
        label = dhis2.org_unit_code(chunk[0][0])
        if fmt == "adx":
            return label, dhis2.bulk_adx(chunk, period)
        body = dhis2.bulk_json(chunk, period)
        return label, json.dumps(body, ensure_ascii=False).encode("utf-8")

    def _post(self, base: str, auth: str, payload: bytes, fmt: str, *, dry_run: bool) -> dict:
        query = urllib.parse.urlencode(
            {"idScheme": "code", "dryRun": str(dry_run).lower(), "async": "false"}
        )
        request = urllib.request.Request(  # noqa: S310 (_config allows http(s) only)
            f"{base}/api/dataValueSets?{query}",
            data=payload,
            method="POST",
            headers={
                "Authorization": auth,
                "Content-Type": CONTENT_TYPES[fmt],
                "Accept": "application/json",
            },
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=settings.DHIS2_TIMEOUT) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            if exc.code != 409:  # DHIS2 answers 409 with the summary when values conflict
                raise CommandError(f"DHIS2 answered {exc.code}: {_message(raw)}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise CommandError(f"could not reach DHIS2 at {_safe(base)}: {reason}") from None
        try:
            return summary_of(json.loads(raw))
        except (ValueError, AttributeError):
            raise CommandError(f"DHIS2 sent no import summary: {_message(raw)}") from None

    def _show(self, label: str, summary: dict[str, Any]) -> None:
        self.stdout.write(
            f"{label}: {summary['status'] or '?'} — imported {summary['imported']}, updated "
            f"{summary['updated']}, ignored {summary['ignored']}, conflicts "
            f"{len(summary['conflicts'])}"
        )
        for conflict in summary["conflicts"][:20]:
            if isinstance(conflict, dict):
                text = f"{conflict.get('object', '')}: {conflict.get('value', '')}"
            else:
                text = str(conflict)
            self.stdout.write(f"  conflict {text[:MAX_MESSAGE]}")
