"""Private concerns: the channels a school's policy names for raising a concern, routing a parent's
message to the right people, and the school's reply."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.judge.names import find_mentions
from schoolgate.judge.types import CHANNEL_LABELS
from schoolgate.mail import send_after_commit
from schoolgate.schools.models import Membership, Person, Role, actor_label

from .audit_events import AuditEvent
from .errors import ChannelError
from .models import Concern, Notification
from .queries import policy_data

DEFAULT_CHANNELS = ["class_teacher", "headteacher", "chair_of_governors"]


def channels_for(school, policy: dict | None = None) -> list[tuple[str, str]]:
    """The people the school's policy names for concerns, in the policy's order: [(id, label)].
    `policy`: the school's policy data when the caller has it already (no second query)."""
    ids = (policy if policy is not None else policy_data(school)).get("channels") or DEFAULT_CHANNELS
    return [(c, CHANNEL_LABELS.get(c, c)) for c in ids if c in Concern.To.values]


def channels_sentence(school, channels: list[tuple[str, str]] | None = None) -> str:
    labels = [lbl for _, lbl in (channels if channels is not None else channels_for(school))]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def route(school, to: str, child: Person | None) -> tuple[list, str]:
    """Who receives a concern sent to `to`, and a note saying how it was routed."""
    members = Membership.objects.filter(school=school).select_related("user", "person")
    heads = [m.user for m in members if m.role == Role.HEADTEACHER]
    if to == Concern.To.CLASS_TEACHER:
        group = (child.group if child else "").strip().lower()
        teachers = [m.user for m in members if m.role in (Role.TEACHER, Role.DSL, Role.HEADTEACHER) and group and m.person
                    and group in (m.person.group or "").lower()]
        if teachers:
            return teachers, f"Sent to {child.group}'s class teacher"
        return heads, "No class teacher is recorded for that class, so it went to the Headteacher"
    if to == Concern.To.CHAIR:
        chairs = [m.user for m in members if m.role == Role.GOVERNOR and m.person and "chair" in (m.person.group or "").lower()]
        chairs = chairs or [m.user for m in members if m.role == Role.GOVERNOR and school.chair_email and m.user.email == school.chair_email]
        if chairs:
            return chairs, "Sent to the Chair of Governors"
        return heads, "No Chair of Governors has an account, so it went to the Headteacher"
    if to == Concern.To.GOVERNING_BODY:
        governors = [m.user for m in members if m.role == Role.GOVERNOR]
        return (governors, "Sent to the Governing Body") if governors else (heads, "No governor has an account, so it went to the Headteacher")
    if to == Concern.To.COMPLAINTS:
        return heads, "Sent to the Headteacher under the school's complaints procedure"
    return heads, "Sent to the Headteacher"


def staff_named(school, text: str) -> list[Person]:
    """The members of staff and governors a text names: the judge's name finding over the school's roster
    (full names, "Mr Hughes", aliases), so a concern about someone is never sent to them."""
    mentions = find_mentions(text or "", school.roster(), school_name=school.name)
    names = {m.person.name for m in mentions if m.person is not None and m.role in ("staff", "governor")}
    return list(school.people.filter(kind__in=(Person.Kind.STAFF, Person.Kind.GOVERNOR), name__in=names)) if names else []


def called(person: Person) -> str:
    """How a parent would name them: "Mr Hughes" where the roster has it, the full name otherwise."""
    titled = [a for a in person.aliases if a.split()[0].rstrip(".").lower() in ("mr", "mrs", "miss", "ms", "mx", "dr")]
    return titled[0] if titled else person.name


def _names(people: list[Person]) -> str:
    labels = [called(p) for p in people]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


# When the person a concern is about would read it, it goes to the next person in the policy's line.
NEXT_IN_LINE = [(Concern.To.HEADTEACHER, "the Headteacher"), (Concern.To.CHAIR, "the Chair of Governors"),
                (Concern.To.GOVERNING_BODY, "the Governing Body")]


def route_around(school, to: str, child: Person | None, named: list[Person]) -> tuple[list, str]:
    """`route`, except that nobody named in the concern receives it; the note tells the parent why."""
    recipients, note = route(school, to, child)
    if not named:
        return recipients, note
    members = Membership.objects.filter(school=school, person__in=named).values_list("user_id", flat=True)
    excluded = {p.user_id for p in named if p.user_id} | set(members)
    kept = [u for u in recipients if u.pk not in excluded]
    if len(kept) == len(recipients):
        return recipients, note
    who = _names(named)
    if kept:
        return kept, f"{note}. Your message names {who}, so it was not sent to them"
    for channel, label in NEXT_IN_LINE:
        candidates, _ = route(school, channel, child)
        candidates = [u for u in candidates if u.pk not in excluded]
        if candidates:
            return candidates, f"Your message names {who}, so it was not sent to them: it went to {label}, the next person in the school's policy"
    raise ChannelError(f"Your message names {who}, and there is nobody else at the school with an account to send it to. "
                       "Please contact the school office.")


@transaction.atomic
def send_concern(school, *, author, to: str, subject: str, text: str, child: Person | None = None, post=None) -> Concern:
    if to not in dict(channels_for(school)):
        raise ChannelError("The school's policy does not name that person for concerns.")
    recipients, note = route_around(school, to, child, staff_named(school, f"{subject}\n{text}"))
    concern = Concern.objects.create(school=school, author=author, author_label=actor_label(author), to=to, child=child, subject=subject,
                                     text=text, routing_note=note[:300], post=post)
    concern.recipients.set({u.pk for u in recipients})
    record(AuditEvent.CONCERN_SEND, actor=author, school=school, target=concern, summary=f"Private concern to {concern.get_to_display()}",
           recipients=[u.get_username() for u in recipients])
    url = reverse("channel:concern", args=[school.slug, concern.pk])
    for user in {u.pk: u for u in recipients}.values():
        Notification.objects.create(school=school, user=user, title="A private concern from a parent/carer", text=f"{concern.author_label}: {subject}", url=url)
        # One mail per recipient: the concern is private, so recipients do not see each other's addresses.
        send_after_commit(
            f"{school.name}: a private concern from a parent/carer",
            f"{concern.author_label} sent a private concern ({concern.get_to_display()}): {subject}\n\nRead it in Schoolgate: {url}",
            [user.email],
        )
    return concern


@transaction.atomic
def respond_concern(concern: Concern, *, actor, response: str) -> Concern:
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if concern.responded_at is not None:
        raise ChannelError(f"{concern.responded_by_label} already replied to this concern.")
    concern.response, concern.responded_by, concern.responded_by_label, concern.responded_at = response, actor, actor_label(actor), timezone.now()
    concern.save()
    record(AuditEvent.CONCERN_RESPOND, actor=actor, school=concern.school, target=concern,
           summary=f"Replied to a private concern from {concern.author_label}")
    if concern.author is not None:
        Notification.objects.create(school=concern.school, user=concern.author, title="The school replied to your concern",
                                    text=response, url=reverse("channel:concern", args=[concern.school.slug, concern.pk]))
        send_after_commit(f"{concern.school.name}: a reply to your concern", response, [concern.author.email])
    return concern
