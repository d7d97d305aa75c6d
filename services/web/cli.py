"""`pace web ...` (mounted into the pace CLI): run the web apps, manage their logins.

Also runs as `python -m services.web.cli`.
"""

from __future__ import annotations

from pathlib import Path

import typer

from services.web.auth import Role, Sessions, hash_password, load_secret
from services.web.users import User, UsersFileError, UsersStore
from services.web.users import add_user as add_login

app = typer.Typer(help="Web pages for partner staff (over the partner's NATS) and for the "
                  "coordinator (over the hub's).", no_args_is_help=True)

UsersFile = typer.Option(..., "--users", envvar="PACE_WEB_USERS",
                         help="TOML users file with password hashes (see `add-user`).")
SecretFile = typer.Option(None, "--secret-file",
                          help="File holding the session secret (default: $PACE_WEB_SECRET "
                               "or $PACE_WEB_SECRET_FILE).")
Host = typer.Option("127.0.0.1", help="Address to listen on.")
SecureCookies = typer.Option(False, "--secure-cookies", envvar="PACE_WEB_SECURE_COOKIES",
                             help="Served over TLS (directly or behind a TLS proxy): the "
                                  "session cookie is Secure and named __Host-pace_session.")


def _sessions(users: Path, secret_file: Path | None, secure: bool = False) -> Sessions:
    """Sessions over the users file, re-read whenever it changes."""
    try:
        return Sessions(UsersStore(users), load_secret(secret_file), secure=secure)
    except (OSError, ValueError, KeyError) as error:
        raise typer.BadParameter(str(error)) from error


@app.command("partner")
def partner(partner: str = typer.Option(..., "--partner", "-p", help="The partner's id."),
            nats_url: str = typer.Option(..., "--nats-url", envvar="NATS_URL",
                                         help="The partner's NATS (as `pace partner up` prints)."),
            users: Path = UsersFile, secret_file: Path | None = SecretFile, host: str = Host,
            port: int = typer.Option(8080, help="Port to listen on."),
            secure_cookies: bool = SecureCookies,
            location: list[str] = typer.Option(["centre"], "--location",
                                               help="Childcare locations shown in the week "
                                                    "view even when empty (repeatable).")
            ) -> None:
    """The partner's web app: families, the childcare week, trajectories."""
    import uvicorn

    from services.web.partner_app import create_partner_app

    web = create_partner_app(partner, nats_url, _sessions(users, secret_file, secure_cookies),
                             location)
    typer.echo(f"{partner} web app on http://{host}:{port}/ (API: /docs), NATS {nats_url}")
    uvicorn.run(web, host=host, port=port, log_level="warning")


@app.command("hub")
def hub(hub_url: str = typer.Option(..., "--hub-url", envvar="PACE_HUB_URL",
                                    help="The hub's NATS (as `pace network up` prints)."),
        users: Path = UsersFile, secret_file: Path | None = SecretFile, host: str = Host,
        port: int = typer.Option(8090, help="Port to listen on."),
        secure_cookies: bool = SecureCookies) -> None:
    """The coordinator's dashboard of cross-border figures, live."""
    import uvicorn

    from services.web.hub_app import create_hub_app

    web = create_hub_app(hub_url, _sessions(users, secret_file, secure_cookies))
    typer.echo(f"coordinator dashboard on http://{host}:{port}/ (API: /docs), hub {hub_url}")
    uvicorn.run(web, host=host, port=port, log_level="warning", timeout_graceful_shutdown=3)


@app.command("add-user")
def add_user(users: Path = typer.Argument(..., help="The users file (made when missing)."),
             username: str = typer.Argument(...),
             role: Role = typer.Option(..., "--role", help="coach, childcare_worker, "
                                                           "partner_admin or coordinator"),
             password: str = typer.Option(..., prompt=True, hide_input=True,
                                          confirmation_prompt=True)) -> None:
    """Add a login to a users file (made 0600 when missing); only a scrypt hash is written.

    The name, role and hash are checked before anything is written; the file is rewritten
    whole and atomically, so a refused entry leaves it as it was.
    """
    if not password:
        raise typer.BadParameter("the password may not be empty")
    try:
        add_login(users, User(username, role, hash_password(password)))
    except (UsersFileError, OSError) as error:
        raise typer.BadParameter(str(error)) from error
    typer.echo(f"added {username} ({role.value}) to {users}")


@app.command("set-password")
def set_password(users: Path = typer.Argument(..., help="The users file."),
                 username: str = typer.Argument(...),
                 password: str = typer.Option(..., prompt=True, hide_input=True,
                                              confirmation_prompt=True)) -> None:
    """Change a login's password; every session of that user ends (its cookies stop working)."""
    try:
        store = UsersStore(users)
        user = store.get(username)
        if user is None:
            raise UsersFileError(f"no user {username!r} in {users}")
        store.update(username, password_hash=hash_password(password),
                     session_version=user.session_version + 1)
    except (UsersFileError, OSError) as error:
        raise typer.BadParameter(str(error)) from error
    typer.echo(f"changed the password of {username}; their sessions have ended")


@app.command("hash-password")
def hash_password_command(password: str = typer.Option(..., prompt=True, hide_input=True,
                                                       confirmation_prompt=True)) -> None:
    """Print the scrypt hash of a password, for a users file."""
    typer.echo(hash_password(password))


if __name__ == "__main__":
    app()
