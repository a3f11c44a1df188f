"""Reports API (issue 12): obligations as submitter or recipient, a submission with its values
and sections, section edits, transitions, completeness. Thin over ``gbvms.reports``."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["reports"])
