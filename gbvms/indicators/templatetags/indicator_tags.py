"""A tile's small trend line: a hand-made SVG (no matplotlib per tile, so the dashboard stays
fast), CSP-clean (presentation attributes only), with a <title> naming every point."""

from __future__ import annotations

import math

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

WIDTH, HEIGHT, PAD = 240, 40, 4


def _segments(values: list[float | None], top: float) -> list[list[tuple[float, float]]]:
    """Runs of drawable points (a hidden or missing value breaks the line)."""
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    runs: list[list[tuple[float, float]]] = [[]]
    for i, value in enumerate(values):
        if value is None or math.isnan(value):
            runs.append([])
            continue
        y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * (value / top if top else 0)
        runs[-1].append((PAD + i * step, y))
    return [run for run in runs if run]


@register.simple_tag
def sparkline(points, percent: bool = False) -> SafeString:
    """``points``: [(period label, Figure)] oldest first."""
    values = [f.chart_value for _label, f in points]
    shown = [v for v in values if v is not None and not math.isnan(v)]
    top = 100.0 if percent else max([*shown, 1.0])
    title = _("Xu hướng: %(points)s") % {
        "points": "; ".join(f"{label}: {f.text}" for label, f in points)
    }
    parts = [
        f'<svg class="sparkline" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}"'
        f' role="img" aria-label="{escape(title)}" focusable="false">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}"'
        ' stroke="#bbbbbb" stroke-width="1"/>',
    ]
    for run in _segments(values, top):
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
        if len(run) > 1:
            parts.append(f'<polyline points="{coords}" fill="none" stroke="#0072B2"'
                         ' stroke-width="2" stroke-linejoin="round"/>')  # fmt: skip
        x, y = run[-1]
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#0072B2"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped text only


@register.filter
def indicator_name(indicator) -> str:
    """The indicator's name in the reader's language."""
    from gbvms.indicators.pages import indicator_name as name

    return name(indicator)


@register.simple_tag
def status_badge(target) -> SafeString:
    """A target's status as a badge (text, never colour alone); "no target" when None."""
    if target is None:
        return format_html('<span class="status status-none">{}</span>', _("Chưa có mục tiêu"))
    return format_html(
        '<span class="status status-{}">{}</span>', target.status, target.status_label
    )


@register.filter
def vnd(number) -> str:
    """A whole number with dots between thousands, as Vietnamese documents write amounts."""
    if number is None or number == "":
        return "—"
    try:
        return f"{int(number):,}".replace(",", ".")
    except (TypeError, ValueError):
        return str(number)
