"""The web apps without NATS: logins, cookies, languages, the OpenAPI document."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from services.web.auth import (
    SESSION_COOKIE,
    Role,
    Sessions,
    User,
    check_password,
    hash_password,
    load_secret,
    load_users,
)
from services.web.common import safe_next
from services.web.hub_app import create_hub_app
from services.web.i18n import LANGUAGES, MESSAGES, choose_language
from services.web.partner_app import create_partner_app
from tests.web.conftest import PASSWORD

UNREACHABLE = "nats://127.0.0.1:9"  # never connected: TestClient without `with` runs no lifespan


def client(sessions: Sessions, hub: bool = False) -> TestClient:
    app = (create_hub_app(UNREACHABLE, sessions) if hub
           else create_partner_app("mechelen", UNREACHABLE, sessions))
    return TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)


def login(web: TestClient, username: str, password: str = PASSWORD) -> int:
    return web.post("/login", data={"username": username, "password": password}).status_code


def test_passwords_are_scrypt_hashes_and_plaintext_is_refused(tmp_path):
    stored = hash_password("s3cret")
    assert stored.startswith("scrypt$") and "s3cret" not in stored
    assert check_password("s3cret", stored) and not check_password("S3cret", stored)
    users = tmp_path / "users.toml"
    users.write_text('[[user]]\nusername = "x"\nrole = "coach"\npassword = "s3cret"\n')
    with pytest.raises(ValueError, match="plaintext"):
        load_users(users)


def test_the_secret_comes_from_the_environment_or_a_file(tmp_path, monkeypatch):
    monkeypatch.delenv("PACE_WEB_SECRET", raising=False)
    monkeypatch.delenv("PACE_WEB_SECRET_FILE", raising=False)
    with pytest.raises(ValueError, match="no session secret"):
        load_secret()
    (tmp_path / "secret").write_text("ab" * 32 + "\n")
    monkeypatch.setenv("PACE_WEB_SECRET_FILE", str(tmp_path / "secret"))
    assert load_secret() == b"ab" * 32
    monkeypatch.setenv("PACE_WEB_SECRET", "short")
    with pytest.raises(ValueError, match="at least 32"):
        load_secret()


def test_a_tampered_or_foreign_cookie_is_no_session(sessions):
    user = sessions.users["wout"]
    cookie = sessions.cookie_for(user)
    assert sessions.user_of(cookie) == user
    body, signature = cookie.rsplit(".", 1)
    assert sessions.user_of(body + "." + "0" * len(signature)) is None
    other = Sessions(sessions.users, b"x" * 32)
    assert other.user_of(cookie) is None
    forged = other.cookie_for(User("wout", Role.PARTNER_ADMIN, user.password_hash))
    assert sessions.user_of(forged) is None
    assert sessions.user_of(cookie, now=10**12) is None  # expired


def test_login_logout_and_what_needs_a_login(sessions):
    web = client(sessions)
    assert web.get("/families").headers["location"] == "/login?next=/families"
    assert web.get("/api/families").status_code == 401
    assert login(web, "wout", "wrong") == 401
    assert login(web, "nobody") == 401
    assert login(web, "wout") == 303
    assert web.cookies.get(SESSION_COOKIE)
    assert web.get("/families").status_code == 403  # childcare worker, before any NATS call
    web.post("/logout")
    assert web.get("/childcare").status_code == 303


@pytest.mark.parametrize(("username", "forbidden"), [
    ("wout", ["/families", "/families/f1", "/trajectories", "/trajectories/f1",
              "/api/families", "/api/families/f1", "/api/trajectories"]),
    ("carla", ["/childcare", "/childcare/children", "/api/sessions", "/api/bookings?session_id=x"]),
    ("cora", ["/families", "/childcare", "/trajectories", "/api/families", "/api/sessions"]),
])
def test_roles_are_enforced_by_the_server(sessions, username, forbidden):
    web = client(sessions)
    login(web, username)
    for path in forbidden:
        reply = web.get(path)
        assert reply.status_code == 403, path


def test_partner_staff_cannot_open_the_coordinator_dashboard(sessions):
    web = client(sessions, hub=True)
    for username in ("carla", "wout", "ada"):
        login(web, username)
        for path in ("/dashboard", "/dashboard/figures", "/api/figures", "/api/figures/events"):
            assert web.get(path).status_code == 403, (username, path)


def test_the_openapi_document_lists_the_api(sessions):
    document = client(sessions).get("/openapi.json").json()
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    assert {"/api/login", "/api/families", "/api/families/{family_id}", "/api/sessions",
            "/api/bookings", "/api/waitlist", "/api/trajectories",
            "/api/commands/{context}/{name}"} <= paths
    assert not any(p.startswith(("/families", "/childcare")) for p in paths)  # pages hidden
    assert "APIKeyCookie" in document["components"]["securitySchemes"]
    hub = client(sessions, hub=True).get("/openapi.json").json()
    assert {"/api/figures", "/api/figures/events", "/api/login"} <= set(hub["paths"])
    web = client(sessions)
    assert web.get("/docs").status_code == 303  # to the login page: admins only
    login(web, "ada")
    docs = web.get("/docs")
    assert docs.status_code == 200 and "/api/families" in docs.text
    assert "cdn" not in docs.text.lower() and "https://" not in docs.text


def test_languages_from_the_cookie_or_the_browser(sessions):
    assert all(len(row) == len(LANGUAGES) and all(row) for row in MESSAGES.values())
    assert choose_language(None, "fr-BE,fr;q=0.9,en;q=0.5") == "fr"
    assert choose_language(None, "de-DE,nl;q=0.8") == "nl"
    assert choose_language("en", "nl") == "en"
    assert choose_language(None, None) == "en"
    web = client(sessions)
    assert "Wachtwoord" in web.get("/login", headers={"Accept-Language": "nl"}).text
    web.post("/language", data={"lang": "fr", "next": "/login"})
    assert "Mot de passe" in web.get("/login", headers={"Accept-Language": "nl"}).text


def test_redirects_stay_on_the_site():
    assert safe_next("/childcare?week=2026-01-05") == "/childcare?week=2026-01-05"
    for target in ("https://example.org/", "//example.org", "/\\example.org", ""):
        assert safe_next(target) == "/"
