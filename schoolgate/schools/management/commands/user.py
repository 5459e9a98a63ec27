"""`schoolgate user add EMAIL --name "Ann Head" --school SLUG --role headteacher`: a log-in from the command line
(the first Headteacher of a new installation, or anyone when the web pages are not at hand).

The password is asked for twice (not echoed), or read from the first line of --password-file (a file only the
operator can read; `-` reads standard input), or left for the person to choose from an e-mailed link
(--email-link). Django's password rules apply. An existing account keeps its password and gets the role.

`schoolgate user reset-two-factor EMAIL --school SLUG`: for a member of staff (the Headteacher above all) who has
lost both their phone and their recovery codes, when nobody else can use the Log-in security page. Their app
and codes are removed, written to the audit log as done from the server's command line, and they set up
two-factor log-in again after their password at their next log-in.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from schoolgate.bootstrap import ensure_database
from schoolgate.schools import two_factor
from schoolgate.schools.accounts import RoleError, give_role
from schoolgate.schools.models import Role, School


class Command(BaseCommand):
    help = ("Log-ins: `user add EMAIL --name NAME --school SLUG --role ROLE [--password-file FILE | --email-link]`; "
            "`user reset-two-factor EMAIL --school SLUG` for someone who lost their phone and recovery codes.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["add", "reset-two-factor"])
        parser.add_argument("email")
        parser.add_argument("--school", required=True, metavar="SLUG", help="the school's slug, e.g. stokes-wood")
        parser.add_argument("--name", help='full name, e.g. "Ann Head" (add)')
        parser.add_argument("--role", help=f"one of {', '.join(Role.values)} (add)")
        how = parser.add_mutually_exclusive_group()
        how.add_argument("--password-file", metavar="FILE", help="read the password from the first line of FILE ('-': standard input)")
        how.add_argument("--email-link", action="store_true", help="set no password: e-mail a link to choose one")

    def handle(self, *args, action, email, name, school, role, password_file, email_link, **options):
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"'{email}' is not a valid e-mail address.") from None
        if action == "reset-two-factor":
            return self._reset_two_factor(email, school)
        if role is None:
            raise CommandError(f"Give the person's role with --role: one of {', '.join(Role.values)}.")
        name = " ".join((name or "").split())
        if not name:
            raise CommandError("Give the person's full name with --name.")
        if role not in Role.values:
            raise CommandError(f"No role '{role}'. Choose one of: {', '.join(Role.values)}.")
        ensure_database()
        target = School.objects.filter(slug=school).first()
        if target is None:
            known = ", ".join(School.objects.order_by("slug").values_list("slug", flat=True)) or "none yet (run `schoolgate setup`)"
            raise CommandError(f"No school '{school}'. Known: {known}.")
        User = get_user_model()
        existing = User.objects.filter(username__iexact=email).first()
        password = None
        if existing is None and not email_link:
            password = self._password(password_file)
            first, _, last = name.partition(" ")
            try:
                validate_password(password, User(username=email, email=email, first_name=first, last_name=last))
            except ValidationError as exc:
                raise CommandError("The password was refused: " + " ".join(exc.messages)) from None
        try:
            with transaction.atomic():
                if password is not None:
                    first, _, last = name.partition(" ")
                    user = User(username=email, email=email, first_name=first, last_name=last)
                    user.set_password(password)
                    user.save()
                give_role(target, email=email, full_name=name, role=role, actor=None)
        except RoleError as exc:
            raise CommandError(str(exc)) from None
        role_label = Role(role).label
        if existing is not None:
            self.stdout.write(self.style.SUCCESS(f"{email} (an existing account, password unchanged) is now {role_label} at {target.name}."))
        elif password is None:
            self.stdout.write(self.style.SUCCESS(f"{email} can log in as {role_label} at {target.name} once they have chosen a password "
                                                 "from the link e-mailed to them."))
        else:
            self.stdout.write(self.style.SUCCESS(f"{email} can now log in as {role_label} at {target.name}."))

    def _reset_two_factor(self, email: str, slug: str) -> None:
        ensure_database()
        target = School.objects.filter(slug=slug).first()
        if target is None:
            raise CommandError(f"No school '{slug}'.")
        member = get_user_model().objects.filter(username__iexact=email, memberships__school=target).first()
        if member is None:
            raise CommandError(f"{email} has no log-in at {target.name}; nothing was changed.")
        two_factor.reset(target, member, actor=None)
        self.stdout.write(self.style.SUCCESS(f"Two-factor log-in was reset for {email} at {target.name}: they set it up "
                                             "again after their password at their next log-in."))

    def _password(self, password_file: str | None) -> str:
        if password_file == "-":
            password = sys.stdin.readline().rstrip("\r\n")
        elif password_file:
            try:
                password = Path(password_file).read_text(encoding="utf-8").splitlines()[0] if Path(password_file).stat().st_size else ""
            except OSError as exc:
                raise CommandError(f"Cannot read the password file {password_file}: {exc.strerror or exc}.") from None
            except UnicodeDecodeError:
                raise CommandError(f"The password file {password_file} is not UTF-8 text.") from None
        elif sys.stdin.isatty():
            password = getpass.getpass("Password: ")
            if getpass.getpass("Password (again): ") != password:
                raise CommandError("The two passwords differ; nothing was changed.")
        else:
            raise CommandError("No terminal to ask for a password: give --password-file FILE (or '-' for standard input), or --email-link.")
        if not password:
            raise CommandError("The password is empty; nothing was changed.")
        return password
