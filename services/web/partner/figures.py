"""The partner's own figures: periods, breakdowns, trend charts, CSV and XLSX downloads.

The figures come from the partner's `figures` service (services.reporting.partner_figures,
asked over NATS like every other service): the hub's fold over the partner's own shared
events, under the hub's disclosure control. Partner admins only.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from contracts.indicators import DIMENSIONS, KEY_TRENDS, format_value, ordered
from contracts.periods import PROGRAMME_START, quarter_ends
from contracts.report import (
    CSV_HEADER,
    Report,
    Value,
    normal_value,
    plain_value,
    report_from_dict,
    share_percent,
    share_text,
)
from services.web.asking import ask, checked_period
from services.web.auth import User
from services.web.common import allow, language_of, render
from services.web.figures_charts import trend_charts
from services.web.figures_xlsx import MEDIA_TYPE, workbook
from services.web.hub_app import periods_offered
from services.web.i18n import chart_words, translator

router = APIRouter()
FiguresUser = Annotated[User, Depends(allow("partner_figures"))]


async def ask_figures(request: Request, name: str, **params: Any) -> dict[str, Any]:
    """One question to the partner's figures service; 503 when it does not answer."""
    return await ask(request, f"pace.{request.app.state.partner}.qry.figures.{name}", params,
                     timeout=10.0, unavailable="figures do not answer")


async def partner_report(request: Request, period: str, as_of: date) -> Report:
    answer = await ask_figures(request, "figures", as_of=as_of.isoformat(), period=period)
    return report_from_dict(answer["report"])


def partner_rows(report: Report, partner: str) -> list[tuple[str, str, str, str, str, str, str,
                                                             Value]]:
    """The partner's rows in the report's long form (contracts.report.CSV_HEADER)."""
    head = (report.as_of.isoformat(), report.period, "partner", partner)
    figures = report.partners.get(partner, {})
    rows = [(*head, "", "", name, normal_value(name, value))
            for name, value in figures.items()]
    for dimension, categories in sorted(report.breakdowns.get(partner, {}).items()):
        for category, by_category in sorted(categories.items()):
            rows += [(*head, dimension, category, name, normal_value(name, value))
                     for name, value in by_category.items()]
    for name, target in report.targets.get(partner, {}).items():
        share = target.get("share")
        rows += [(*head, "target", "target", name, normal_value(name, target["target"])),
                 (*head, "target", "share", name, "" if share is None else float(share))]
    return rows


def _download_name(partner: str, report: Report, suffix: str) -> str:
    return f"pace-{partner}-{report.period}-{report.as_of.isoformat()}.{suffix}"


@router.get("/figures", include_in_schema=False)
async def figures_page(request: Request, _user: FiguresUser, period: str = "to-date",
                       as_of: date | None = None) -> Response:
    period, as_of = checked_period(period, as_of)
    partner = request.app.state.partner
    report = await partner_report(request, period, as_of)
    ends = quarter_ends(PROGRAMME_START, as_of)[-40:]
    points = [p.isoformat() for p in (ends if ends and ends[-1] == as_of else [*ends, as_of])]
    trends = (await ask_figures(request, "trends", indicators=list(KEY_TRENDS),
                                points=points))["trends"]
    series = {name: [(date.fromisoformat(d), v) for d, v in values]
              for name, values in trends.items()}
    language = language_of(request)
    t = translator(language)
    figures = report.partners.get(partner, {})
    return render(request, "partner_figures.html", report=report, partner=partner,
                  figures=figures, indicators=ordered(figures),
                  breakdowns=report.breakdowns.get(partner, {}), dimensions=DIMENSIONS,
                  periods=periods_offered(as_of), period=period, as_of=as_of,
                  fmt=format_value, share=share_percent,
                  targets=report.targets.get(partner, {}),
                  name=t,
                  trend_charts=(trend_charts(series, partner, chart_words(language))
                                if any(series.values()) else []))


@router.get("/figures.csv", include_in_schema=False)
async def figures_csv(request: Request, _user: FiguresUser, period: str = "to-date",
                      as_of: Annotated[date | None, Query()] = None) -> Response:
    period, as_of = checked_period(period, as_of)
    partner = request.app.state.partner
    report = await partner_report(request, period, as_of)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows((*row[:-1], share_text(row[7]) if row[5] == "share"
                      else plain_value(row[6], row[7]))
                     for row in partner_rows(report, partner))
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{_download_name(partner, report, "csv")}"'})


@router.get("/figures.xlsx", include_in_schema=False)
async def figures_xlsx(request: Request, _user: FiguresUser, period: str = "to-date",
                       as_of: Annotated[date | None, Query()] = None) -> Response:
    period, as_of = checked_period(period, as_of)
    partner = request.app.state.partner
    report = await partner_report(request, period, as_of)
    data = workbook([CSV_HEADER, *partner_rows(report, partner)], sheet_name=partner)
    name = _download_name(partner, report, "xlsx")
    return Response(data, media_type=MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/api/figures", tags=["figures"],
            summary="The partner's own figures (breakdowns under disclosure control, targets)")
async def api_figures(request: Request, _user: FiguresUser, period: str = "to-date",
                      as_of: date | None = None) -> dict[str, Any]:
    period, as_of = checked_period(period, as_of)
    answer = await ask_figures(request, "figures", as_of=as_of.isoformat(), period=period)
    report: dict[str, Any] = answer["report"]
    return report
