"""Demo cases: an open case at each school, at a different step, with evidence and letters. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from schoolgate.schools.models import School

from .demo_screenshot import whatsapp_png
from .evidence_changes import add_evidence_file, add_evidence_url
from .letters import draft_letter, send_letter, update_letter
from .models import Case, Letter
from .notes import add_note
from .opening import open_case
from .screenshots import read_evidence

STOKES_CONCERN = "Posts in the 'Stokes Wood Parents' Facebook group making allegations about Mr Hughes."
STOKES_POST = "Mr Hughes is a liar and a bully, he stole the Year 4 trip money. Everyone should complain about him."
HESKET_CONCERN = "Comments on the school channel and Facebook threatening a member of staff."
HESKET_POST = "If Miss Bell keeps picking on Jack I will sort her out at the gate, she is useless and a disgrace."


SCREENSHOT_LABEL = "Screenshot of the class WhatsApp group, forwarded by a parent"
# (school, group, theme, messages): Kelly Bennett and Mark Robinson are on the rosters; Sam Carter and
# Jo Hill are not, and show as "Participant 1" until a member of staff reveals them.
SCREENSHOTS = {
    STOKES_CONCERN: ("Year 4 Parents", "light", [
        ("Kelly Bennett", "Has everyone seen what Mr Hughes said at the trip meeting?", "19:02"),
        ("Sam Carter", "He is a liar, he took the trip money", "19:04"),
        ("Sam Carter", "Everyone should complain about him", "19:05"),
        (None, "Please keep this off the group and talk to the school", "19:07"),
    ]),
    HESKET_CONCERN: ("Class 2 Mums and Dads", "dark", [
        ("Mark Robinson", "Miss Bell has picked on Jack all week again", "21:15"),
        ("Jo Hill", "She is useless, someone should sort her out at the gate", "21:16"),
        (None, "Can we talk to the Headteacher instead?", "21:20"),
    ]),
}


class _Upload:
    """The drawn screenshot as an upload (what the case page's file form gives `add_evidence_file`)."""

    def __init__(self, name: str, data: bytes):
        self.name, self.data, self.size = name, data, len(data)

    def chunks(self):
        yield self.data


def _add_screenshot(case, head) -> None:
    """The demo case's screenshot, read as any screenshot is: idempotent."""
    if case.evidence.filter(label=SCREENSHOT_LABEL).exists():
        return
    title, theme, messages = SCREENSHOTS[case.concern]
    item = add_evidence_file(case, upload=_Upload("whatsapp.png", whatsapp_png(title, messages, theme)), label=SCREENSHOT_LABEL, added_by=head)
    read_evidence(item.pk, actor=head)  # now, not when a worker runs: the demo shows it at once


def _user(email):
    return get_user_model().objects.get(username=email)


def _letter_data(letter, **changes):
    data = {
        "recipient": letter.recipient, "recipient_address": letter.recipient_address, "subject": letter.subject,
        "body": letter.body, "deadline": letter.deadline, "restriction_kind": letter.restriction_kind,
        "clauses": [c["id"] for c in letter.context.get("clauses", ())], "evidence": [str(e["id"]) for e in letter.context.get("evidence", ())],
    }
    data.update(changes)
    return data


def _first_clause(school, category):
    version = school.current_policy()
    for c in version.clauses.all():
        if category in c.categories:
            return c.clause_id
    return version.clauses.first().clause_id


def build(stdout=None):
    schools = {s.slug: s for s in School.objects.filter(slug__in=["stokes-wood", "high-hesket"])}
    made = []
    stokes = schools.get("stokes-wood")
    if stokes and stokes.current_policy() and not Case.objects.filter(school=stokes, concern=STOKES_CONCERN).exists():
        head = _user("head@stokes-wood.demo")
        case = open_case(stokes, opened_by=head, concern=STOKES_CONCERN, parent_user=_user("parent@stokes-wood.demo"),
                         evidence_text=STOKES_POST, evidence_label="Facebook group 'Stokes Wood Parents'", assessments=["defamatory"])
        add_evidence_url(case, url="https://www.facebook.com/groups/stokeswoodparents/posts/1234567890",
                         seen_on=timezone.localdate() - dt.timedelta(days=9), label="The post's address", added_by=head)
        case.assigned_to = _user("office@stokes-wood.demo")
        case.save(update_fields=["assigned_to"])
        removal = draft_letter(case, step_id="discuss", actor=head)
        # Sent nine days ago with a removal date that has passed: shows an overdue deadline.
        removal = update_letter(removal, data=_letter_data(removal, deadline=timezone.now() - dt.timedelta(days=2),
                                                           clauses=[_first_clause(stokes, "allegation")]), actor=head)
        # Addressed from the roster (Mrs Bennett's e-mail and postal address): e-mailed with its PDF.
        send_letter(removal, actor=head, delivery=Letter.Delivery.EMAIL)
        add_note(case, text="Spoke to Mrs Bennett by phone; she said she would think about removing the post.", author=head)
        invite = draft_letter(case, step_id="meeting", actor=head)
        update_letter(invite, data=_letter_data(invite, deadline=timezone.now() + dt.timedelta(days=4)), actor=head)
        made.append(case)
    hesket = schools.get("high-hesket")
    if hesket and hesket.current_policy() and not Case.objects.filter(school=hesket, concern=HESKET_CONCERN).exists():
        head = _user("head@high-hesket.demo")
        case = open_case(hesket, opened_by=head, concern=HESKET_CONCERN, parent_user=_user("parent@high-hesket.demo"), source="review_queue",
                         evidence_text=HESKET_POST, evidence_label="Rejected comment on the school channel", assessments=["threatens_violence", "on_school_forum"])
        removal = draft_letter(case, step_id="discuss", actor=head)
        send_letter(removal, actor=head, delivery=Letter.Delivery.POST)
        warning = draft_letter(case, step_id="warning", actor=head)
        warning = update_letter(warning, data=_letter_data(warning, deadline=timezone.now() + dt.timedelta(days=5),
                                                           clauses=[_first_clause(hesket, "threat")]), actor=head)
        send_letter(warning, actor=head, delivery=Letter.Delivery.EMAIL)
        add_note(case, text="Mr Robinson refused to remove the post when we spoke. Miss Bell informed and supported.", author=_user("dsl@high-hesket.demo"))
        draft_letter(case, step_id="police", actor=head)
        made.append(case)
    for case in Case.objects.filter(concern__in=list(SCREENSHOTS), school__in=list(schools.values())):
        if case.is_open:
            _add_screenshot(case, _user(f"head@{case.school.slug}.demo"))
    if stdout is not None:
        for case in made:
            stdout.write(f"cases: demo {case.reference} at {case.school.name} about {case.subject_name}")
    return made
