"""The HTML report and the dashboard's figures (services.web.figures)."""

from __future__ import annotations

from datetime import date

from contracts.indicators import BY_NAME, format_value
from contracts.intake import Gender, ReferralSource
from contracts.report import Report
from services.web.figures import AFTER_COACHING_INDICATORS, KEY_INDICATORS, to_html
from tests.unit.indicator_facts import NETWORK, at, given, referred
from tests.unit.test_report import AS_OF, figures, report

TRENDS = {
    "families_referred": [(date(2019, 6, 30), 400), (date(2019, 12, 31), 900), (AS_OF, 1289)],
    "families_with_childcare": [(date(2019, 6, 30), 300), (date(2019, 12, 31), 700),
                                (AS_OF, 1000)],
    "trajectories_started": [(date(2019, 6, 30), 10), (date(2019, 12, 31), 50), (AS_OF, 70)],
    "no_show_rate": [(date(2019, 6, 30), 0.2), (date(2019, 12, 31), 0.15), (AS_OF, 0.1)],
}


def test_html_has_an_svg_chart_per_key_indicator_and_per_trend_unit() -> None:
    page = to_html(report(), TRENDS, title="PACE figures")
    # bars: one per key indicator; lines: families (two lines), parents, ratio
    assert page.count("<svg") == page.count("</svg>") == len(KEY_INDICATORS) + 3
    for name in ("families_referred", "trajectories_started", "parents_found_work",
                 "children_cared_for"):
        assert f"{BY_NAME[name].label} by partner</text>" in page
    assert "Network over time: families" in page and "Network over time: No-show rate" in page


def test_html_states_the_as_of_date_and_period_and_formats_numbers() -> None:
    page = to_html(report(), None, title="PACE figures")
    assert "29 February 2020" in page and "<strong>to-date</strong>" in page
    assert "<td>1,200</td>" in page and '<td class="total">1,289</td>' in page
    assert "<td>12,345.50</td>" in page and "<td>12.5%</td>" in page
    assert "Belgium (BE)" in page
    assert "Network over time" not in page  # no trends given: no empty section


def test_html_escapes_every_string() -> None:
    page = to_html(report(), TRENDS, title="Figures <b>& co</b>")
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Figures &lt;b&gt;&amp; co&lt;/b&gt;" in page


def test_html_is_self_contained() -> None:
    page = to_html(report(), TRENDS, title="PACE figures")
    assert "http://" not in page and "https://" not in page
    assert "<link" not in page and " src=" not in page and "@import" not in page
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")


def test_html_of_a_folded_report_draws_the_partners_bars() -> None:
    fold = given(NETWORK, at("wattrelos", referred("f1", "2020-01-02",
                                                   source=ReferralSource.SELF,
                                                   parents=(("f1-p", Gender.MALE),))))
    folded = fold.figures(date(2020, 12, 31), "to-date",
                          {"mechelen": "BE", "gent": "BE", "de-mussen": "NL",
                           "wattrelos": "FR"})
    page = to_html(folded, {"families_referred": fold.trend(
        "families_referred", "network", [date(2020, 1, 5), date(2020, 1, 31)])})
    # a bar per partner in each key chart, with its value as a label
    assert page.count('height="16"') == 5 * len(KEY_INDICATORS)
    assert "<title>kent: 1</title>" in page
    assert "France (FR)" in page and "Netherlands (NL)" in page


def test_html_shows_childcare_after_coaching_in_a_section_of_its_own() -> None:
    numbers = figures(places_after_trajectory_end=1234, families_bridging=7,
                      median_days_to_handover=45.5)
    page = to_html(Report(as_of=AS_OF, period="to-date", partners={"mechelen": numbers},
                          countries={"BE": numbers}, network=numbers, breakdowns={},
                          country_of={"mechelen": "BE"}), None)
    section = page[page.index("<h2>Childcare after coaching</h2>"):page.index("<h2>By country")]
    assert "<b>1,234</b><span>Places after the trajectory ended</span>" in section
    assert "<b>7</b><span>Families bridging (at end)</span>" in section
    assert "<b>45.5</b><span>Median days from trajectory end to handover</span>" in section
    assert '<td class="total">1,234</td>' in section


def test_the_coordinators_figures_show_childcare_after_coaching_in_dutch() -> None:
    from services.web.common import templates
    from services.web.i18n import translator

    numbers = figures(places_after_trajectory_end=321, families_bridging=4,
                      median_days_to_handover=12.5)
    page = templates.get_template("figures.html").render(
        report=Report(as_of=AS_OF, period="to-date", partners={"mechelen": numbers},
                      countries={"BE": numbers}, network=numbers, breakdowns={},
                      country_of={"mechelen": "BE"}),
        indicators=KEY_INDICATORS, after_coaching=AFTER_COACHING_INDICATORS, charts=[],
        country_charts=[], fmt=format_value, country_label=str, t=translator("nl"))
    tiles = page[page.index('id="after-coaching"'):page.index('id="after-coaching-by-partner"')]
    assert 'data-figure="network/places_after_trajectory_end">321<' in tiles
    assert 'data-figure="network/median_days_to_handover">12.5<' in tiles
    assert "Gezinnen in overbrugging" in tiles and "Opvang na de begeleiding" in page
    assert 'data-figure="mechelen/families_bridging">4<' in page
