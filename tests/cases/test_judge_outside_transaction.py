"""Judge (and detect faces) first, then write: CPU work never runs inside a write transaction (it would hold SQLite's lock)."""

import pytest
from django.db import connection

from schoolgate.cases.evidence_changes import add_evidence_text
from schoolgate.cases.opening import open_case


@pytest.fixture
def watching_judge(fake_judge, monkeypatch):
    seen = []
    analyse = fake_judge.analyse

    def watched(*args, **kwargs):
        seen.append(connection.in_atomic_block)
        return analyse(*args, **kwargs)

    monkeypatch.setattr(fake_judge, "analyse", watched)
    return seen


@pytest.mark.django_db(transaction=True)
def test_opening_a_case_and_adding_evidence_judge_outside_the_transaction(watching_judge, user):
    from schoolgate.policies.loader import SEED_SLUGS, load_seed
    from schoolgate.schools.demo import build

    for slug in SEED_SLUGS:
        load_seed(slug)
    build()
    from schoolgate.schools.models import School

    school = School.objects.get(slug="stokes-wood")
    case = open_case(school, opened_by=user("head@stokes-wood.demo"), concern="Posts about staff", parent_name="Kelly Bennett",
                     evidence_text="He is a liar")
    add_evidence_text(case, text="She stole the trip money", label="Second post", added_by=user("head@stokes-wood.demo"))
    assert watching_judge == [False, False]
    assert case.evidence.count() == 2 and all(e.is_judged for e in case.evidence.all())


@pytest.mark.django_db(transaction=True)
def test_a_photo_posts_faces_are_found_outside_the_transaction(fake_judge, user, monkeypatch):
    from schoolgate.channel import photo_checks
    from schoolgate.channel.demo_photo import scene_jpeg
    from schoolgate.channel.posts import submit_post
    from schoolgate.policies.loader import SEED_SLUGS, load_seed
    from schoolgate.schools.demo import build
    from schoolgate.schools.models import School

    for slug in SEED_SLUGS:
        load_seed(slug)
    build()
    seen = []
    find = photo_checks.find_faces

    def watched(school, image):
        seen.append(connection.in_atomic_block)
        return find(school, image)

    monkeypatch.setattr(photo_checks, "find_faces", watched)
    post = submit_post(School.objects.get(slug="stokes-wood"), author=user("office@stokes-wood.demo"), text="Sports day",
                       audience="school", image=(scene_jpeg(), "jpg"), image_alt="Children at sports day")
    assert seen == [False]
    assert post.status == post.Status.PHOTO_CHECK and post.photo_checks.count() == 1
