"""The roster and the audit log are paged 100 at a time: the page says how many there are and links to the rest."""

import pytest

from schoolgate.audit.models import record
from schoolgate.schools.models import Person


@pytest.fixture
def head_client(client, stokes, user):
    client.force_login(user("head@stokes-wood.demo"))
    return client


def test_roster_counts_everyone_and_links_to_the_next_page(head_client, stokes):
    Person.objects.bulk_create(Person(school=stokes, name=f"Pupil {i:03}", kind="pupil", group="Year 3") for i in range(130))
    total = stokes.people.count()
    page = head_client.get(f"/{stokes.slug}/roster/").content.decode()
    assert f"People ({total})" in page
    assert 'rel="next"' in page and "?page=2" in page
    second = head_client.get(f"/{stokes.slug}/roster/?page=2").content.decode()
    assert 'rel="prev"' in second and f"of {total})" in second


def test_audit_log_links_to_older_entries(head_client, stokes):
    for i in range(120):
        record("test.entry", actor=None, school=stokes, summary=f"entry {i}")
    page = head_client.get(f"/{stokes.slug}/audit/").content.decode()
    assert 'rel="next"' in page
