"""Every message the web apps use exists in English, Dutch and French, indicators included."""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path

from contracts.indicator_labels import TRANSLATED_LABELS, TRANSLATED_UNITS
from contracts.indicators import INDICATORS
from services.web import hub_app, partner_app
from services.web.i18n import LANGUAGES, MESSAGES, catalogue, translator
from services.web.partner.talk import CHOICES
from services.web.users import Role

WEB = Path(hub_app.__file__).parent
T_CALL = re.compile(r"""\bt\(\s*(["'])([^"'{}]+)\1\s*\)""")
STATUSES = {  # the values the services' views put in `status` columns, shown with t(...)
    "families": ("referred", "enrolled", "declined", "erased"),
    "bookings": ("booked", "waitlisted", "cancelled", "released", "no_show", "checked_in",
                 "attended"),
    "trajectories": ("ongoing", "completed", "dropped"),
    "approvals": ("status_open", "status_submitted", "status_approved"),
    "flash": ("done", "refused", "nothing_to_do"),
    "errors": ("forbidden", "not_found", "unavailable", "refused"),
}


def keys_used_in(text: str) -> set[str]:
    """The message keys a template or module passes to t(...) as literals."""
    return {match.group(2) for match in T_CALL.finditer(text)}


def keys_used_by_the_web_apps() -> dict[str, set[str]]:
    """file -> the literal keys it uses; plus the keys named by data the apps translate."""
    used = {str(path.relative_to(WEB)): keys_used_in(path.read_text(encoding="utf-8"))
            for path in [*sorted((WEB / "templates").glob("*.html")),
                         *sorted(WEB.rglob("*.py"))]}
    used["navigation"] = {item.label for item in [*partner_app.NAV, *hub_app.NAV]}
    used["roles"] = {role.value for role in Role}
    used["choices"] = {member.value for members in CHOICES.values() for member in members
                       if isinstance(member, Enum)}
    used["statuses"] = {key for keys in STATUSES.values() for key in keys}
    return used


def missing(keys: set[str], known: dict[str, tuple[str, str, str]]) -> set[str]:
    return {key for key in keys if key not in known or not all(known[key])}


def test_every_key_the_web_apps_use_exists_in_all_three_languages() -> None:
    known = catalogue()
    gaps = {where: sorted(missing(keys, known))
            for where, keys in keys_used_by_the_web_apps().items() if missing(keys, known)}
    assert gaps == {}, f"keys without English, Dutch and French in MESSAGES: {gaps}"


def test_the_key_check_finds_a_key_used_but_not_in_the_catalogue() -> None:
    template = '<h1>{{ t("families_title") }}</h1><p>{{ t("overdue_contacts") }} {{ t(x) }}</p>'

    assert keys_used_in(template) == {"families_title", "overdue_contacts"}
    assert missing(keys_used_in(template), catalogue()) == {"overdue_contacts"}
    assert missing({"x"}, {"x": ("Overdue", "", "En retard")}) == {"x"}  # a blank one


def test_every_row_of_the_catalogue_has_three_languages() -> None:
    blank = [key for key, row in catalogue().items()
             if len(row) != len(LANGUAGES) or not all(v.strip() for v in row)]
    assert blank == []
    assert all(isinstance(key, str) and key for key in MESSAGES)


def test_every_indicator_has_a_dutch_and_a_french_label() -> None:
    names = {i.name for i in INDICATORS}

    assert names - set(TRANSLATED_LABELS) == set(), "indicators without nl/fr labels"
    assert set(TRANSLATED_LABELS) - names == set(), "labels of indicators that do not exist"
    assert {i.unit for i in INDICATORS} - set(TRANSLATED_UNITS) == set()
    for name, (dutch, french) in TRANSLATED_LABELS.items():
        assert dutch.strip() and french.strip() and dutch != french, name


def test_indicator_labels_come_from_the_contracts_in_english_and_are_translated() -> None:
    english, dutch, french = (translator(language) for language in LANGUAGES)
    for indicator in INDICATORS:
        assert english(indicator.name) == indicator.label
        assert dutch(indicator.name) == TRANSLATED_LABELS[indicator.name][0]
        assert french(indicator.name) == TRANSLATED_LABELS[indicator.name][1]
    assert dutch("unit:parents") == "ouders" and french("unit:days") == "jours"
