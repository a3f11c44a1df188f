#!/usr/bin/env python
"""Benchmark reporting up the hierarchy: a province's annual DOCX and its consolidation.

    python bench/reports.py [--cases 500] [--communes 100] [--province 38] [--database-url URL]

It migrates and fills its OWN scratch database like bench/cases.py (a temporary SQLite file by
default; a given URL must point to an EMPTY database): the national fill of ``bench/fill.py``
(34 provinces, 3,321 communes with their People's Committees, N cases). Then, in one province
(default 38, Thanh Hóa, 166 communes), a plan whose annual report goes from ``--communes``
commune People's Committees to the Department of Home Affairs, and from it to the ministry:
obligations and drafts written in bulk, each commune's report given synthetic values for every
indicator of the catalogue (numerators and denominators, a few suppressed cells) and three
narrative paragraphs, then submitted and accepted through the services
(``submission_submit``, ``submission_accept``). It times

1. ``consolidate_100_s``: the consolidation of the province's report from its children
   (``gbvms.reports.consolidate.consolidated``; ``prefill.submission_prefill`` when that module
   does not exist; null when neither does);
2. ``province_docx_s``: the DOCX of the province's annual report, its values the pooled ones and
   its sections the quoted paragraphs, submitted: ``export.submission_docx`` (the first call
   registers its number; the figure is the median of ``--repeat`` calls, the first included).

The last line printed is one JSON object ``{"province_docx_s", "consolidate_100_s", …}``.
Targets: under 2 s and under 5 s.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cases import scratch_database  # noqa: E402

YEAR = 2026
PERIOD = str(YEAR)
ROLE = "reporting_officer"


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--province", default="38")
    parser.add_argument("--repeat", type=int, default=3, help="timed DOCX generations")
    parser.add_argument("--profile", action="store_true", help="cProfile one more DOCX")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", default="", help="keep the scratch SQLite database in this dir")
    return parser.parse_args()


def catalogue() -> list[tuple[str, str, str]]:
    """(code, name, kind) of every current indicator (a fixed list if none is installed)."""
    from gbvms.indicators.selectors import indicators_current

    found = [(v.indicator.code, v.indicator.name_vi, v.indicator.kind)
             for v in indicators_current()]  # fmt: skip
    if found:
        return found
    return [(f"R{i:02d}", f"Chỉ tiêu R{i:02d}", "ratio" if i in (2, 3, 4, 9, 12) else "count")
            for i in range(1, 16)] + [(f"P{i:02d}", f"Chỉ tiêu P{i:02d}", "count")
                                      for i in range(1, 10)]  # fmt: skip


def synthetic_values(rng: random.Random, indicators: list[tuple[str, str, str]]) -> list[dict]:
    rows = []
    for code, name, kind in indicators:
        suppressed = code.startswith("R") and rng.random() < 0.1
        d = rng.randint(5, 60) if kind in ("ratio", "external") else None
        n = rng.randint(0, d) if d is not None else rng.randint(0, 200)
        value = round(100 * n / d, 4) if d else (None if kind == "median" else n)
        rows.append({
            "indicator": code, "name": name, "kind": kind, "period": PERIOD,
            "numerator": None if suppressed else n, "denominator": None if suppressed else d,
            "value": None if suppressed else value, "target": None, "comparator": None,
            "status": None, "suppressed": suppressed,
            "source": "programme" if code.startswith("P") else "response",
        })  # fmt: skip
    return rows


def world(args: argparse.Namespace) -> dict[str, Any]:
    """The plan, its obligations and drafts, the people (bulk: not what is measured)."""
    from gbvms.geo.models import AdminUnit
    from gbvms.orgs.models import Agency, Membership, User
    from gbvms.plans.models import Plan, ReportingRequirement, ReportKind
    from gbvms.reports.models import ReportingObligation, Submission
    from gbvms.reports.outline import empty_sections
    from gbvms.reports.services_obligations import due_at

    province = AdminUnit.objects.current().get(level="province", code=args.province)
    communes = list(
        Agency.objects.filter(kind="peoples_committee", unit__parent=province)
        .filter(unit__level="commune")
        .select_related("unit")
        .order_by("unit__code")[: args.communes]
    )  # fmt: skip
    if len(communes) < args.communes:
        sys.exit(f"province {args.province} has only {len(communes)} communes")
    committee = Agency.objects.create(name=f"UBND {province.name.replace('Tỉnh', 'tỉnh')}",
                                      kind="peoples_committee", unit=province)  # fmt: skip
    lead = Agency.objects.create(name=f"Sở Nội vụ {province.name.replace('Tỉnh', 'tỉnh')}",
                                 kind="home_affairs", unit=province, parent=committee)  # fmt: skip
    capital = AdminUnit.objects.current().get(level="province", code="01")
    ministry = Agency.objects.create(name="Bộ Nội vụ", kind="home_affairs", unit=capital)
    officer = User.objects.create(username="bench_officer", password="!")  # noqa: S106
    Membership.objects.create(user=officer, agency=lead, role="programme_officer",
                              scope_unit=province)  # fmt: skip
    plan = Plan.objects.create(
        title="Kế hoạch thực hiện Chương trình phòng, chống bạo lực trên cơ sở giới",
        unit=province, issuer=committee, start_year=YEAR, end_year=YEAR, created_by=officer,
    )  # fmt: skip
    communes_req = ReportingRequirement.objects.create(
        plan=plan, kind=ReportKind.ANNUAL, due_month=12, due_day=31, recipient=lead,
        text="Báo cáo năm gửi Sở Nội vụ",
    )  # fmt: skip
    upward = ReportingRequirement.objects.create(
        plan=plan, kind=ReportKind.ANNUAL, due_month=12, due_day=31, recipient=ministry,
        text="Báo cáo năm gửi Bộ Nội vụ",
    )  # fmt: skip
    reporters = User.objects.bulk_create(
        [User(username=f"r{a.unit.code}", password="!") for a in communes]  # noqa: S106
    )
    Membership.objects.bulk_create([
        Membership(user=u, agency=a, role=ROLE, scope_unit=a.unit)
        for u, a in zip(reporters, communes, strict=True)
    ])  # fmt: skip
    province_reporter = User.objects.create(username="province_reporter", password="!")  # noqa: S106
    Membership.objects.create(user=province_reporter, agency=lead, role=ROLE, scope_unit=province)
    obligations = ReportingObligation.objects.bulk_create(
        [ReportingObligation(requirement=communes_req, submitter_agency=a, submitter_unit=a.unit,
                             recipient_agency=lead, recipient_unit=province, created_by=officer)
         for a in communes]
        + [ReportingObligation(requirement=upward, submitter_agency=lead, submitter_unit=province,
                               recipient_agency=ministry, recipient_unit=capital,
                               created_by=officer)]
    )  # fmt: skip
    sections = empty_sections(PERIOD, ReportKind.ANNUAL)
    Submission.objects.bulk_create(
        [Submission(obligation=o, period=PERIOD, due_at=due_at(o.requirement, PERIOD),
                    sections=sections) for o in obligations]
    )  # fmt: skip
    return {"communes": communes, "reporters": reporters, "lead": lead,
            "province_reporter": province_reporter, "upward": upward}  # fmt: skip


def submit_children(people: dict[str, Any], rng: random.Random) -> None:
    """Each commune's report: synthetic values and paragraphs, submitted and accepted through
    the services (the engine's live figures are replaced by the synthetic ones)."""
    from gbvms.reports import prefill
    from gbvms.reports.models import Submission
    from gbvms.reports.services_submissions import submission_accept, submission_submit

    indicators = catalogue()
    prefill.current_values = lambda s: list(s.values)  # freeze what was written
    lead = people["lead"]
    for agency, reporter in zip(people["communes"], people["reporters"], strict=True):
        submission = Submission.objects.get(obligation__submitter_agency=agency, period=PERIOD)
        texts = {
            "direction": f"{agency.name} ban hành {rng.randint(1, 9):02d} kế hoạch, "
                         f"{rng.randint(1, 9):02d} văn bản chỉ đạo về phòng, chống bạo lực.",
            "communication": f"Tổ chức {rng.randint(2, 30)} buổi truyền thông với "
                             f"{rng.randint(100, 3000)} lượt người tham dự.",
            "assessment": "Công tác phối hợp giữa các ban, ngành được duy trì; kinh phí còn "
                          "hạn chế.",
        }  # fmt: skip
        sections = [{"key": s["key"], "text": texts.get(s["key"], "")} for s in submission.sections]
        Submission.objects.filter(pk=submission.pk).update(
            values=synthetic_values(rng, indicators), sections=sections
        )
        submission.refresh_from_db()
        submission_submit(actor=reporter, submission=submission)
        submission.refresh_from_db()
        submission_accept(actor=people["province_reporter"], submission=submission)
    accepted = Submission.objects.filter(obligation__recipient_agency=lead, status="accepted")
    if accepted.count() != len(people["communes"]):
        sys.exit("the commune reports were not all accepted")


def consolidation(people: dict[str, Any]) -> tuple[float | None, str, Any]:
    from gbvms.reports.models import Submission

    province = Submission.objects.get(obligation__submitter_agency=people["lead"], period=PERIOD)
    if importlib.util.find_spec("gbvms.reports.consolidate") is not None:
        from gbvms.reports.consolidate import consolidated

        started, cpu = time.perf_counter(), time.process_time()
        result = consolidated(province)
        took = time.perf_counter() - started
        print(f"consolidation CPU {time.process_time() - cpu:.3f} s", flush=True)
        return took, "consolidate.consolidated", result
    if importlib.util.find_spec("gbvms.reports.prefill") is not None:
        from gbvms.reports.prefill import submission_prefill

        started = time.perf_counter()
        submission_prefill(submission=province, actor=people["province_reporter"])
        return time.perf_counter() - started, "prefill.submission_prefill", None
    return None, "neither gbvms.reports.consolidate nor gbvms.reports.prefill exists", None


def province_docx(
    people: dict[str, Any], pooled: Any, repeat: int, profile: bool = False
) -> dict[str, Any]:
    from gbvms.reports import export
    from gbvms.reports.models import DocumentRecord, Submission
    from gbvms.reports.services_submissions import submission_submit

    province = Submission.objects.get(obligation__submitter_agency=people["lead"], period=PERIOD)
    if pooled is not None:
        sections = [{"key": s["key"], "text": pooled.texts.get(s["key"], "")}
                    for s in province.sections]  # fmt: skip
        Submission.objects.filter(pk=province.pk).update(values=pooled.values, sections=sections)
    province.refresh_from_db()
    submission_submit(actor=people["province_reporter"], submission=province)
    province.refresh_from_db()
    times, cpu, size = [], [], 0
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        content, name = export.submission_docx(submission=province,
                                               actor=people["province_reporter"])  # fmt: skip
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        size = len(content)
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        export.submission_docx(submission=province, actor=people["province_reporter"])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    record = DocumentRecord.objects.get(submission_version__submission=province)
    doc = export.report_doc(province)
    tables = sum(1 for b in doc.blocks if b.kind == "table") + sum(
        1 for a in doc.appendices for b in a.blocks if b.kind == "table"
    )
    charts = sum(1 for b in doc.blocks if b.kind == "chart")
    print(f"province DOCX {name}: {size:,} bytes, {len(province.versions.get().values)} values, "
          f"{tables} tables, {charts} chart(s), number {record.reference}; "
          f"times {', '.join(f'{t:.3f}' for t in times)} s", flush=True)  # fmt: skip
    return {"province_docx_s": round(statistics.median(times), 3),
            "province_docx_first_s": round(times[0], 3),
            "province_docx_cpu_s": round(statistics.median(cpu), 3),
            "docx_bytes": size}  # fmt: skip


def main() -> None:
    args = parse()
    with scratch_database(args):
        from django.core.management import call_command
        from django.db import connection

        from bench.fill import fill

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        fill(cases=args.cases, seed=args.seed, log=print)
        rng = random.Random(args.seed)
        people = world(args)
        print(f"filled in {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        submit_children(people, rng)
        print(f"{args.communes} commune reports submitted and accepted through the services "
              f"in {time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
        took, how, pooled = consolidation(people)
        if took is not None:
            detail = (f", {pooled.pooled} pooled of {pooled.expected}, {len(pooled.values)} "
                      "values" if pooled is not None else "")  # fmt: skip
            print(f"consolidation ({how}): {took:.3f} s{detail}", flush=True)
        else:
            print(f"consolidation not measured: {how}", flush=True)
        result = province_docx(people, pooled, args.repeat, args.profile)
        result = {"province_docx_s": result.pop("province_docx_s"),
                  "consolidate_100_s": round(took, 3) if took is not None else None,
                  "communes": args.communes, "cases": args.cases, "db": connection.vendor,
                  "consolidation": how, **result,
                  "load_average": round(os.getloadavg()[0], 1)}  # fmt: skip
        print(json.dumps(result))


if __name__ == "__main__":
    main()
