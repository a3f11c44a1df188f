"""API of the programme delivery records: vocabularies, campaigns, events, trainings; models,
inspections and budget lines come from ``api.programme_delivery``."""

from __future__ import annotations

from ninja import Router

from gbvms.api import programme_delivery

router = Router(tags=["programme"])
router.add_router("", programme_delivery.router)
