"""The `pace` command: every sub-command, registered in one place from the modules beside it."""

from __future__ import annotations

import typer

from apps import cli_audit, cli_figures, cli_run, cli_staff
from apps.views import views_app
from services.web.cli import app as web_app

app = typer.Typer(
    help="PACE: event-sourced services for childcare and employment trajectories "
         "across the PACE partner network.",
    no_args_is_help=True,
    add_completion=False,
)

# Commands, in the order `pace --help` lists them.
app.command()(cli_run.demo)
app.command("report")(cli_audit.report)
app.command("replay")(cli_audit.replay)
app.command("verify-store")(cli_audit.verify_store)
app.command("command")(cli_staff.command)
app.command("commands")(cli_staff.list_commands)
app.command("list")(cli_staff.list_)
app.command("doctor")(cli_staff.doctor)

# Groups of sub-commands (`pace network up`, ...), listed after the commands.
app.add_typer(cli_run.network_app, name="network")
app.add_typer(cli_audit.log_app, name="log")
app.add_typer(cli_figures.figures_app, name="figures")
app.add_typer(cli_run.partner_app, name="partner")
app.add_typer(cli_run.hub_app, name="hub")
app.add_typer(cli_run.vault_app, name="vault")
app.add_typer(views_app, name="views")
app.add_typer(web_app, name="web")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
