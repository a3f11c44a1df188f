"""Synthetic national-scale data for the benchmarks (invented names, never real people)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

BATCH = 5000
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"]
GIVEN = ["Lan", "Hoa", "Mai", "Hương", "Nhung", "Thảo", "Linh", "Hà", "Bích", "Dung"]


@dataclass
class World:
    worker: Any
    supervisor: Any
    codes: list[str]
    phones: list[str]


def _people(communes: list[Any], provinces: list[Any]) -> tuple[dict[int, Any], Any, Any]:
    from gbvms.orgs.models import Agency, Membership, User

    agencies = Agency.objects.bulk_create(
        [Agency(name=f"UBND {c.name} ({c.code})", kind="peoples_committee", unit=c)
         for c in communes]
    )  # fmt: skip
    workers = User.objects.bulk_create(
        [User(username=f"w{c.code}", password="!") for c in communes]  # noqa: S106
    )
    Membership.objects.bulk_create(
        [
            Membership(user=w, agency=a, role="case_worker", scope_unit=a.unit)
            for w, a in zip(workers, agencies, strict=True)
        ]
    )
    by_unit = {a.unit_id: (a, w) for a, w in zip(agencies, workers, strict=True)}
    province = next(p for p in provinces if p.code == "51")
    centre = Agency.objects.create(name="TT CTXH (bench)", kind="service_provider", unit=province)
    supervisor = User.objects.create(username="supervisor51", password="!")  # noqa: S106
    Membership.objects.create(
        user=supervisor, agency=centre, role="case_supervisor", scope_unit=province
    )
    worker = by_unit[next(c.pk for c in communes if c.code == "23293")][1]
    return by_unit, worker, supervisor


def fill(
    *, cases: int, seed: int, log: Callable[[str], None], extend: Any = None,
    start: datetime.datetime | None = None,
) -> World:  # fmt: skip
    """Cases detected from ``start`` (default 1 January 2021) to 1 November 2026. ``extend``
    (optional) decorates each batch: ``extend.prepare(cases)`` on the unsaved Case rows (their
    ``survivor`` unsaved too), ``extend.saved(cases)`` once they have ids."""
    from gbvms.cases.models import Case, CaseAssignment, Survivor
    from gbvms.core import crypto
    from gbvms.geo.models import AdminUnit
    from gbvms.geo.services import units_load

    rng = random.Random(seed)
    units_load()
    communes = list(AdminUnit.objects.current().filter(level="commune").select_related("parent"))
    provinces = list(AdminUnit.objects.current().filter(level="province"))
    by_unit, worker, supervisor = _people(communes, provinces)
    creator = supervisor
    start = start or datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)
    span = int((datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC) - start).total_seconds())
    codes: list[str] = []
    phones: list[str] = []
    serial: dict[tuple[str, int], int] = {}
    home = next(c for c in communes if c.code == "23293")
    for offset in range(0, cases, BATCH):
        size = min(BATCH, cases - offset)
        people, rows = [], []
        for _ in range(size):
            # one case in 50 lands in the benchmark worker's commune, the rest anywhere
            commune = home if rng.random() < 0.02 else rng.choice(communes)
            name = f"{rng.choice(FAMILY)} Thị {rng.choice(GIVEN)} {rng.randint(1, 999)}"
            phone = f"09{rng.randint(10_000_000, 99_999_999)}"
            people.append(
                Survivor(
                    full_name=name,
                    phone=phone,
                    name_index=crypto.blind_index(name, kind="name"),
                    phone_index=crypto.blind_index(phone, kind="phone"),
                    birth_year=rng.randint(1950, 2015),
                )
            )
            detected = start + datetime.timedelta(seconds=rng.randint(0, span))
            key = (commune.parent.code, detected.year)
            serial[key] = serial.get(key, 0) + 1
            code = f"{key[0]}-{key[1]}-{serial[key]:06d}"
            rows.append((commune, detected, code))
            if commune is home and len(codes) < 2000:
                codes.append(code)
                phones.append(phone)
        batch = [
            Case(code=code, survivor=s, owning_agency=by_unit[c.pk][0], unit=c,
                 channel="hotline", detected_at=d, created_at=d, created_by=creator)
            for s, (c, d, code) in zip(people, rows, strict=True)
        ]  # fmt: skip
        if extend is not None:
            extend.prepare(batch)
        Survivor.objects.bulk_create(people, batch_size=BATCH)
        made = Case.objects.bulk_create(batch, batch_size=BATCH)
        CaseAssignment.objects.bulk_create(
            [CaseAssignment(case=k, user=by_unit[k.unit_id][1]) for k in made], batch_size=BATCH
        )
        if extend is not None:
            extend.saved(made)
        if (offset // BATCH) % 20 == 0:
            log(f"  {offset + size:,} / {cases:,} cases")
    from django.db import connection

    with connection.cursor() as cursor:  # fresh statistics, as a live database would have
        cursor.execute("ANALYZE")
    return World(worker=worker, supervisor=supervisor, codes=codes, phones=phones)
