from pathlib import Path

from gbvms.api.management.commands.export_openapi import DEFAULT, openapi_document


def test_committed_openapi_document_is_current():
    committed = Path(DEFAULT).read_text(encoding="utf-8")
    assert committed == openapi_document(), (
        "docs/openapi.json is stale: run `.venv/bin/python manage.py export_openapi`"
    )


def test_stable_interfaces_are_documented():
    doc = openapi_document()
    for path in ('"/api/v1/geo/units"', '"/api/v1/me"'):
        assert path in doc
