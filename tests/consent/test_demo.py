"""The demo register: a mix of answers in both schools, one expired, one never-publish, one pending take-down."""

from collections import Counter

from schoolgate.consent.demo import build
from schoolgate.consent.models import ConsentAnswer, TakeDown
from schoolgate.consent.queries import photo_consent_states


def test_demo_register(demo):
    build()
    build()  # idempotent
    for slug in ("stokes-wood", "high-hesket"):
        from schoolgate.schools.models import School

        school = School.objects.get(slug=slug)
        states = Counter()
        for purpose in ("channel", "website", "social_media", "newsletter", "press", "video"):
            states.update(photo_consent_states(school, purpose).values())
        assert {"granted", "refused", "not_asked", "expired", "never"} <= set(states), (slug, states)
        assert TakeDown.objects.filter(school=school, done_at__isnull=True).count() == 1
    assert ConsentAnswer.objects.count() > 20
