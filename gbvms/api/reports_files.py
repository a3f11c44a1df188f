"""The official files of a report: DOCX (Nghị định 30/2020) and XLSX (statistical form)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["reports"])
