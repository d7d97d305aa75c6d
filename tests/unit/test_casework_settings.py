"""The coach's "no contact for N weeks" is a partner setting, PACE_NO_CONTACT_WEEKS (4 unset)."""

from __future__ import annotations

import os

import pytest
from pydantic import ValidationError

from pace.settings import Settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("PACE_")]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PACE_PARTNER", "mechelen")


def test_four_weeks_unless_the_partner_says_otherwise(monkeypatch) -> None:
    default = Settings().trajectory_settings()
    monkeypatch.setenv("PACE_NO_CONTACT_WEEKS", "6")

    assert default == {"silent_weeks": 4}
    assert Settings().trajectory_settings() == {"silent_weeks": 6}


def test_zero_weeks_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("PACE_NO_CONTACT_WEEKS", "0")

    with pytest.raises(ValidationError, match="no_contact_weeks"):
        Settings()
