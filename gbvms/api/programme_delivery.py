"""API of models, inspections and budget lines (mounted inside ``api.programme``'s router)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["programme"])
