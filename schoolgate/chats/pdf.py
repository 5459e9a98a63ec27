"""PDFs for chats: the report and the request to close a group chat (rendered by `schoolgate.pdf`)."""

from __future__ import annotations

from django.utils import timezone

from schoolgate.judge.types import category_label
from schoolgate.pdf import render_pdf


def report_pdf(report, *, school=None, generated_for: str = "") -> bytes:
    return render_pdf("chats/report_pdf.html", {"report": report, "school": school, "generated_for": generated_for, "now": timezone.now()})


DEFAULT_CLOSURE_BODY = """Dear {administrator},

A parent/carer has shared with the school, with their permission, messages from the group chat "{title}", of which you are the administrator.

Our Social Media Policy for parents/carers sets out the behaviour the school will not accept in online messaging, including sending abusive messages about members of staff, parents/carers, pupils or the school, and sharing confidential or sensitive information. Messages in this group have not met that standard{examples}.

The policy says: "The headteacher can request that 'group chats' are closed down should any problems continue between parents/carers or parental bodies." I am therefore asking you, as the group's administrator, to close the group chat, and to let the school know once you have done so.

If you or any member of the group has a concern about the school, please raise it with the class teacher, the Headteacher or the Chair of Governors, so that it can be dealt with fairly, appropriately and effectively for all concerned.

Yours sincerely,

{headteacher}
Headteacher, {school}"""


def default_closure_body(scan, finding=None) -> str:
    categories = sorted(set(scan.findings.values_list("category", flat=True)))
    examples = ""
    if categories:
        examples = " (" + "; ".join(category_label(c) for c in categories) + ")"
    school = scan.school
    return DEFAULT_CLOSURE_BODY.format(
        administrator=scan.administrator or "group administrator",
        title=scan.title or "the group chat",
        examples=examples,
        headteacher=school.headteacher_name or "The Headteacher",
        school=school.name,
    )


def closure_letter_pdf(scan, *, administrator_name: str, body: str) -> bytes:
    return render_pdf("chats/closure_letter.html", {"scan": scan, "school": scan.school, "administrator": administrator_name,
                                                     "body": body, "today": timezone.localdate()})
