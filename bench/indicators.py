#!/usr/bin/env python
"""Benchmark the indicator engine at national scale: full rebuild, freshness, pages, API.

    python bench/indicators.py --cases N [--database-url URL] [--writes 40] [--rate 2]

It migrates and fills its OWN scratch database like bench/cases.py (a temporary SQLite file by
default; a given URL must point to an EMPTY database): 34 provinces, 3,321 communes, N synthetic
cases whose stories (type, incident, perpetrator, needs, services in time or late, refusals,
referrals, interventions, measures, closures) come from gbvms/cases/demo_scenario.py, written in
bulk (no services layer). Then it

1. times a full rebuild (``rebuild_indicators`` when the command exists, else facts for every
   case in chunks plus ``compute.rebuild_values``) → ``full_rebuild_s``;
2. starts a REAL worker (``manage.py db_worker`` in a subprocess, same database and keys) and a
   steady write load (``services_care.service_record`` on cases across provinces, through the
   service so the outbox is marked), and measures for each write the time until the API serves
   the changed R02 numerator of the case's commune and year → ``freshness_p95_s``;
3. times the national, province and commune dashboard pages, the indicator API, and the same
   aggregate as bare SQL over the raw tables (R01 for a province and a year).

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cases import explain, p, scratch_database, timed  # noqa: E402

DUPLICATES = 0.015
ELSEWHERE = 0.03  # incidents that happened in another commune of the province than the case's
FACT_CHUNK = 2000


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=100, help="timed requests per figure")
    parser.add_argument("--writes", type=int, default=40, help="timed writes for freshness")
    parser.add_argument("--rate", type=float, default=2.0, help="writes per second")
    parser.add_argument("--timeout", type=float, default=180, help="give up on a write after")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--since", type=int, default=2021, help="first year of detections")
    parser.add_argument(
        "--diagnose", action="store_true",
        help="instead of the whole run: time the rebuild's parts apart (facts; values with the "
        "suppression left out; a sample of suppress_family calls) and extrapolate, then stop",
    )  # fmt: skip
    parser.add_argument("--profile", action="store_true", help="cProfile the full rebuild")
    parser.add_argument("--keep", default="", help="keep the scratch SQLite database in this dir")
    return parser.parse_args()


class Stories:
    """``bench.fill`` extension: each case gets a scenario of gbvms/cases/demo_scenario.py,
    shifted to the case's detection time, written in bulk."""

    def __init__(self, rng: random.Random, now: datetime.datetime) -> None:
        self.rng, self.now = rng, now
        self.ready = False

    def _setup(self) -> None:
        """On the first batch (the units are loaded by then)."""
        from gbvms.cases.models import Case
        from gbvms.cases.models.measures import MeasureType
        from gbvms.geo.models import AdminUnit
        from gbvms.orgs.models import Agency
        from gbvms.referrals.models import ServiceProvider

        self.ready = True
        self.by_province: dict[int, list[int]] = {}
        for pk, parent in (
            AdminUnit.objects.current().filter(level="commune").values_list("pk", "parent_id")
        ):
            self.by_province.setdefault(parent, []).append(pk)
        self.province_of = {c: p for p, cs in self.by_province.items() for c in cs}
        self.measure_type = MeasureType.objects.get(code="no_contact_commune").pk
        hanoi = AdminUnit.objects.current().get(level="province", code="01")
        centre = Agency.objects.create(
            name="TT CTXH quốc gia (bench)", kind="service_provider", unit=hanoi
        )
        self.provider = ServiceProvider.objects.create(
            agency=centre, name="TT CTXH (bench)", type="social_work_centre", national=True,
            services=["psychosocial", "shelter", "economic_social", "police_justice", "legal_aid"],
        )  # fmt: skip
        self.stories: list[Any] = []
        self.case_model = Case

    def _shift(self, s: Any, case: Any) -> datetime.timedelta:
        return case.detected_at - s.detected_at

    def prepare(self, batch: list[Any]) -> None:
        from gbvms.cases.demo_scenario import case_scenario

        if not self.ready:
            self._setup()
        self.stories = []
        for case in batch:
            s = case_scenario(self.rng, self.now, [str(case.unit_id)])
            delta = self._shift(s, case)
            services = [x.at + delta for x in s.services if x.at + delta <= self.now]
            closure = s.closure if s.closure and s.closure.at + delta <= self.now else None
            emergency = [c.at + delta for c in s.child_steps if c.step == "emergency"]
            case.channel = s.channel
            case.immediate_danger = s.immediate_danger
            case.risk_level = s.risk_level
            case.first_support_at = min(services) if services else None
            case.status = "closed" if closure else "active" if services else "open"
            case.closed_at = closure.at + delta if closure else None
            case.closure_reason = closure.reason if closure else ""
            case.child_emergency_at = (
                emergency[0] if emergency and emergency[0] <= self.now else None
            )
            survivor = case.survivor
            survivor.sex = s.survivor.sex
            survivor.birth_year = case.detected_at.year - s.age
            survivor.ethnicity = "Kinh" if self.rng.random() < 0.85 else "Ê Đê"
            survivor.disability = self.rng.random() < 0.04
            self.stories.append((s, delta))

    def saved(self, made: list[Any]) -> None:
        from gbvms.cases.models import Incident, Perpetrator

        incidents = Incident.objects.bulk_create(
            [self._incident(case, s, delta) for case, (s, delta) in zip(made, self.stories,
                                                                          strict=True)]
        )  # fmt: skip
        perps = Perpetrator.objects.bulk_create(
            [
                Perpetrator(incident=inc, sex=s.perpetrator.sex, age_group=s.perpetrator.age_group,
                            relationship=s.perpetrator.relationship,
                            previous_incidents=s.perpetrator.previous_incidents)
                for inc, (s, _d) in zip(incidents, self.stories, strict=True)
            ]
        )  # fmt: skip
        self._care(made, perps)
        dups = [c.pk for c in made[1:] if self.rng.random() < DUPLICATES]
        if dups:
            self.case_model.objects.unscoped().filter(pk__in=dups).update(duplicate_of=made[0].pk)

    def _incident(self, case: Any, s: Any, delta: datetime.timedelta) -> Any:
        from gbvms.cases.models import Incident

        unit = case.unit_id
        if self.rng.random() < ELSEWHERE:
            unit = self.rng.choice(self.by_province[self.province_of[unit]])
        context = []
        if s.perpetrator.relationship in {"intimate_partner", "former_partner"}:
            context.append("intimate_partner_violence")
        if s.gbv_type == "forced_marriage" and s.age < 18:
            context.append("early_marriage")
        return Incident(
            case=case, unit_id=unit,
            occurred_on=s.occurred_on + datetime.timedelta(days=delta.days),
            reported_on=case.detected_at.date(), gbv_type=s.gbv_type, answers=s.answers,
            context=context, violence_forms=s.violence_forms, dv_relationship=s.dv_relationship,
            dv_acts=s.dv_acts, context_flags=s.context_flags,
        )  # fmt: skip

    def _care(self, made: list[Any], perps: list[Any]) -> None:
        from gbvms.cases.models import Intervention, Need, ProtectiveMeasure, ServiceRecord
        from gbvms.referrals.models import Referral

        needs, services, interventions, measures, referrals = [], [], [], [], []
        now = self.now
        for case, perp, (s, delta) in zip(made, perps, self.stories, strict=True):
            user = case.created_by_id
            given = [x for x in s.services if x.at + delta <= now]
            served = {x.kind for x in given}
            needs += [Need(case=case, kind=k, status="provided" if k in served else v)
                      for k, v in s.needs.items()]  # fmt: skip
            services += [
                ServiceRecord(case=case, kind=x.kind, delivered_at=x.at + delta,
                              provider_id=case.owning_agency_id, recorded_by_id=user)
                for x in given
            ]  # fmt: skip
            days = datetime.timedelta(days=delta.days)
            interventions += [
                Intervention(case=case, perpetrator=perp, kind=i.kind, done_on=i.on + days,
                             recorded_by_id=user)
                for i in s.interventions if i.on + days <= now.date()
            ]  # fmt: skip
            m = s.measure
            if m and m.requested_at + delta <= now:
                decided = m.decided_at + delta if m.decided_at else None
                measures.append(ProtectiveMeasure(
                    case=case, type_id=self.measure_type, requested_at=m.requested_at + delta,
                    decision=m.decision if decided and decided <= now else "pending",
                    decided_at=decided if decided and decided <= now else None,
                    recorded_by_id=user,
                ))  # fmt: skip
            referrals += self._referrals(case, s, delta, user)
        Need.objects.bulk_create(needs)
        ServiceRecord.objects.bulk_create(services)
        Intervention.objects.bulk_create(interventions)
        ProtectiveMeasure.objects.bulk_create(measures)
        Referral.objects.bulk_create(referrals)

    def _referrals(self, case: Any, s: Any, delta: datetime.timedelta, user: int) -> list[Any]:
        from django.conf import settings

        from gbvms.referrals.models import Referral

        rows = []
        for r in s.referrals:
            sent = r.sent_at + delta
            if sent > self.now:
                continue
            answered = r.answered_at + delta if r.answered_at else None
            answered = answered if answered and answered <= self.now else None
            hours = settings.REFERRAL_RESPONSE_HOURS[r.urgency]
            accepted = answered if answered and r.outcome != "declined" else None
            rows.append(Referral(
                case=case, provider=self.provider, services=r.services, urgency=r.urgency,
                status=("declined" if r.outcome == "declined" else "accepted") if answered
                else "sent",
                sent_by_id=user, sent_at=sent, respond_by=sent + datetime.timedelta(hours=hours),
                accepted_at=accepted, declined_at=answered if answered and not accepted else None,
            ))  # fmt: skip
        return rows


def readers() -> dict[str, Any]:
    """A national statistician (suppressed aggregates, the dashboards' audience) and a national
    case supervisor (exact numbers: the freshness probe must see a single case's change)."""
    from gbvms.geo.models import AdminUnit
    from gbvms.orgs.models import Agency, Membership, User

    hanoi = AdminUnit.objects.current().get(level="province", code="01")
    ministry = Agency.objects.create(name="Bộ (bench)", kind="home_affairs", unit=hanoi)
    made = {}
    for role in ("statistician", "case_supervisor"):
        user = User.objects.create(username=f"bench_{role}", password="!")  # noqa: S106
        Membership.objects.create(user=user, agency=ministry, role=role, scope_unit=None)
        made[role] = user
    return made


def has_command(name: str) -> bool:
    from django.core.management import get_commands

    return name in get_commands()


class Phases:
    """Wall time spent in named engine functions during a call (wrappers that call the real
    function: measurement only, the engine is unchanged)."""

    def __init__(self, targets: dict[str, tuple[Any, str]]) -> None:
        self.targets, self.seconds, self.calls = targets, {}, {}

    def __enter__(self) -> Phases:
        self.saved = {}
        for label, (module, attr) in self.targets.items():
            real = getattr(module, attr)
            self.saved[label] = real
            setattr(module, attr, self._wrap(label, real))
        return self

    def _wrap(self, label: str, real: Any) -> Any:
        def timed_call(*a: Any, **k: Any) -> Any:
            started = time.perf_counter()
            try:
                return real(*a, **k)
            finally:
                self.seconds[label] = self.seconds.get(label, 0) + time.perf_counter() - started
                self.calls[label] = self.calls.get(label, 0) + 1

        return timed_call

    def __exit__(self, *exc: Any) -> None:
        for label, (module, attr) in self.targets.items():
            setattr(module, attr, self.saved[label])

    def report(self) -> str:
        return ", ".join(f"{k} {v:.1f} s ({self.calls[k]} calls)" for k, v in self.seconds.items())


def engine_phases() -> Phases:
    from gbvms.indicators import compute, suppression

    targets = {"suppress_family": (suppression, "suppress_family"),
               "compute": (compute, "compute"), "store": (compute, "store")}  # fmt: skip
    try:
        from gbvms.indicators import rebuild

        targets["facts"] = (rebuild, "facts_rebuild_all")
    except ImportError:
        pass
    return Phases(targets)


def full_rebuild() -> tuple[float, str]:
    """Seconds for a full rebuild, and how it was done."""
    from django.core.management import call_command

    started = time.perf_counter()
    if has_command("rebuild_indicators"):
        with engine_phases() as phases:
            call_command("rebuild_indicators", verbosity=0)
        print(f"\nrebuild phases: {phases.report()}")
        return time.perf_counter() - started, "manage.py rebuild_indicators"
    from gbvms.cases.models import Case
    from gbvms.indicators.compute import rebuild_values
    from gbvms.indicators.facts import case_facts
    from gbvms.indicators.models import Fact
    from gbvms.indicators.worker import current_versions

    Fact.objects.all().delete()
    ids = list(Case.objects.unscoped().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), FACT_CHUNK):
        Fact.objects.bulk_create(case_facts(ids[start : start + FACT_CHUNK]), batch_size=FACT_CHUNK)
    facts_s = time.perf_counter() - started
    years = {int(y) for y in Fact.objects.values_list("y", flat=True).distinct()}
    rebuild_values(current_versions(), years, progress=lambda m: print(f"  {m}", flush=True))
    total = time.perf_counter() - started
    print(f"facts {facts_s:.1f} s ({Fact.objects.count():,} rows), values {total - facts_s:.1f} s")
    return total, "case_facts in chunks + compute.rebuild_values (no rebuild_indicators yet)"


def profiled(fn: Any) -> Any:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    result = profiler.runcall(fn)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(12)
    return result


def diagnose() -> None:
    """The full rebuild's parts timed apart, for a size where the whole does not finish."""
    from gbvms.indicators import compute, rebuild, suppression
    from gbvms.indicators.worker import current_versions

    started = time.perf_counter()
    rebuild.facts_rebuild_all(lambda *_a: None)
    print(f"facts: {time.perf_counter() - started:.1f} s", flush=True)
    versions = current_versions()
    years = rebuild.fact_years()
    calls: list[tuple[int, list[str]]] = []
    real = compute._suppress
    compute._suppress = lambda _v, provinces, year: calls.append((year, list(provinces)))
    try:
        started = time.perf_counter()
        compute.rebuild_values(versions, years)
        print(f"values without suppression ({years}): {time.perf_counter() - started:.1f} s")
    finally:
        compute._suppress = real
    sample = []
    for version in versions[:: max(1, len(versions) // 4)]:
        for prov in calls[-1][1][:: max(1, len(calls[-1][1]) // 3)]:
            started = time.perf_counter()
            suppression.suppress_family(version, prov, calls[-1][0])
            sample.append(time.perf_counter() - started)
            print(f"  suppress_family {version.indicator.code} {prov} {calls[-1][0]}: "
                  f"{sample[-1]:.2f} s", flush=True)  # fmt: skip
    total = sum(len(provinces) for _y, provinces in calls) * len(versions)
    print(f"suppress_family: {total} calls in a full rebuild, mean {statistics.mean(sample):.2f} s"
          f" → about {total * statistics.mean(sample):.0f} s")  # fmt: skip


def start_worker(tmp: Path) -> tuple[subprocess.Popen, Any]:
    log = (tmp / "worker.log").open("w")
    # production settings refuse the console SMS backend (system check): send none
    env = {"GBVMS_SMS_BACKEND": "gbvms.referrals.notify.NoSMSBackend", **os.environ}
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "db_worker", "--no-reload"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    time.sleep(3)  # the worker's start-up
    if proc.poll() is not None:
        log.close()
        sys.exit(f"the worker stopped: {(tmp / 'worker.log').read_text()[-2000:]}")
    return proc, log


def candidates(rng: random.Random, year: int) -> list[Any]:
    """Open cases of ``year`` without a service, in scope, one per attributed commune."""
    from gbvms.cases.models import Case, Incident

    cases = (
        Case.objects.unscoped()
        .filter(first_support_at__isnull=True, duplicate_of__isnull=True, detected_at__year=year)
        .exclude(status="closed")
        .values_list("pk", flat=True)
    )
    ids = list(cases)
    rng.shuffle(ids)
    incidents = {
        i["case_id"]: i
        for i in Incident.objects.unscoped()
        .filter(case_id__in=ids[:5000])
        .exclude(gbv_type="non_gbv")
        .values("case_id", "unit__code")
    }
    seen, chosen = set(), []
    for pk in ids[:5000]:
        inc = incidents.get(pk)
        if inc and inc["unit__code"] not in seen:
            seen.add(inc["unit__code"])
            chosen.append((pk, inc["unit__code"]))
    return chosen


POLL_ERRORS: list[int] = []


def r02(client: Any, commune: str, year: int) -> int | None:
    """R02's numerator as served; None when the request failed (on SQLite a worker cycle that
    holds the write lock past the busy timeout makes the session save fail: 400)."""
    response = client.get(f"/api/v1/indicators/R02/values?unit={commune}&period={year}")
    if response.status_code != 200:
        if not POLL_ERRORS:
            print(f"  poll failed: {response.status_code}", flush=True)
        POLL_ERRORS.append(response.status_code)
        return None
    return response.json()["numerator"]


def write(case_id: int, actor: Any) -> None:
    from gbvms.cases.models import Case
    from gbvms.cases.services_care import service_record
    from gbvms.orgs.models import Agency

    case = Case.objects.unscoped().select_related("unit").get(pk=case_id)
    service_record(actor=actor, case=case, kind="psychosocial",
                   delivered_at=case.detected_at + datetime.timedelta(hours=1),
                   provider=Agency.objects.get(pk=case.owning_agency_id))  # fmt: skip


def freshness(people: dict[str, Any], args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """Writes at ``args.rate`` per second; for each, seconds until the API serves it."""
    from django.db import OperationalError
    from django.test import Client

    rng = random.Random(args.seed + 1)
    year = datetime.datetime.now(datetime.UTC).year
    pool = candidates(rng, year)[: args.writes]
    probe = Client()
    probe.force_login(
        people["case_supervisor"], backend="django.contrib.auth.backends.ModelBackend"
    )
    before = {pk: r02(probe, code, year) or 0 for pk, code in pool}
    proc, log = start_worker(tmp)
    pending: dict[int, tuple[str, int, float]] = {}
    seconds: list[float] = []
    failed, timeouts, polls = 0, 0, 0
    started = time.monotonic()
    next_write = started
    queue = list(pool)
    try:
        while queue or pending:
            now = time.monotonic()
            if queue and now >= next_write:
                pk, code = queue.pop(0)
                try:
                    write(pk, people["case_supervisor"])
                    pending[pk] = (code, before[pk] + 1, time.monotonic())
                except OperationalError as exc:  # SQLite: the worker held the lock > 20 s
                    print(f"  write failed: {exc}")
                    failed += 1
                next_write += 1 / args.rate
            if proc.poll() is not None:
                sys.exit(f"the worker stopped: {(tmp / 'worker.log').read_text()[-2000:]}")
            for pk, (code, want, at) in list(pending.items()):
                polls += 1
                if (r02(probe, code, year) or 0) >= want:
                    seconds.append(time.monotonic() - at)
                    del pending[pk]
                elif time.monotonic() - at > args.timeout:
                    timeouts += 1
                    seconds.append(args.timeout)
                    del pending[pk]
            time.sleep(0.05)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:  # mid-cycle: it would finish the task first
            proc.kill()
            proc.wait()
        log.close()
    import resource

    worker_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu_s = worker_cpu.ru_utime + worker_cpu.ru_stime
    span = time.monotonic() - started
    print(f"freshness: {len(seconds)} writes over {span:.0f} s ({len(pool) / span:.2f}/s), "
          f"worker CPU {worker_cpu_s:.1f} s, "
          f"{failed} failed, {timeouts} timed out, {polls} polls; "
          f"p50 {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s")  # fmt: skip
    return {"freshness_p95_s": round(p(seconds, 0.95) / 1000, 2),
            "freshness_p50_s": round(p(seconds, 0.5) / 1000, 2),
            "freshness_writes": len(seconds), "freshness_timeouts": timeouts,
            "write_failures": failed, "poll_errors": len(POLL_ERRORS),
            "worker_cpu_s": round(worker_cpu_s, 1)}  # fmt: skip


def profile_cycle(people: dict[str, Any], rng: random.Random, year: int) -> None:
    """One worker cycle for one changed case, in-process under cProfile: where it goes."""
    import cProfile
    import pstats

    from gbvms.indicators.worker import process_pending

    pool = candidates(rng, year)
    if not pool:
        return
    write(pool[-1][0], people["case_supervisor"])
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    process_pending()
    profiler.disable()
    print(f"one worker cycle (1 case) in-process: {time.perf_counter() - started:.2f} s")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)


def raw_sql(year: int) -> tuple[str, list[Any]]:
    """R01 of province 51 for ``year`` straight from the case tables (attributed commune =
    the first incident's, else the case's; duplicates and non-GBV out)."""
    from django.db import connection

    start = datetime.datetime(year, 1, 1, tzinfo=datetime.UTC) - datetime.timedelta(hours=7)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=datetime.UTC) - datetime.timedelta(hours=7)
    q = connection.ops.quote_name
    sql = f"""
        SELECT COUNT(DISTINCT c.survivor_id) FROM {q("cases_case")} c
        LEFT JOIN {q("cases_incident")} i ON i.id = (
            SELECT MIN(i2.id) FROM {q("cases_incident")} i2 WHERE i2.case_id = c.id)
        JOIN {q("geo_adminunit")} u ON u.id = COALESCE(i.unit_id, c.unit_id)
        WHERE u.path LIKE %s AND c.detected_at >= %s AND c.detected_at < %s
          AND c.duplicate_of_id IS NULL AND COALESCE(i.gbv_type, '') <> 'non_gbv'
    """  # noqa: S608 (table names only)
    return sql, ["/51/%", start, end]


def pages(people: dict[str, Any], repeat: int, rng: random.Random) -> dict[str, float]:
    from django.db import connection
    from django.test import Client

    from gbvms.geo.models import AdminUnit

    year = datetime.datetime.now(datetime.UTC).year
    reader = Client()
    reader.force_login(people["statistician"], backend="django.contrib.auth.backends.ModelBackend")
    communes = list(
        AdminUnit.objects.current().filter(level="commune", path__startswith="/51/")
        .values_list("code", flat=True)
    )  # fmt: skip

    def get(url: str) -> None:
        response = reader.get(url)
        assert response.status_code == 200, (url, response.status_code)  # noqa: S101

    urls = {
        "national": lambda: get(f"/indicators/?period={year}"),
        "province": lambda: get(f"/indicators/?unit=51&period={year}"),
        "commune": lambda: get(f"/indicators/?unit={rng.choice(communes)}&period={year}"),
        "indicator_page": lambda: get(f"/indicators/R02/?unit=51&period={year}"),
        "api": lambda: get(f"/api/v1/indicators/R02/values?unit={rng.choice(['51', '01', '79'])}"
                           f"&period={year}&by=sex,age"),
    }  # fmt: skip
    samples = {name: timed(fn, repeat) for name, fn in urls.items()}
    sql, params = raw_sql(year)

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    samples["raw"] = timed(raw, repeat)
    explain({f"dashboard {k}" if k != "api" else "indicator API": v for k, v in urls.items()})
    figures = {}
    names = {"national": "dashboard_national", "province": "dashboard_province",
             "commune": "dashboard_commune", "api": "indicator_api", "raw": "raw_sql_aggregate",
             "indicator_page": "indicator_page_province"}  # fmt: skip
    for name, key in names.items():
        figures[f"{key}_p95_ms"] = p(samples[name], 0.95)
        figures[f"{key}_p50_ms"] = p(samples[name], 0.5)
    return figures


def main() -> None:
    args = parse()
    with scratch_database(args) as tmp:
        from django.core.management import call_command
        from django.db import connection

        from bench.fill import fill

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        rng = random.Random(args.seed)
        stories = Stories(rng, datetime.datetime.now(datetime.UTC))
        since = datetime.datetime(args.since, 1, 1, tzinfo=datetime.UTC)
        fill(cases=args.cases, seed=args.seed, log=print, extend=stories, start=since)
        people = readers()
        print(f"filled in {time.perf_counter() - started:.0f} s", flush=True)
        if args.diagnose:
            diagnose()
            return
        cpu = time.process_time()
        rebuild_s, how = profiled(full_rebuild) if args.profile else full_rebuild()
        cpu = time.process_time() - cpu
        print(f"full rebuild: {rebuild_s:.1f} s, {cpu:.1f} s CPU ({how})", flush=True)
        result = {"cases": args.cases, "db": connection.vendor,
                  "full_rebuild_s": round(rebuild_s, 1), "full_rebuild_cpu_s": round(cpu, 1),
                  "load_average": round(os.getloadavg()[0], 1)}  # fmt: skip
        result.update(freshness(people, args, tmp))
        profile_cycle(people, rng, datetime.datetime.now(datetime.UTC).year)
        result.update(pages(people, args.repeat, rng))
        print(json.dumps(result))


if __name__ == "__main__":
    main()
