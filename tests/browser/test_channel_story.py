"""The README's channel story in a real browser: the live finding, the queue, the decision, the approved comment."""

import pytest

STORY = "Mr Hughes is a useless teacher and everyone knows it"


@pytest.mark.django_db(transaction=True)
def test_channel_story(live_server, page, log_in, output_dir, django_user_model):
    from schoolgate.channel.posts import submit_comment, submit_post
    from schoolgate.policies.loader import SEED_SLUGS, load_seed
    from schoolgate.schools.demo import build
    from schoolgate.schools.models import School

    for slug in SEED_SLUGS:
        load_seed(slug)
    build()
    school = School.objects.get(slug="stokes-wood")
    users = django_user_model.objects
    post = submit_post(school, author=users.get(username="head@stokes-wood.demo"),
                       text="Sports day is on Friday from 1.30pm on the school field.", audience="school")
    submit_comment(post, author=users.get(username="shah@stokes-wood.demo"), text="Thank you, looking forward to it!")

    # The parent writes the comment and sees the live finding before sending it.
    log_in("parent@stokes-wood.demo")
    page.goto(f"{live_server.url}/stokes-wood/channel/posts/{post.pk}/")
    page.locator("#id_text").press_sequentially(STORY, delay=5)
    finding = page.locator("#finding")
    finding.wait_for()
    text = finding.inner_text()
    assert "This may break" in text and "sw-" not in text
    assert page.locator("#finding mark", has_text="Hughes").count() >= 1
    assert page.locator("#finding mark", has_text="useless").count() >= 1
    folded = finding.locator("details").text_content()
    assert "Is the social networking site the appropriate channel" in folded
    assert "the class teacher, the Headteacher or the Chair of Governors" in folded
    assert page.locator("#send-privately").is_visible()
    page.screenshot(path=str(output_dir / "compose_finding.png"), full_page=True)
    page.get_by_role("button", name="Send for approval").click()
    assert "will appear once the school has approved it" in page.locator(".messages").inner_text()

    # The office sees it first in the queue, the words highlighted and the clause cited.
    page.context.clear_cookies()
    log_in("office@stokes-wood.demo")
    page.goto(f"{live_server.url}/stokes-wood/queue/")
    first = page.locator(".review-item").first
    assert STORY in first.locator(".item-text").inner_text()
    assert first.locator("mark", has_text="Hughes").count() >= 1 and first.locator("mark", has_text="useless").count() >= 1
    assert first.locator(".findings .finding").count() >= 1 and "High risk" in first.inner_text()
    page.screenshot(path=str(output_dir / "queue.png"), full_page=True)
    first.locator(".reject-form select").select_option("sw-conduct-allegations")
    first.get_by_role("button", name="Reject").click()
    page.locator(".review-item", has_text="Rejected: comment by Kelly Bennett").wait_for()
    # The clean comment is approved.
    clean = page.locator(".review-item", has_text="looking forward to it")
    clean.get_by_role("button", name="Approve").click()
    page.locator(".review-item", has_text="Approved: comment by Ravi Shah").wait_for()
    assert page.locator(".review-item[data-pending='1']").count() == 0

    # The parent sees the decision, with the clause and what to do instead, and the approved comment.
    page.context.clear_cookies()
    log_in("parent@stokes-wood.demo")
    page.goto(f"{live_server.url}/stokes-wood/channel/notifications/")
    note = page.locator(".notification").first
    assert "Your comment was not published" in note.inner_text()
    assert "sw-conduct-allegations" not in note.inner_text() and "Posting allegations" in note.inner_text()
    assert "What you can do instead" in note.inner_text()
    page.goto(f"{live_server.url}/stokes-wood/channel/posts/{post.pk}/")
    assert "Thank you, looking forward to it!" in page.locator(".comment", has_text="Ravi Shah").inner_text()
    assert "Not published" in page.locator(".comment.mine").inner_text()
    page.screenshot(path=str(output_dir / "channel_after_decision.png"), full_page=True)
