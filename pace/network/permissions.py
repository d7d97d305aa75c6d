"""nats-server authorization blocks: who may publish and subscribe to what, per service user.

Pure functions; no secret is ever written here. A user's password is a `Secret`: either a
reference to an environment variable (rendered unquoted as `$VAR`, which nats-server resolves
from its own environment when it loads the config) or a value the caller read from a file or
a secret store (`Secret.value(...)`, rendered quoted; keep such a config out of the repository).
nkey users give their public key (`U...`), which is not a secret.

The users, each with an allow-list (everything not listed is refused):

- A partner's leaf node has one user per service and role (`partner_role_users`,
  `PARTNER_USERS`), each with its own reply inbox `_INBOX.<user>`:
  - `intake`, `booking`, `trajectory` (`service_permissions`): answer only their own
    commands and queries (`pace.<p>.cmd|qry.<context>.*`), publish only their own context's
    events (`pace.<p>.evt.<context>.*`), consume PACE_EVENTS (consumers, acks, dead letters);
  - `sharing`: the only user that may publish `pace.<p>.net.>` (into PACE_SHARED_<P>);
  - `figures` (`figures_permissions`): the partner's own figures; a durable consumer on
    PACE_SHARED_<P> only (never PACE_EVENTS), its own dead letters, answers
    `pace.<p>.qry.figures.*`; publishes no event and sends no command;
  - `web` and `staff` (`client_permissions`): send commands and queries, nothing else;
  - `ops`: creates, updates and reads the partner's streams (`pace partner up`, `pace doctor`).
  No user may use `$JS.<other domain>.API` (which would travel over the leaf link).
- `partner_user(partner)`: the former single user of all a partner's services (publish and
  subscribe within `pace.<partner>.>`, manage its streams); kept for the isolation tests of
  accounts, not generated into any config.
- `reporting_user()`: the hub's reporting service. Reads PACE_NETWORK (a consumer on it),
  publishes `pace.network.figures.>` (PACE_FIGURES) and its dead letters, answers
  `pace.network.qry.>`; manages the hub streams (create/update/info).
- `coordinator_user()`: the central coordinator. Reads figures only (subscribe
  `pace.network.figures.>`, consume/get PACE_FIGURES), asks `pace.network.qry.>`, and
  approves or reopens a partner's quarter (`pace.network.cmd.*.approve_figures|
  reopen_figures`), nothing else.
- `partner_admin_user(partner)`: `admin-<partner>` at the hub, a partner admin's one way to
  the hub: it may only request `pace.network.cmd.<partner>.submit_figures` (its own
  partner's token; the reporting service checks that the body names the same partner). It
  can neither approve, read figures, nor submit for another partner.

JetStream API permissions are per stream NAME, and stream names live per account: on a
server where two partners share one account, both would be allowed `PACE_EVENTS`. One
partner per leaf (the deployment) or one account per partner (`accounts_block`) isolates
them; within one account only the per-partner names (PACE_SHARED_<PARTNER>) differ.

Inboxes: every user subscribes only to `<inbox_prefix>.>`. On a shared server (the hub) give
each user its own prefix, or one user could subscribe `_INBOX.>` and read another's replies
(including messages fetched from a stream). Its client must then connect with the same
prefix: `nats.connect(url, inbox_prefix="_INBOX.coordinator")`.

Observed with nats-server 2.15.1: `allow_responses` (one reply per request) refused the reply
when two subscriptions of the SAME connection matched the request (e.g. `pace.p.>` and
`pace.p.cmd.>`): the responder got a permissions violation. Keep one matching subscription
per connection for command subjects.

- `leaf_user(partner)`: the partner's leaf-node link into the hub. A leaf node that logs in
  as a user of the hub's `authorization` block (the hub's `leafnodes` has none of its own)
  carries that user's permissions, seen from the hub: "publish" is what the leaf may send
  into the hub, "subscribe" what the hub may send down to the leaf. Sourcing PACE_SHARED_<P>
  needs only (read off a trace of nats-server 2.15.1): down, the consumer API calls on that
  one stream (`$JS.<p>.API.CONSUMER.CREATE|INFO|DELETE.PACE_SHARED_<P>...`, plus its
  `STREAM.INFO`) and flow control (`$JS.FC...`); up, the source consumer's deliveries
  (`$JS.S.>`) and its API replies (`$JSC.R.>`). So whoever controls the hub cannot read or
  delete the partner's PACE_EVENTS or dead letters through the link, and a leaf cannot reach
  the hub's JetStream, another partner's domain, figures or queries, and nothing but its own
  domain's API requests reaches it. The reply and delivery subjects carry random tokens that
  another leaf cannot subscribe to, so it cannot learn them.

The users' and allow-lists' rendering into `authorization` and `accounts` blocks is in
permissions_blocks; its public names import from here too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from contracts import subjects
from pace.network.permissions_blocks import (
    Account,
    Permissions,
    PermissionsError,
    Secret,
    User,
    accounts_lines,
    authorization_block,
    authorization_lines,
    checked_stream,
    checked_subject,
)
from pace.schedules import SCHEDULES_STREAM

# The public names, those of permissions_blocks included (importable here).
__all__ = [
    "Account", "CLIENT_USERS", "COORDINATOR_USER", "DEFAULT_INBOX", "FIGURES_USER",
    "HUB_DEAD_LETTERS", "OPS_USER",
    "PARTNER_USERS", "Permissions", "PermissionsError", "REPORTING_USER", "SERVICE_CONTEXTS",
    "SHARING_USER", "STAFF_USER", "Secret", "User", "WEB_USER", "accounts_lines", "acks",
    "authorization_block", "authorization_lines", "client_permissions", "coordinator_permissions",
    "coordinator_user", "figures_permissions", "inbox", "inbox_of", "partner_admin_permissions",
    "partner_admin_user",
    "jetstream_api", "leaf_link_permissions", "leaf_user",
    "ops_permissions", "partner_permissions", "partner_role_users", "partner_streams",
    "partner_user", "reporting_permissions", "reporting_user", "role_permissions",
    "service_permissions", "sharing_permissions",
]

DEFAULT_INBOX = "_INBOX"
REPORTING_USER = "reporting"
COORDINATOR_USER = "coordinator"
HUB_DEAD_LETTERS = "pace.network.dlq.>"
COORDINATOR_COMMANDS = ("approve_figures", "reopen_figures")
PARTNER_ADMIN_COMMAND = "submit_figures"


# -- the subject sets -------------------------------------------------------------------------


def jetstream_api(streams: Iterable[str], *, manage: bool = False,
                  domain: str | None = None) -> list[str]:
    """The JetStream API subjects to read the given streams (info, get, consumers, fetch).

    `manage` adds create/update of the streams themselves. `domain` addresses another
    JetStream domain (`$JS.<domain>.API`); None is the local one (`$JS.API`).
    """
    if domain is not None and domain != subjects.HUB_DOMAIN:
        subjects.check_partner(domain)
    api = "$JS.API" if domain is None else f"$JS.{domain}.API"
    allowed = [f"{api}.INFO"]
    for stream in (checked_stream(s) for s in streams):
        allowed += [
            f"{api}.STREAM.INFO.{stream}",
            f"{api}.STREAM.MSG.GET.{stream}",
            f"{api}.DIRECT.GET.{stream}",
            f"{api}.DIRECT.GET.{stream}.>",
            f"{api}.CONSUMER.CREATE.{stream}",           # ephemeral (older servers/clients)
            f"{api}.CONSUMER.CREATE.{stream}.>",         # named, with or without a filter
            f"{api}.CONSUMER.DURABLE.CREATE.{stream}.*",
            f"{api}.CONSUMER.INFO.{stream}.*",
            f"{api}.CONSUMER.DELETE.{stream}.*",
            f"{api}.CONSUMER.NAMES.{stream}",
            f"{api}.CONSUMER.LIST.{stream}",
            f"{api}.CONSUMER.MSG.NEXT.{stream}.*",       # pull fetch
        ]
        if manage:
            allowed += [f"{api}.STREAM.CREATE.{stream}", f"{api}.STREAM.UPDATE.{stream}"]
    return list(dict.fromkeys(allowed))


def acks(streams: Iterable[str]) -> list[str]:
    """Ack/nak/term/in-progress replies of consumers on these streams."""
    return [f"$JS.ACK.{checked_stream(s)}.>" for s in streams]


def inbox(prefix: str) -> str:
    return f"{checked_subject(prefix)}.>"


def partner_streams(partner: str) -> list[str]:
    """The names of a partner's own streams on its leaf (see pace.topology.partner_streams)."""
    return [subjects.PARTNER_EVENTS_STREAM, subjects.shared_stream(partner),
            subjects.DEAD_LETTER_STREAM, SCHEDULES_STREAM]


def partner_permissions(partner: str, *, streams: Sequence[str] | None = None,
                        inbox_prefix: str = DEFAULT_INBOX) -> Permissions:
    """A partner's services: `pace.<partner>.>` and JetStream on its own streams only."""
    own = f"pace.{subjects.check_partner(partner)}.>"
    names = list(streams) if streams is not None else partner_streams(partner)
    return Permissions(
        publish=(own, *jetstream_api(names, manage=True), *acks(names)),
        subscribe=(own, inbox(inbox_prefix)),
        allow_responses=True)


def leaf_link_permissions(partner: str) -> Permissions:
    """What a partner's leaf node may send up to the hub and receive from it (see above)."""
    partner = subjects.check_partner(partner)
    shared = checked_stream(subjects.shared_stream(partner))
    api = subjects.external_api(partner)
    return Permissions(
        publish=("$JS.S.>", "$JSC.R.>"),
        subscribe=(f"{api}.STREAM.INFO.{shared}", f"{api}.CONSUMER.CREATE.{shared}",
                   f"{api}.CONSUMER.CREATE.{shared}.>", f"{api}.CONSUMER.INFO.{shared}.*",
                   f"{api}.CONSUMER.DELETE.{shared}.*", f"$JS.FC.{shared}.>",
                   f"$JS.FC.{partner}.*.{shared}.>"))


def reporting_permissions(*, inbox_prefix: str = f"{DEFAULT_INBOX}.{REPORTING_USER}"
                          ) -> Permissions:
    """The hub's reporting service: reads PACE_NETWORK, writes figures, answers queries."""
    read = [subjects.NETWORK_STREAM]
    own = [subjects.FIGURES_STREAM, subjects.DEAD_LETTER_STREAM]
    api = [*jetstream_api(read, manage=True), *jetstream_api(own, manage=True)]
    return Permissions(
        publish=(f"{subjects.figures_subject(subjects.NETWORK_SCOPE).rsplit('.', 1)[0]}.>",
                 HUB_DEAD_LETTERS, *dict.fromkeys(api), *acks(read)),
        subscribe=(subjects.network_query_subject("*").rsplit(".", 1)[0] + ".>",
                   subjects.hub_command_subject("*", "*"), inbox(inbox_prefix)),
        allow_responses=True)


def coordinator_permissions(*, inbox_prefix: str = f"{DEFAULT_INBOX}.{COORDINATOR_USER}"
                            ) -> Permissions:
    """The central coordinator: reads figures (live or from PACE_FIGURES), asks queries."""
    figures = [subjects.FIGURES_STREAM]
    return Permissions(
        publish=(subjects.network_query_subject("*").rsplit(".", 1)[0] + ".>",
                 *(subjects.hub_command_subject("*", c) for c in COORDINATOR_COMMANDS),
                 *jetstream_api(figures), *acks(figures)),
        subscribe=(subjects.figures_subject(subjects.NETWORK_SCOPE).rsplit(".", 1)[0] + ".>",
                   inbox(inbox_prefix)))


# -- a partner's users: one per service and per role (one leaf node per partner) ---------------

SERVICE_CONTEXTS = ("intake", "booking", "trajectory")
SHARING_USER = "sharing"
FIGURES_USER = "figures"  # the partner's own figures: its durable consumer too
WEB_USER = "web"
STAFF_USER = "staff"
OPS_USER = "ops"
CLIENT_USERS = (WEB_USER, STAFF_USER)
PARTNER_USERS = (*SERVICE_CONTEXTS, SHARING_USER, FIGURES_USER, *CLIENT_USERS, OPS_USER)


def inbox_of(user: str) -> str:
    """A user's private reply-inbox prefix: `_INBOX.<user>` (its client connects with it)."""
    return f"{DEFAULT_INBOX}.{checked_subject(user)}"


def _consuming(partner: str) -> list[str]:
    """Durable consumers on the partner's PACE_EVENTS, their acks, and their dead letters."""
    events = [subjects.PARTNER_EVENTS_STREAM]
    return [*jetstream_api(events), *acks(events), subjects.dead_letter_subject(partner, "*")]


def _scheduling(partner: str, context: str) -> list[str]:
    """A service's own schedules (subjects.SCHEDULES_OF) and reading their ticks."""
    names = subjects.SCHEDULES_OF.get(context, ())
    if not names:
        return []
    own = [SCHEDULES_STREAM]
    return [*(f"pace.{partner}.schedule.{n}" for n in names), *jetstream_api(own), *acks(own)]


def service_permissions(partner: str, context: str) -> Permissions:
    """intake, booking or trajectory: answers its own commands and queries, publishes only
    its own context's events, consumes PACE_EVENTS; never manages a stream."""
    if context not in SERVICE_CONTEXTS:
        raise PermissionsError(f"{context!r} is not a service; one of {SERVICE_CONTEXTS}")
    return Permissions(
        publish=(subjects.context_event_subjects(partner, context), *_consuming(partner),
                 *_scheduling(partner, context)),
        subscribe=(subjects.command_subject(partner, context, "*"),
                   f"pace.{partner}.qry.{context}.*", inbox(inbox_of(context))),
        allow_responses=True)


def sharing_permissions(partner: str) -> Permissions:
    """The only user that may publish the shared subjects `pace.<partner>.net.>`."""
    return Permissions(
        publish=(subjects.partner_shared_subjects(partner), *_consuming(partner)),
        subscribe=(inbox(inbox_of(SHARING_USER)),))


def figures_permissions(partner: str) -> Permissions:
    """The partner's own figures: consumes PACE_SHARED_<P> (its durable `figures` and dead
    letters) and answers `pace.<p>.qry.figures.*`; no personal stream, event or command."""
    partner = subjects.check_partner(partner)
    shared = [subjects.shared_stream(partner)]
    return Permissions(
        publish=(*jetstream_api(shared), *acks(shared),
                 subjects.dead_letter_subject(partner, FIGURES_USER)),
        subscribe=(f"pace.{partner}.qry.{FIGURES_USER}.*", inbox(inbox_of(FIGURES_USER))),
        allow_responses=True)


def client_permissions(partner: str, user: str = STAFF_USER) -> Permissions:
    """The web app or the staff CLI: sends commands and queries; never touches a stream."""
    partner = subjects.check_partner(partner)
    return Permissions(publish=(f"pace.{partner}.cmd.>", f"pace.{partner}.qry.>"),
                       subscribe=(inbox(inbox_of(user)),))


def ops_permissions(partner: str) -> Permissions:
    """Operations: creates and updates the partner's streams, reads them (pace doctor)."""
    streams = partner_streams(partner)
    return Permissions(
        publish=(*jetstream_api(streams, manage=True), "$JS.API.STREAM.NAMES",
                 "$JS.API.STREAM.LIST", *acks(streams)),
        subscribe=(inbox(inbox_of(OPS_USER)),))


def role_permissions(partner: str, user: str) -> Permissions:
    """The allow-list of one of PARTNER_USERS."""
    if user in SERVICE_CONTEXTS:
        return service_permissions(partner, user)
    if user == SHARING_USER:
        return sharing_permissions(partner)
    if user == FIGURES_USER:
        return figures_permissions(partner)
    if user in CLIENT_USERS:
        return client_permissions(partner, user)
    if user == OPS_USER:
        return ops_permissions(partner)
    raise PermissionsError(f"{user!r} is no partner user; one of {', '.join(PARTNER_USERS)}")


def partner_role_users(partner: str, password_of: Callable[[str], Secret]) -> list[User]:
    """Every user of a partner's leaf node, each with its own password."""
    return [User(user, role_permissions(partner, user), password=password_of(user))
            for user in PARTNER_USERS]


def partner_user(partner: str, password: Secret | None = None, *, nkey: str | None = None,
                 name: str | None = None, streams: Sequence[str] | None = None,
                 inbox_prefix: str = DEFAULT_INBOX) -> User:
    """The former single user of all a partner's services (the isolation tests' user)."""
    return User(name or subjects.check_partner(partner),
                partner_permissions(partner, streams=streams, inbox_prefix=inbox_prefix),
                password=password, nkey=nkey)


def leaf_user(partner: str, password: Secret | None = None, *, nkey: str | None = None,
              name: str | None = None) -> User:
    """The hub's user for a partner's leaf-node link: `leaf-<partner>` unless named."""
    return User(name or f"leaf-{subjects.check_partner(partner)}",
                leaf_link_permissions(partner), password=password, nkey=nkey)


def reporting_user(password: Secret | None = None, *, nkey: str | None = None,
                   name: str = REPORTING_USER,
                   inbox_prefix: str = f"{DEFAULT_INBOX}.{REPORTING_USER}") -> User:
    """The hub's reporting service user."""
    return User(name, reporting_permissions(inbox_prefix=inbox_prefix),
                password=password, nkey=nkey)


def coordinator_user(password: Secret | None = None, *, nkey: str | None = None,
                     name: str = COORDINATOR_USER,
                     inbox_prefix: str = f"{DEFAULT_INBOX}.{COORDINATOR_USER}") -> User:
    """The central coordinator's user."""
    return User(name, coordinator_permissions(inbox_prefix=inbox_prefix),
                password=password, nkey=nkey)


def partner_admin_permissions(partner: str) -> Permissions:
    """A partner admin at the hub: submits its own partner's quarters, nothing else."""
    return Permissions(
        publish=(subjects.hub_command_subject(partner, PARTNER_ADMIN_COMMAND),),
        subscribe=(inbox(inbox_of(f"admin-{subjects.check_partner(partner)}")),))


def partner_admin_user(partner: str, password: Secret | None = None, *,
                       nkey: str | None = None) -> User:
    """The hub's user for a partner's admin: `admin-<partner>` (inbox `_INBOX.admin-<p>`)."""
    return User(f"admin-{subjects.check_partner(partner)}", partner_admin_permissions(partner),
                password=password, nkey=nkey)
