"""Demo: a Year 4 parents' WhatsApp group at Stokes Wood, shared by Kelly Bennett, scanned, with a case opened.

Idempotent: the export is recognised by its hash, so running the demo again adds nothing.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from schoolgate.schools.models import School

from .followups import open_case_from_finding
from .models import ChatScan
from .scans import run_scan
from .uploads import record_upload

# An Android export (day-first, 24-hour), as WhatsApp writes "WhatsApp Chat with Year 4 Parents 💬.txt".
# Kelly Bennett, Ravi Shah and Jo Wright are parents on the roster; the others are shown by number.
EXPORT = """\
02/05/2024, 19:02 - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.
02/05/2024, 19:02 - Gemma Taylor created group "Year 4 Parents 💬"
02/05/2024, 19:03 - Gemma Taylor added Kelly Bennett, Ravi Shah, Jo Wright, +44 7700 900456
02/05/2024, 19:05 - Gemma Taylor: Hi all! Thought it would be handy to have a group for Year 4 now the kids are all going on the residential 😊
02/05/2024, 19:07 - Kelly Bennett: Great idea, thanks Gemma
02/05/2024, 19:09 - Ravi Shah: Does anyone know when the deposit for the trip is due?
02/05/2024, 19:12 - Jo Wright: Friday I think, it's on the letter that came home
02/05/2024, 19:12 - Jo Wright: <Media omitted>
02/05/2024, 19:20 - Ravi Shah: Thank you 👍
07/05/2024, 08:15 - +44 7700 900456: Is it PE tomorrow or Thursday this week?
07/05/2024, 08:21 - Kelly Bennett: Thursday, they swapped it because of the assembly
07/05/2024, 15:40 - Gemma Taylor: Anyone else's child come home upset today?
07/05/2024, 15:44 - +44 7700 900456: Mine said there was shouting in class again
07/05/2024, 15:47 - Gemma Taylor: Mr Hughes is a useless idiot, he can't control that class and shouldn't be teaching
07/05/2024, 15:49 - Kelly Bennett: I think we should speak to the school rather than put it on here
07/05/2024, 15:52 - Lisa M: Agree with Gemma tbh. This school is a joke, worst school in Leicester
07/05/2024, 15:53 - Ravi Shah: Let's not do this on WhatsApp please
07/05/2024, 16:30 - Lisa M: Well someone has to say it
09/05/2024, 20:10 - Jo Wright: Noah said Olly Bennett pushed him over at lunch and nobody did anything
09/05/2024, 20:14 - Kelly Bennett: Jo, please message me directly about that, not in the group
09/05/2024, 20:15 - Gemma Taylor: That Bennett boy is always causing trouble, he should be excluded
09/05/2024, 20:16 - Kelly Bennett: This message was deleted
09/05/2024, 20:21 - +44 7700 900456: Mr Hughes's mobile is 07700 900982 if anyone wants to ring him and tell him what they think
09/05/2024, 20:25 - Ravi Shah: That's not ok, please remove that
09/05/2024, 20:26 - Gemma Taylor: Why not, he deserves it
13/05/2024, 07:55 - Ravi Shah: Morning, reminder it's non-uniform day on Friday, £1 for the charity
13/05/2024, 08:02 - Jo Wright: Thanks Ravi
13/05/2024, 12:30 - Lisa M: If Hughes shouts at my daughter again I'll be waiting for him at the gate and he'll regret it
13/05/2024, 12:34 - Kelly Bennett: Lisa that is way out of line
13/05/2024, 12:35 - Lisa M: 🙄
15/05/2024, 18:00 - Gemma Taylor: Just so everyone knows, the school has said the residential is cancelled for Year 4
15/05/2024, 18:04 - Ravi Shah: Has it? I haven't had a letter
15/05/2024, 18:06 - Jo Wright: Nothing on the app either
15/05/2024, 18:10 - Gemma Taylor: Well it should be, with that teacher in charge
20/05/2024, 09:30 - +44 7700 900456: Sports day photos from last year, look at the state of Miss Desai 😂
20/05/2024, 09:30 - +44 7700 900456: <Media omitted>
20/05/2024, 09:41 - Kelly Bennett: Please don't share pictures of staff or other people's children
20/05/2024, 10:02 - Jo Wright: Can we keep this group for trip stuff only please
20/05/2024, 10:05 - Ravi Shah: +1
21/05/2024, 21:15 - Lisa M left
22/05/2024, 08:40 - Gemma Taylor: Reminder, trip balance due by the end of the month
"""

FILE_NAME = "WhatsApp Chat with Year 4 Parents 💬.txt"


def build(stdout=None):
    school = School.objects.filter(slug="stokes-wood").first()
    if school is None or school.current_policy() is None:
        return None
    data = EXPORT.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    scan = ChatScan.objects.filter(school=school, sha256=digest).first()
    head = get_user_model().objects.filter(username="head@stokes-wood.demo").first()
    if scan is None:
        upload = ContentFile(data, name=FILE_NAME)
        scan = record_upload(
            school,
            user=head,
            permission={
                "parent_name": "Kelly Bennett",
                "relation": "member",
                "given_on": date(2024, 5, 22),
                "scope": "The 'Year 4 Parents' WhatsApp group, all messages from 2 May to 22 May 2024.",
                "purpose": "Kelly Bennett raised concerns that her son is being named and a teacher abused and threatened in the group; "
                "the Headteacher needs to see the messages to deal with it quickly, as the policy allows.",
            },
            upload=upload,
            day_first=True,
            administrator="",
        )
        # Synchronously, not through the worker: the demo should be complete when `schoolgate demo` returns.
        scan = run_scan(scan.pk)
        if stdout is not None:
            stdout.write(f"Stokes Wood: demo chat scan '{scan.title}' ({scan.messages_total} messages, {scan.findings.count()} breach findings)")
    if scan.status == ChatScan.Status.DONE and not scan.findings.filter(case_pk__isnull=False).exists():
        finding = (
            scan.findings.filter(category="abuse", quote__icontains="idiot").first()
            or scan.findings.filter(category__in=["abuse", "threat", "harassment"]).first()
            or scan.findings.first()
        )
        if finding is not None:
            case = open_case_from_finding(finding, actor=head)
            if stdout is not None:
                stdout.write(f"Stokes Wood: case {case.pk} opened from the chat scan (message {finding.message_index + 1})")
    return scan
