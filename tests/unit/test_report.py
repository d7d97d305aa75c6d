"""A report's wire format: deterministic JSON, CSV that reads back (contracts.report)."""

from __future__ import annotations

import csv
import io
from datetime import date

import orjson

from contracts.indicators import BY_NAME, INDICATOR_NAMES
from contracts.report import (
    CSV_HEADER,
    Figures,
    Report,
    report_from_dict,
    report_to_dict,
    to_csv,
    to_json,
)
from tests.unit.indicator_facts import BREAKDOWNS, NETWORK, figures_of, given

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
