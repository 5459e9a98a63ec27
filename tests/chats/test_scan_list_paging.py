"""The chat-scans list is shown a page at a time, newest first, like the roster and the audit log."""

import datetime as dt
import re

from django.urls import reverse

from schoolgate.chats.models import ChatScan
from schoolgate.chats.views import SCANS_PER_PAGE

MORE = 30


def test_the_scan_list_is_paged_newest_first_and_bad_pages_answer_a_page(scanned, login):
    first = ChatScan.objects.get(pk=scanned.pk)
    findings = first.findings.count()
    assert findings
    for n in range(MORE):  # copies of the scan, uploaded one a minute after it
        copy = ChatScan.objects.get(pk=scanned.pk)
        copy.pk, copy.token = None, f"copy{n:028d}"
        copy.title, copy.uploaded_at = f"Copied group {n:02d}", first.uploaded_at + dt.timedelta(minutes=n + 1)
        copy.save()
    total = MORE + 1
    client = login("head@stokes-wood.demo")
    url = reverse("chats:list", args=["stokes-wood"])

    def titles(html):
        return re.findall(r'<a href="/stokes-wood/chats/\d+/">([^<]+)</a>', html)

    page = client.get(url).content.decode()
    newest = [f"Copied group {n:02d}" for n in reversed(range(MORE))] + [first.title or first.original_name]
    assert titles(page) == newest[:SCANS_PER_PAGE]
    assert f"Page 1 of 2 (1–{SCANS_PER_PAGE} of {total})" in page and 'href="?page=2" rel="next"' in page
    second = client.get(url + "?page=2").content.decode()
    assert titles(second) == newest[SCANS_PER_PAGE:]
    assert 'href="?page=1" rel="prev"' in second
    # The findings column counts each scan's own findings (the original has some, its copies none).
    assert re.search(rf"{re.escape(newest[-1])}</a>.*?<td[^>]*>{findings}</td>", second, re.S)
    for bad, shown in (("abc", 1), ("999", 2), ("0", 1), ("-1", 1), ("", 1)):
        response = client.get(url, {"page": bad})
        assert response.status_code == 200 and f"Page {shown} of 2" in response.content.decode(), bad
