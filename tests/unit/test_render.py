"""Rendering reports: deterministic JSON, CSV that reads back, rich tables, one HTML page."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import orjson
from rich.console import Console

from apps.report_console import print_report, to_table
from contracts.indicators import BY_NAME, INDICATOR_NAMES, format_value
from contracts.intake import Gender, ReferralSource
from contracts.report import (
    CSV_HEADER,
    Figures,
    Report,
    report_from_dict,
    report_to_dict,
    to_csv,
    to_json,
)
from services.web.figures import AFTER_COACHING_INDICATORS, KEY_INDICATORS, to_html
from tests.unit.test_indicators import BREAKDOWNS, NETWORK, at, figures_of, given, referred

AS_OF = date(2020, 2, 29)
EVIL = "<script>alert(1)</script>"


def figures(**values: int | float) -> Figures:
    """Every indicator, zero unless given (floats for hours and ratios)."""
    found: Figures = {name: 0.0 if BY_NAME[name].decimals else 0 for name in INDICATOR_NAMES}
    found.update(values)
    return found


MECHELEN = figures(families_referred=86, trajectories_started=67, trajectories_completed=34,
                   trajectories_ongoing=33, parents_working=27, childcare_hours=12345.5,
                   no_show_rate=0.125, occupancy_morning=0.8)
GENT = figures(families_referred=1200, trajectories_started=3, childcare_hours=0.25)
UNKNOWN_PARTNER = figures(families_referred=3)
BELGIUM = figures(families_referred=1286, trajectories_started=70, trajectories_completed=34,
                  trajectories_ongoing=33, parents_working=27, childcare_hours=12345.75,
                  no_show_rate=0.1, occupancy_morning=0.75)
NETWORK_FIGURES = figures(families_referred=1289, trajectories_started=70,
                          trajectories_completed=34, trajectories_ongoing=33, parents_working=27,
                          childcare_hours=12345.75, no_show_rate=0.1, occupancy_morning=0.75)
GENDER = {"female": {"trajectories_started": 50, "parents_working": 20},
          "male": {"trajectories_started": 20, "parents_working": 7}}
SOURCE = {"public_employment_service": {"families_referred": 1000},
          "self": {"families_referred": 289}}


def report(*, reverse: bool = False) -> Report:
    """A hand-made report; `reverse` builds every dict in the opposite insertion order."""
    def order(mapping: dict) -> dict:
        items = list(mapping.items())
        return dict(reversed(items) if reverse else items)

    def deep(mapping: dict) -> dict:
        return order({k: deep(v) if isinstance(v, dict) else v for k, v in mapping.items()})

    return Report(
        as_of=AS_OF, period="to-date",
        partners=deep({"gent": GENT, "mechelen": MECHELEN, EVIL: UNKNOWN_PARTNER}),
        countries=deep({"??": UNKNOWN_PARTNER, "BE": BELGIUM}),
        network=deep(NETWORK_FIGURES),
        breakdowns=deep({"network": {"gender": GENDER, "referral_source": SOURCE},
                         "mechelen": {"gender": {}, "referral_source": {}}}),
        country_of=deep({"gent": "BE", "mechelen": "BE", EVIL: "??"}))


# -- JSON --------------------------------------------------------------------------------------


def test_json_is_the_same_bytes_every_time() -> None:
    assert to_json(report()) == to_json(report())


def test_json_does_not_depend_on_dict_insertion_order() -> None:
    # given two equal reports whose dicts were filled in opposite orders
    one, other = report(), report(reverse=True)
    assert one == other
    assert list(one.partners) != list(other.partners)
    # then their JSON is byte for byte the same, keys sorted
    assert to_json(one) == to_json(other)
    text = to_json(one).decode()
    assert text.index('"as_of"') < text.index('"breakdowns"') < text.index('"network"')
    assert text.endswith("}\n")


def test_json_reads_back_to_the_reports_figures() -> None:
    data = orjson.loads(to_json(report()))
    assert data["as_of"] == "2020-02-29" and data["period"] == "to-date"
    assert data["partners"]["mechelen"] == MECHELEN
    assert data["countries"]["BE"]["childcare_hours"] == 12345.75
    assert data["breakdowns"]["network"]["gender"]["female"]["parents_working"] == 20
    assert data["country_of"][EVIL] == "??"
    assert data == report_to_dict(report())


def test_a_report_comes_back_from_its_json() -> None:
    folded = figures_of(given(NETWORK, BREAKDOWNS), date(2020, 12, 31), "2020-Q1")
    assert report_from_dict(orjson.loads(to_json(folded))) == folded


def test_json_writes_each_float_with_its_indicators_decimals() -> None:
    # given figures carrying float noise and a count that came out as a float
    noisy = Report(as_of=AS_OF, period="2020", partners={},
                   countries={}, breakdowns={},
                   network=figures(no_show_rate=0.1 + 0.2, childcare_hours=1 / 3,
                                   families_referred=2.0))
    # then the JSON shows rounded values and an integer
    text = to_json(noisy).decode()
    assert '"no_show_rate": 0.3,' in text
    assert '"childcare_hours": 0.33,' in text
    assert '"families_referred": 2,' in text


def test_folded_reports_give_the_same_json_whatever_the_arrival_order() -> None:
    # given the same events, each partner's in its own order, arriving partner by partner
    # in two different orders
    history = [*NETWORK, *BREAKDOWNS]
    partners = sorted({partner for partner, _event in history})
    by_partner = [[entry for entry in history if entry[0] == p] for p in partners]
    forward, backward = given(history), given(*reversed(by_partner))
    # then the exported reports are byte for byte equal
    as_of = date(2020, 12, 31)
    assert to_json(figures_of(forward, as_of)) == to_json(figures_of(backward, as_of))


# -- CSV ---------------------------------------------------------------------------------------


def read_csv(text: str) -> dict[tuple[str, str, str, str, str], str]:
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {(row["as_of"], row["period"]) for row in rows} == {("2020-02-29", "to-date")}
    return {(row["scope_kind"], row["scope"], row["dimension"], row["category"],
             row["indicator"]): row["value"] for row in rows}


def test_csv_reads_back_to_the_same_numbers() -> None:
    text = to_csv(report())
    assert text.splitlines()[0] == ",".join(CSV_HEADER)
    values = read_csv(text)
    # every figure of every scope is there, with the same value
    scopes = [*(("partner", p, f) for p, f in report().partners.items()),
              *(("country", c, f) for c, f in report().countries.items()),
              ("network", "network", NETWORK_FIGURES)]
    for kind, scope, expected in scopes:
        for name, value in expected.items():
            assert float(values[(kind, scope, "", "", name)]) == value, (scope, name)
    assert values[("partner", "mechelen", "", "", "families_referred")] == "86"
    assert values[("partner", "mechelen", "", "", "childcare_hours")] == "12345.50"
    assert values[("network", "network", "", "", "no_show_rate")] == "0.100"
    assert values[("partner", EVIL, "", "", "families_referred")] == "3"


def test_csv_has_breakdown_rows_with_dimension_and_category() -> None:
    values = read_csv(to_csv(report()))
    assert values[("network", "network", "gender", "female", "trajectories_started")] == "50"
    assert values[("network", "network", "referral_source", "self", "families_referred")] \
        == "289"
    breakdown_rows = [key for key in values if key[2]]
    assert len(breakdown_rows) == 4 + 2  # two genders x two figures, two sources x one
    assert len(values) == (3 + 2 + 1) * len(INDICATOR_NAMES) + 6  # partners, countries, network


def test_csv_rows_come_partners_first_then_countries_then_the_network() -> None:
    kinds = [row["scope_kind"] for row in csv.DictReader(io.StringIO(to_csv(report())))]
    assert kinds == sorted(kinds, key=["partner", "country", "network"].index)
    assert kinds.count("partner") == 3 * len(INDICATOR_NAMES)
    assert kinds.count("country") == 2 * len(INDICATOR_NAMES)


def test_a_folded_report_survives_the_csv_round_trip() -> None:
    folded = figures_of(given(NETWORK, BREAKDOWNS), date(2020, 12, 31))
    rows = list(csv.DictReader(io.StringIO(to_csv(folded))))
    network = {row["indicator"]: row["value"] for row in rows
               if row["scope_kind"] == "network" and not row["dimension"]}
    assert {name: float(value) for name, value in network.items()} == {
        name: float(value) for name, value in folded.network.items()}
    assert network["no_show_rate"] == "0.286"


# -- terminal ----------------------------------------------------------------------------------


def rendered(renderable: object, width: int = 220) -> str:
    console = Console(record=True, width=width, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_the_partner_table_has_an_indicator_row_each_and_a_network_column() -> None:
    text = rendered(to_table(report()))
    assert "PACE figures by partner - period to-date, as of 2020-02-29" in text
    header = next(line for line in text.splitlines() if "Indicator" in line)
    assert re.search(r"gent .* mechelen .* Network", header)
    row = next(line for line in text.splitlines() if "Families referred" in line)
    assert re.search(r"1,200 .* 86 .* 1,289", row)  # thousands separators
    assert "12,345.50" in text and "12.5%" in text and "80.0%" in text
    assert "Parents taken into a trajectory" in text
    assert EVIL in text  # shown as it is, not read as rich markup


def test_the_country_table_names_the_countries() -> None:
    text = rendered(to_table(report(), scope="countries"))
    assert "Belgium (BE)" in text and "Country unknown" in text
    assert re.search(r"Families referred .* 1,286 .* 1,289", text)


def test_print_report_prints_both_tables_and_the_breakdowns() -> None:
    console = Console(record=True, width=220, color_system=None)
    print_report(console, report())
    text = console.export_text()
    assert "by partner" in text and "by country" in text
    assert "Network by gender" in text and "Network by referral source" in text
    assert re.search(r"Parents working \(at end\) .* 20 .* 7", text)


# -- HTML --------------------------------------------------------------------------------------

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


def test_the_terminal_table_and_csv_carry_the_after_coaching_indicators() -> None:
    numbers = figures(places_after_trajectory_end=12, families_bridging=3,
                      median_days_to_handover=20.0)
    plain = Report(as_of=AS_OF, period="to-date", partners={"mechelen": numbers},
                   countries={"BE": numbers}, network=numbers, breakdowns={},
                   country_of={"mechelen": "BE"})
    text = rendered(to_table(plain))
    assert re.search(r"Places after the trajectory ended .* 12 .* 12", text)
    assert re.search(r"Median days from trajectory end to handover .* 20\.0", text)
    rows = list(csv.reader(io.StringIO(to_csv(plain))))
    assert ["2020-02-29", "to-date", "network", "network", "", "", "families_bridging", "3"] \
        in rows
    assert orjson.loads(to_json(plain))["network"]["median_days_to_handover"] == 20.0


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
