"""Daily job: notice consent that lapsed at the academic year end, and run the renewal campaign."""

from __future__ import annotations

from schoolgate.schools.models import School

from .expiry import notice_expiry
from .renewal import campaign_running, send_renewals


def daily(stdout=None, today=None):
    for school in School.objects.all():
        lapsed = notice_expiry(school, today)
        sent = send_renewals(school, today) if campaign_running(school, today) else 0
        if stdout is not None and (lapsed or sent):
            stdout.write(f"{school.name}: photo consent lapsed for {lapsed} pupil(s); {sent} renewal e-mail(s) sent")
