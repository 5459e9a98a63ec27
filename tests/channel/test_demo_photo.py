"""The demo's post with a checked photo: generated people the detector finds, tagged through the real check."""

from __future__ import annotations

from schoolgate.channel.models import Appearance, Post


def test_demo_has_a_checked_photo_post_per_school(demo, fake_judge):
    from schoolgate.channel.demo import build as channel_demo
    from schoolgate.consent.demo import build as consent_demo

    consent_demo()
    channel_demo()
    channel_demo()  # idempotent
    for slug, blurred in (("stokes-wood", "Isla Murphy"), ("high-hesket", "Ella Thompson")):
        post = Post.objects.exclude(original_image="").get(school=demo[slug])
        assert post.status == Post.Status.PUBLISHED and post.image
        check = post.current_check()
        assert check.is_complete
        rows = {a.number: a for a in check.appearances.all()}
        assert len(rows) == 3
        assert rows[1].action == Appearance.Action.KEEP and rows[1].consent == "granted"
        assert rows[2].kind == "staff" and rows[2].action == Appearance.Action.KEEP
        assert rows[3].person_label == blurred and rows[3].action == Appearance.Action.BLUR
