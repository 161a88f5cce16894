"""`createuser`: add an account from the command line; the password never appears in arguments."""

from __future__ import annotations

import getpass
import sys

from kb.cli import _EXTENSIONS, CommandError, _check_connection, _engine, command
from kb.models import Role


def _read_password(args) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        if not password:
            raise CommandError("no password on standard input")
        return password
    if not sys.stdin.isatty():
        raise CommandError("no terminal to ask for a password: use --password-stdin")
    first = getpass.getpass("Password: ")
    second = getpass.getpass("Password (again): ")
    if first != second:
        raise CommandError("the two passwords differ; no user was created")
    return first


@command("createuser")
def cmd_createuser(args, settings) -> int:
    from kb.auth import create_user
    from kb.db import session_scope
    from kb.migrate import is_empty
    from kb.services.errors import InvalidInput
    engine = _engine(settings)
    _check_connection(engine)
    if is_empty(engine):
        raise CommandError("the database has no schema yet: run `python manage.py migrate` first")
    password = _read_password(args)
    try:
        with session_scope(engine) as session:
            user = create_user(session=session, username=args.name, password=password, role=args.role)
    except InvalidInput as exc:
        raise CommandError("; ".join(f"{field}: {message}" for field, message in exc.errors.items())) from None
    print(f"created {user.role} {user.username}")
    return 0


def _add_parsers(sub) -> None:
    p = sub.add_parser("createuser", help="create an account (password from a prompt or --password-stdin)")
    p.add_argument("name", metavar="NAME", help="the username")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of standard input")


_EXTENSIONS.append(_add_parsers)
