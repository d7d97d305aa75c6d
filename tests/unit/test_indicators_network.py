"""The indicators' fold across partners: the network, breakdowns, trends and documentation."""

from __future__ import annotations

import itertools

import pytest

from contracts import indicators as definitions
from contracts.base import DomainEvent
from contracts.booking import BookingFlaggedForHandover
from contracts.indicators import DIMENSIONS, INDICATOR_NAMES, INDICATORS, SECTIONS
from contracts.intake import ConsentPurpose, ConsentRecorded, FamilyErased, Gender, ReferralSource
from contracts.periods import Period
from contracts.registry import encode
from contracts.reporting import NetworkFiguresPublished, PartnerFiguresPublished
from services.reporting.tally import COUNTERS
from tests.unit.indicator_facts import (
    ACTIVATION,
    BREAKDOWNS,
    CHILDCARE,
    COUNTRIES,
    END_2020,
    INTAKE,
    NETWORK,
    S1,
    TRAJECTORIES,
    _b,
    at,
    d,
    figures_of,
    given,
    referred,
    started,
    training,
)

# -- partners, countries and the network --------------------------------------------------------

def test_countries_and_the_network_count_each_partners_entities_once() -> None:
    report = figures_of(given(NETWORK), END_2020)
    # each partner: one parent trained (Mechelen's twice)
    assert [report.partners[p]["parents_trained"] for p in ("mechelen", "gent", "de-mussen")] \
        == [1, 1, 1]
    # Belgium: Mechelen's f1 and Gent's f1 are two families, two parents
    assert report.countries["BE"]["families_referred"] == 2
    assert report.countries["BE"]["parents_trained"] == 2
    assert report.countries["BE"]["families_with_childcare"] == 2 + 4
    assert report.countries["BE"]["children_cared_for"] == 1 + 4
    assert report.network["families_referred"] == 4
    assert report.network["parents_trained"] == 3


def test_ratios_of_a_country_are_recomputed_not_averaged() -> None:
    report = figures_of(given(NETWORK), END_2020)
    assert report.partners["mechelen"]["no_show_rate"] == 0.5  # 1 / (1 + 1)
    assert report.partners["gent"]["no_show_rate"] == 0.0  # 0 / (0 + 4)
    assert report.countries["BE"]["no_show_rate"] == 0.167  # 1 / 6, not (0.5 + 0) / 2
    assert report.network["no_show_rate"] == 0.286  # 2 / 7
    assert report.partners["mechelen"]["occupancy_morning"] == 0.5  # 1 / 2
    assert report.partners["gent"]["occupancy_morning"] == 0.4  # 4 / 10
    assert report.countries["BE"]["occupancy_morning"] == 0.417  # 5 / 12, not 0.45
    assert report.countries["BE"]["childcare_hours"] == 13.33  # 3.33 + 4 x 2.5
    assert report.countries["NL"]["occupancy_morning"] == 0.0  # no childcare sessions


def test_every_partner_is_reported_with_its_country() -> None:
    report = given(NETWORK).figures(END_2020, Period.parse("to-date"),
                                    {**COUNTRIES, "wattrelos": "FR"})
    # Wattrelos sent nothing yet: zeros; Kent is missing from the countries: "??"
    assert list(report.partners) == ["de-mussen", "gent", "kent", "mechelen", "wattrelos"]
    assert set(report.partners["wattrelos"].values()) == {0}
    assert report.country_of == {"de-mussen": "NL", "gent": "BE", "kent": "??",
                                 "mechelen": "BE", "wattrelos": "FR"}
    assert list(report.countries) == ["??", "BE", "FR", "NL"]
    assert report.countries["??"]["families_referred"] == 1
    assert report.countries["FR"]["families_referred"] == 0
    assert sorted(report.breakdowns) == ["??", "BE", "FR", "NL", "de-mussen", "gent", "kent",
                                         "mechelen", "network", "wattrelos"]


def test_figures_follow_the_indicators_order_and_types() -> None:
    report = figures_of(given(NETWORK), END_2020)
    for figures in (*report.partners.values(), *report.countries.values(), report.network):
        assert tuple(figures) == INDICATOR_NAMES
        for indicator in INDICATORS:
            value = figures[indicator.name]
            expected = float if indicator.decimals else int
            assert type(value) is expected, indicator.name


def test_reports_fit_the_published_figures_events() -> None:
    report = figures_of(given(NETWORK, ACTIVATION), END_2020, "2020-Q1")
    published = PartnerFiguresPublished(
        partner_id="mechelen", period=report.period, as_of=report.as_of,
        figures=report.partners["mechelen"], breakdowns=report.breakdowns["mechelen"])
    network = NetworkFiguresPublished(period=report.period, as_of=report.as_of,
                                      figures=report.network,
                                      breakdowns=report.breakdowns["network"])
    # Mechelen's f1-p trains in both histories: the same id in one partner is one parent
    assert published.figures["parents_trained"] == 1
    # f1-p of Mechelen, Gent and De Mussen, all referred as female
    assert network.breakdowns["gender"]["female"]["parents_trained"] == 3


# -- breakdowns --------------------------------------------------------------------------------

def test_breakdowns_by_gender_and_referral_source() -> None:
    report = figures_of(given(BREAKDOWNS), END_2020)
    mechelen = report.breakdowns["mechelen"]
    # only the categories with a figure; every indicator of the dimension within them
    assert list(mechelen["gender"]) == ["female", "male", "unknown"]
    assert mechelen["gender"]["female"] == {
        "trajectories_started": 1, "trajectories_completed": 1, "trajectories_ongoing": 0,
        "trajectories_dropped": 0, "development_plans_agreed": 0, "parents_trained": 1,
        "parents_found_work": 0, "parents_working": 0, "parents_reduced_distance_to_work": 1}
    assert mechelen["gender"]["male"]["trajectories_ongoing"] == 2  # f1-q and f2-p
    assert mechelen["gender"]["unknown"]["trajectories_started"] == 1  # f9-p
    assert mechelen["referral_source"] == {
        "public_employment_service": {
            "families_referred": 1, "families_enrolled": 1, "trajectories_started": 2,
            "trajectories_completed": 1, "families_with_childcare": 0},
        "social_services": {
            "families_referred": 1, "families_enrolled": 0, "trajectories_started": 1,
            "trajectories_completed": 0, "families_with_childcare": 1},
        "unknown": {
            "families_referred": 0, "families_enrolled": 1, "trajectories_started": 1,
            "trajectories_completed": 0, "families_with_childcare": 0},
    }


def test_breakdowns_add_up_over_partners() -> None:
    report = figures_of(given(BREAKDOWNS), END_2020)
    assert report.breakdowns["BE"]["gender"]["female"]["trajectories_started"] == 2
    assert report.breakdowns["network"]["gender"]["female"]["trajectories_started"] == 2
    assert report.breakdowns["network"]["referral_source"]["self"]["families_referred"] == 1
    # every category's figures add up to the scope's own figure
    for scope, figures in (("network", report.network), ("BE", report.countries["BE"])):
        for dimension, names in DIMENSIONS.items():
            for name in names:
                assert sum(c[name] for c in report.breakdowns[scope][dimension].values()) \
                    == figures[name], (scope, dimension, name)


def test_a_scope_without_facts_has_empty_breakdowns() -> None:
    report = figures_of(given(BREAKDOWNS), END_2020)
    assert report.breakdowns["de-mussen"] == {"gender": {}, "referral_source": {},
                                              "entry_status": {}}


def test_breakdowns_respect_the_window() -> None:
    report = figures_of(given(BREAKDOWNS), d("2020-01-10"))
    # t2 (f2-p) and t9 start later; t1 and t11 on the as-of date
    assert sorted(report.breakdowns["mechelen"]["gender"]) == ["female", "male"]


# -- robustness: arrival order, ignored events, determinism -----------------------------------


def test_a_trajectory_arriving_before_its_familys_referral_is_still_joined() -> None:
    # given the hub sees Gent's trajectory before the referral that names the parent
    fold = given(at("gent", started("t1", "f1", "2020-01-10", parent="f1-p"),
                    training("t1", "tr1", "2020-01-11")),
                 at("gent", referred("f1", "2020-01-02", source=ReferralSource.SELF,
                                     parents=(("f1-p", Gender.MALE),))))
    # then the join is made when the figures are asked for
    breakdowns = figures_of(fold, END_2020).breakdowns["gent"]
    assert list(breakdowns["gender"]) == ["male"]
    assert breakdowns["gender"]["male"]["parents_trained"] == 1
    assert breakdowns["referral_source"]["self"]["trajectories_started"] == 1


def test_an_erased_family_counts_as_before() -> None:
    # given a family erased at its partner (FamilyErased is not shareable; if it ever reaches
    # the fold it is ignored, like any event of no indicator)
    erasure = at("mechelen", FamilyErased(family_id="f1", erased_on=d("2020-05-01")),
                 ConsentRecorded(family_id="f2", purpose=ConsentPurpose.CHILDCARE,
                                 given_on=d("2020-01-01")))
    # then the figures are those of the history without it
    assert figures_of(given(INTAKE, erasure, TRAJECTORIES), END_2020) \
        == figures_of(given(INTAKE, TRAJECTORIES), END_2020)


def test_unknown_event_types_are_ignored_and_name_no_partner() -> None:
    fold = given(INTAKE)
    fold.apply("mechelen", "SomethingNew", {"family_id": "f1"})
    fold.apply("elsewhere", "SomethingNew", {})
    assert fold.partners() == ["mechelen"]
    assert figures_of(fold, END_2020) == figures_of(given(INTAKE), END_2020)


def test_a_partner_that_only_flagged_a_booking_is_still_reported() -> None:
    fold = given(at("arques", BookingFlaggedForHandover(
        **_b("b1", "f1", *S1), flagged_on=d("2020-02-01"), release_on=d("2020-02-15"))))
    report = figures_of(fold, END_2020)
    assert report.country_of["arques"] == "??"
    assert set(report.partners["arques"].values()) == {0}


def test_the_interleaving_of_partners_does_not_change_the_report() -> None:
    # given the same events, each partner in its own order, interleaved two ways
    histories = [at(p, *events) for p, events in (
        ("mechelen", [e for _p, e in CHILDCARE + ACTIVATION]),
        ("gent", [e for _p, e in BREAKDOWNS if _p == "gent"]),
        ("de-mussen", [e for _p, e in NETWORK if _p == "de-mussen"]))]
    one_by_one = given(*histories)
    round_robin = given([entry for group in itertools.zip_longest(*histories) for entry in group
                         if entry is not None])
    # then the reports are equal, keys in the same order
    first, second = figures_of(one_by_one, END_2020), figures_of(round_robin, END_2020)
    assert first == second
    assert list(first.partners) == list(second.partners) == ["de-mussen", "gent", "mechelen"]
    assert list(first.breakdowns["network"]["gender"]) \
        == list(second.breakdowns["network"]["gender"])


def test_more_events_after_a_report_are_taken_into_the_next() -> None:
    fold = given(INTAKE)
    assert figures_of(fold, END_2020).network["families_referred"] == 3
    fold.apply("mechelen", "FamilyReferred", encode(referred("f4", "2020-04-01")))
    assert figures_of(fold, END_2020).network["families_referred"] == 4


def test_a_period_not_started_by_the_as_of_date_reports_zeros() -> None:
    report = figures_of(given(TRAJECTORIES, INTAKE), d("2020-06-30"), "2021")
    assert report.period == "2021"
    assert set(report.partners["mechelen"].values()) == {0}
    assert report.network["trajectories_ongoing"] == 0  # stocks too
    assert report.breakdowns["network"] == {"gender": {}, "referral_source": {},
                                            "entry_status": {}}


def test_the_period_may_be_given_as_text() -> None:
    fold = given(INTAKE)
    assert fold.figures(END_2020, "2020-Q1", COUNTRIES) == figures_of(fold, END_2020, "2020-Q1")


# -- trends ------------------------------------------------------------------------------------


def test_a_trend_gives_the_to_date_figure_at_each_point() -> None:
    fold = given(NETWORK, TRAJECTORIES)
    points = [d("2020-01-05"), d("2020-01-12"), d("2020-02-10"), d("2020-02-29"),
              d("2020-12-31")]
    # referred: De Mussen and Kent on 5 January, Mechelen on the 10th, Gent on the 12th
    assert fold.trend("families_referred", "network", points) == list(zip(
        points, [2, 4, 4, 4, 4], strict=True))
    # Mechelen: t1 from 15 January to 10 March, t2 from 1 to 20 February, t3 from April
    assert fold.trend("trajectories_ongoing", "mechelen", points) == list(zip(
        points, [0, 0, 2, 1, 1], strict=True))
    assert fold.trend("no_show_rate", "BE", points, COUNTRIES)[-1] == (points[-1], 0.167)


def test_a_trend_of_an_unknown_indicator_or_scope_is_refused() -> None:
    fold = given(NETWORK)
    with pytest.raises(ValueError, match="unknown indicator 'families'"):
        fold.trend("families", "network", [END_2020])
    with pytest.raises(ValueError, match="unknown scope 'FR'"):
        fold.trend("families_referred", "FR", [END_2020], COUNTRIES)


def test_a_trend_point_equals_the_to_date_figure_of_every_indicator() -> None:
    fold = given(NETWORK, CHILDCARE, ACTIVATION, BREAKDOWNS)
    for as_of in (d("2020-02-10"), d("2020-03-31")):
        report = figures_of(fold, as_of)
        for scope, figures in (("network", report.network), ("BE", report.countries["BE"]),
                               ("mechelen", report.partners["mechelen"])):
            for name in INDICATOR_NAMES:
                assert fold.trend(name, scope, [as_of], COUNTRIES) == [(as_of, figures[name])]


# -- documentation -----------------------------------------------------------------------------


def test_every_indicator_has_a_label_a_description_and_a_definition() -> None:
    assert len(INDICATOR_NAMES) == len(set(INDICATOR_NAMES)) == 39
    assert all(i.label and i.description and i.definition and i.unit for i in INDICATORS)


def test_every_section_of_the_table_has_its_counter_and_every_breakdown_known_indicators(
) -> None:
    assert list(COUNTERS) == [section.name for section in SECTIONS]
    assert {i.section for i in INDICATORS} == set(SECTIONS)
    assert all(name in INDICATOR_NAMES for names in DIMENSIONS.values() for name in names)


def test_the_readme_defines_every_indicator_as_the_table_does() -> None:
    """Stale? Run `python -m contracts.indicators --write`."""
    text = definitions.README.read_text(encoding="utf-8")

    assert definitions.with_definitions(text) == text
    generated = definitions.definitions_markdown()
    assert [line.split("`")[1] for line in generated.splitlines()
            if line.startswith("- `")] == list(INDICATOR_NAMES)
    assert "- `no_show_rate` (ratio, 3 decimals): no_shows / (no_shows" in generated


def test_stale_definitions_are_found_and_rewritten(tmp_path, monkeypatch, capsys) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Indicators\n{definitions.DEFINITIONS_START}\nold\n"
                      f"{definitions.DEFINITIONS_END}\nmore\n", encoding="utf-8")
    monkeypatch.setattr(definitions, "README", readme)

    assert definitions.main(["--check"]) == 1
    assert definitions.main(["--write"]) == 0
    assert definitions.main(["--check"]) == 0
    text = readme.read_text(encoding="utf-8")
    assert "old" not in text and text.endswith(f"{definitions.DEFINITIONS_END}\nmore\n")
    assert "- `families_referred` (families): families with a FamilyReferred" in text
    assert "stale" in capsys.readouterr().out


def test_a_readme_without_the_markers_is_refused() -> None:
    with pytest.raises(definitions.DefinitionsMarkersError, match="no indicator definition"):
        definitions.with_definitions("# PACE\n")


def unshared(month: str, families: int, on: str) -> DomainEvent:
    from contracts.intake import UnsharedFamiliesCounted

    return UnsharedFamiliesCounted(referred_in=month, families=families, counted_on=d(on))


def test_families_not_shared_are_the_latest_count_of_each_referral_month_as_of_a_date() -> None:
    fold = given(at("mechelen", unshared("2020-01", 1, "2020-01-10"),
                    unshared("2020-01", 0, "2020-01-14"), unshared("2020-02", 2, "2020-02-03"),
                    unshared("2020-02", 3, "2020-02-20")))

    assert figures_of(fold, d("2020-01-12")).network["families_not_shared"] == 1
    assert figures_of(fold, d("2020-02-10")).network["families_not_shared"] == 2
    assert figures_of(fold, d("2020-03-01")).partners["mechelen"]["families_not_shared"] == 3
    assert figures_of(fold, d("2020-03-01"), "2020-01").network["families_not_shared"] == 0
