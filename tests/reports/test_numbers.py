"""Document numbers: per issuer and year, sequential, never duplicated."""

from __future__ import annotations

import datetime
import hashlib
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from gbvms.orgs.models import Agency, AgencyKind
from gbvms.reports.models import DocumentCounter, DocumentRecord
from gbvms.reports.services_documents import document_number_next, document_register


def _register(actor, issuer, day=datetime.date(2026, 6, 10), **extra):
    return document_register(
        actor=actor, issuer=issuer, symbol="BC-SNV", summary="Báo cáo 6 tháng", date=day, **extra
    )


@pytest.mark.django_db
def test_numbers_run_per_issuer_and_year(personas, agencies):
    officer, lead, commune = personas["officer"], agencies["province"], agencies["a"]
    numbers = [_register(officer, lead).number for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert _register(officer, commune).number == 1
    assert _register(officer, lead, datetime.date(2027, 1, 5)).number == 1
    assert _register(officer, lead).number == 4
    record = _register(officer, lead, content=b"%PDF", recipients=["Như trên", "Lưu: VT"])
    assert record.reference == "5/BC-SNV"
    assert record.file_sha256 == hashlib.sha256(b"%PDF").hexdigest()
    assert record.recipients == ["Như trên", "Lưu: VT"]


@transaction.atomic
def _register_then_fail(actor, issuer):
    _register(actor, issuer)
    raise RuntimeError("the file could not be written")


@pytest.mark.django_db
def test_a_rolled_back_document_gives_its_number_back(personas, agencies):
    lead = agencies["province"]
    _register(personas["officer"], lead)
    with pytest.raises(RuntimeError):
        _register_then_fail(personas["officer"], lead)
    assert _register(personas["officer"], lead).number == 2
    assert list(DocumentRecord.objects.values_list("number", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_the_database_refuses_a_duplicate_number(personas, agencies):
    record = _register(personas["officer"], agencies["province"])
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentRecord.objects.create(
            issuer=record.issuer,
            year=record.year,
            number=record.number,
            symbol="BC-SNV",
            summary="x",
            date=record.date,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentCounter.objects.create(issuer=record.issuer, year=record.year)


def _committed(work):
    """Run ``work`` on a connection of its own, committed at once (outside the test's
    transaction, which other connections cannot see)."""
    out: list = []

    def run() -> None:
        try:
            out.append(work())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return out[0] if out else None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite ignores select_for_update")
@pytest.mark.django_db
def test_concurrent_allocations_never_duplicate_or_skip(province):
    # the issuer is committed, so the eight connections see it; the test's own transaction
    # (and the flush a transactional test would need, which the access log's append-only
    # trigger refuses on PostgreSQL) is not involved
    lead = _committed(lambda: Agency.objects.create(name="Sở Nội vụ (thử tranh chấp)",
                                                    kind=AgencyKind.HOME_AFFAIRS,
                                                    unit_id=province.pk))  # fmt: skip
    results: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                results.append(document_number_next(issuer=lead, year=2026))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert sorted(results) == list(range(1, 9))
        last = _committed(lambda: DocumentCounter.objects.get(issuer_id=lead.pk, year=2026).last)
        assert last == 8
    finally:
        _committed(lambda: (DocumentCounter.objects.filter(issuer_id=lead.pk).delete(),
                            Agency.objects.filter(pk=lead.pk).delete()))  # fmt: skip
