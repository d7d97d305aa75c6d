"""What both web apps share: templates, login and logout, language choice, role checks."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import orjson
from fastapi import Depends, FastAPI, Form, HTTPException, Request, Security
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import APIKeyCookie
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.web.auth import SESSION_COOKIE, SESSION_SECONDS, Sessions, ThrottledError, User
from services.web.docs import mount_docs
from services.web.i18n import (
    LANGUAGE_COOKIE,
    LANGUAGE_NAMES,
    LANGUAGES,
    catalogue,
    choose_language,
    translator,
)
from services.web.middleware import Hardening
from services.web.phrases import phrase_translator

HERE = Path(__file__).parent
FLASH_COOKIE = "pace_flash"
FIELD_KEYS = {"on": "date", "lang": "language", "referrer": "referral_source"}
"""A form field -> the message naming it, when the field's name is not itself a key."""
templates = Jinja2Templates(directory=HERE / "templates")
session_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False,
                              description="Session cookie from POST /login or /api/login")


class NotLoggedInError(Exception):
    """The request carries no valid session."""


@dataclass(frozen=True)
class NavItem:
    area: str
    href: str
    label: str  # a message key


class Credentials(BaseModel):
    username: str
    password: str


def current_user(request: Request) -> User | None:
    sessions: Sessions = request.app.state.sessions
    return sessions.user_of(request.cookies.get(sessions.cookie_name))


def allow(area: str) -> Callable[..., User]:
    """A dependency admitting only the roles of an area: 401 without a session, else 403."""
    def dependency(request: Request,
                   _cookie: Annotated[str | None, Security(session_cookie)] = None) -> User:
        user = current_user(request)
        if user is None:
            raise NotLoggedInError
        if not user.may(area):
            raise HTTPException(403, "your role does not give access to this")
        return user
    return dependency


def language_of(request: Request) -> str:
    return choose_language(request.cookies.get(LANGUAGE_COOKIE),
                           request.headers.get("accept-language"))


def safe_next(target: str | None, default: str = "/") -> str:
    """Only paths of this site: no scheme, no host, no `//`."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def redirect(url: str, kind: str | None = None, text: str = "") -> RedirectResponse:
    """303 to a page, with a one-time message shown there."""
    response = RedirectResponse(url, status_code=303)
    if kind:
        value = base64.urlsafe_b64encode(orjson.dumps({"kind": kind, "text": text[:600]}))
        response.set_cookie(FLASH_COOKIE, value.decode(), httponly=True, samesite="lax")
    return response


def render(request: Request, template: str, status_code: int = 200, **context: Any
           ) -> HTMLResponse:
    """A page in the user's language, with the navigation the user's role may use."""
    language = language_of(request)
    user = current_user(request)
    flash = None
    if raw := request.cookies.get(FLASH_COOKIE):
        try:
            flash = orjson.loads(base64.urlsafe_b64decode(raw))
        except (ValueError, orjson.JSONDecodeError):
            flash = None
    nav: Sequence[NavItem] = request.app.state.nav
    response = templates.TemplateResponse(request, template, {
        "t": translator(language), "say": phrase_translator(language), "lang": language,
        "languages": LANGUAGE_NAMES,
        "user": user, "nav": [n for n in nav if user is not None and user.may(n.area)],
        "flash": flash, "site": request.app.state.site, **context}, status_code=status_code)
    if flash is not None:
        response.delete_cookie(FLASH_COOKIE)
    return response


def make_app(title: str, description: str, sessions: Sessions, nav: Sequence[NavItem],
             site: str, lifespan: Any, home: Callable[[User], str]) -> FastAPI:
    """The FastAPI app with static files, login, logout, language and the error pages."""
    app = FastAPI(title=title, description=description, version="1.0", lifespan=lifespan,
                  docs_url=None, redoc_url=None)
    app.add_middleware(Hardening)
    mount_docs(app, allow("docs"))
    app.state.sessions = sessions
    app.state.nav = list(nav)
    app.state.site = site
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(NotLoggedInError)
    async def not_logged_in(request: Request, _error: NotLoggedInError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "log in first"}, status_code=401)
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": error.detail}, status_code=error.status_code)
        key = {403: "forbidden", 404: "not_found", 503: "unavailable"}.get(error.status_code,
                                                                          "refused")
        return render(request, "error.html", status_code=error.status_code, message=key,
                      detail=str(error.detail) if error.status_code != 403 else "")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        """The API's 422 as JSON; on a page, the fields at fault in the user's language."""
        if request.url.path.startswith("/api/"):
            return await request_validation_exception_handler(request, error)
        t, known = translator(language_of(request)), catalogue()
        names = (FIELD_KEYS.get(str(e["loc"][-1]), str(e["loc"][-1])) for e in error.errors())
        fields = ", ".join(dict.fromkeys(t(n) if n in known else n for n in names))
        return render(request, "error.html", status_code=422, message="refused",
                      detail=f"invalid form fields: {fields}")

    @app.get("/login", include_in_schema=False)
    async def login_page(request: Request, next: str | None = None) -> Response:
        return render(request, "login.html", next=safe_next(next, ""), failed=False)

    @app.post("/login", include_in_schema=False)
    async def login(request: Request, username: Annotated[str, Form()],
                    password: Annotated[str, Form()], next: Annotated[str, Form()] = ""
                    ) -> Response:
        try:
            user = await sessions.login(username, password, address_of(request))
        except ThrottledError as error:
            response = render(request, "login.html", status_code=429, next=safe_next(next, ""),
                              failed=True)
            response.headers["Retry-After"] = str(int(error.retry_after) + 1)
            return response
        if user is None:
            return render(request, "login.html", status_code=401, next=safe_next(next, ""),
                          failed=True)
        response = redirect(safe_next(next, home(user)))
        set_session(response, sessions, user)
        return response

    @app.post("/api/login", tags=["session"], summary="Log in; sets the session cookie")
    async def api_login(request: Request, credentials: Credentials) -> JSONResponse:
        try:
            user = await sessions.login(credentials.username, credentials.password,
                                        address_of(request))
        except ThrottledError as error:
            return JSONResponse({"detail": str(error)}, status_code=429,
                                headers={"Retry-After": str(int(error.retry_after) + 1)})
        if user is None:
            return JSONResponse({"detail": "wrong user name or password"}, status_code=401)
        response = JSONResponse({"username": user.username, "role": user.role.value})
        set_session(response, sessions, user)
        return response

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        """Ends every session of the user: a copied cookie stops working too."""
        user = current_user(request)
        if user is not None:
            sessions.logout(user)
        response = redirect("/login")
        response.delete_cookie(sessions.cookie_name, secure=sessions.secure, httponly=True)
        return response

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> Response:
        return Response("ok", media_type="text/plain")

    @app.post("/language", include_in_schema=False)
    async def language(lang: Annotated[str, Form()], next: Annotated[str, Form()] = "/"
                       ) -> Response:
        response = redirect(safe_next(next))
        if lang in LANGUAGES:
            response.set_cookie(LANGUAGE_COOKIE, lang, max_age=365 * 86400, samesite="lax")
        return response

    @app.get("/", include_in_schema=False)
    async def root(request: Request) -> Response:
        user = current_user(request)
        if user is None:
            return RedirectResponse("/login", status_code=303)
        return RedirectResponse(home(user), status_code=303)

    return app


def set_session(response: Response, sessions: Sessions, user: User) -> None:
    response.set_cookie(sessions.cookie_name, sessions.cookie_for(user),
                        max_age=SESSION_SECONDS, path="/", httponly=True, samesite="lax",
                        secure=sessions.secure)


def address_of(request: Request) -> str:
    """The client's address, for throttling failed logins per address."""
    return request.client.host if request.client else "unknown"


FamiliesUser = Annotated[User, Depends(allow("families"))]
ChildcareUser = Annotated[User, Depends(allow("childcare"))]
TrajectoriesUser = Annotated[User, Depends(allow("trajectories"))]
CoordinatorUser = Annotated[User, Depends(allow("figures"))]
