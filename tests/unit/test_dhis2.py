"""The DHIS2 dataValueSets export: values are the report's, suppressed cells never go out."""

from __future__ import annotations

from datetime import date

import pytest

from contracts.report import Report
from services.reporting import disclosure
from services.web.figures_dhis2 import (
    MappingError,
    data_values,
    dhis2_period,
    load_mapping,
    parse_mapping,
)

PARTNERS = {"mechelen": "BE", "gent": "BE"}
MAPPING = """
[data_elements]
families_referred = "AvquaEBi6Fx"
trajectories_started = "qvvx2KokSwm"

[org_units]
mechelen = "L7r5evFJqou"
gent = "EmzWp8Oidxx"

[category_option_combos.referral_source]
social_services = "mUDVE0WPfXB"
self = "fcXaWw6xELu"
"""


def report_with_a_small_cell() -> Report:
    """Mechelen: 9 referrals, 7 by social services and 2 self-referred (a small cell)."""
    mechelen = {"families_referred": 9, "trajectories_started": 4}
    gent = {"families_referred": 6, "trajectories_started": 0}
    cells = {"mechelen": {"social_services": 7, "self": 2}, "gent": {"social_services": 6}}
    return disclosure.protect(Report(
        as_of=date(2024, 3, 31), period="2024-Q1",
        partners={"mechelen": mechelen, "gent": gent},
        countries={"BE": {"families_referred": 15, "trajectories_started": 4}},
        network={"families_referred": 15, "trajectories_started": 4},
        breakdowns={p: {"referral_source": {c: {"families_referred": n}
                                            for c, n in by.items()}, "gender": {}}
                    for p, by in cells.items()},
        country_of=dict(PARTNERS)))


def test_every_mapped_figure_goes_out_with_its_partners_org_unit():
    values = data_values(report_with_a_small_cell(), parse_mapping(MAPPING, PARTNERS))

    plain = {(v["orgUnit"], v["dataElement"]): v["value"] for v in values
             if "categoryOptionCombo" not in v}
    assert plain == {("L7r5evFJqou", "AvquaEBi6Fx"): "9", ("L7r5evFJqou", "qvvx2KokSwm"): "4",
                     ("EmzWp8Oidxx", "AvquaEBi6Fx"): "6", ("EmzWp8Oidxx", "qvvx2KokSwm"): "0"}
    assert {v["period"] for v in values} == {"2024Q1"}


def test_suppressed_cells_are_left_out_never_sent_as_zero():
    report = report_with_a_small_cell()
    assert report.breakdowns["mechelen"]["referral_source"]["self"]["families_referred"] == "<5"

    values = data_values(report, parse_mapping(MAPPING, PARTNERS))

    combos = [(v["orgUnit"], v["categoryOptionCombo"], v["value"]) for v in values
              if "categoryOptionCombo" in v and v["dataElement"] == "AvquaEBi6Fx"]
    assert ("L7r5evFJqou", "fcXaWw6xELu", "<5") not in combos
    assert all(value.isdigit() for _unit, _combo, value in combos)
    assert not [c for c in combos if c[:2] == ("L7r5evFJqou", "fcXaWw6xELu")]
    assert ("L7r5evFJqou", "mUDVE0WPfXB", "7") in combos  # the cells shown go out as shown
    assert ("EmzWp8Oidxx", "mUDVE0WPfXB", "6") in combos


def test_a_partner_without_an_org_unit_fails_with_its_name():
    mapping = parse_mapping(MAPPING.replace('gent = "EmzWp8Oidxx"\n', ""), PARTNERS)

    with pytest.raises(MappingError, match=r"no DHIS2 org unit for partner\(s\) gent"):
        data_values(report_with_a_small_cell(), mapping)


@pytest.mark.parametrize(("change", "message"), [
    (("families_referred =", "families_reffered ="), "unknown indicator 'families_reffered'"),
    (("gent =", "ghent ="), "unknown partner 'ghent'"),
    (('"AvquaEBi6Fx"', '"1vquaEBi6Fx"'), "is not a DHIS2 uid"),
    (("referral_source]", "age]"), "unknown breakdown 'age'"),
    (("[org_units]", "[orgunits]"), "unknown table"),
])
def test_a_wrong_mapping_fails_on_load_saying_what_is_wrong(change, message):
    with pytest.raises(MappingError, match=message):
        parse_mapping(MAPPING.replace(*change), PARTNERS)


@pytest.mark.parametrize(("period", "expected"), [
    ("2024", "2024"), ("2024-Q3", "2024Q3"), ("2024-02", "202402")])
def test_periods_are_dhis2s(period, expected):
    assert dhis2_period(period) == expected


@pytest.mark.parametrize("period", ["to-date", "2017..2022"])
def test_periods_dhis2_cannot_take_are_refused(period):
    with pytest.raises(MappingError, match="DHIS2 takes a year, quarter or month"):
        dhis2_period(period)


def test_the_shipped_mapping_loads_against_the_registry():
    mapping = load_mapping()

    assert "mechelen" in mapping.org_units and "families_referred" in mapping.data_elements
