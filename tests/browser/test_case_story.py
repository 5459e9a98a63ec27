"""A Headteacher rejects a parent's comment in the review queue, opens a case from it, works the
Stokes Wood ladder to the formal warning, sends it and downloads the PDF."""

import io
import re

import pytest

COMMENT = "Mr Hughes is a liar and stole the Year 4 trip money."


@pytest.mark.django_db(transaction=True)
def test_case_from_queue_to_warning_letter(live_server, log_in, page, output_dir, fake_judge):
    # The real judge is tested elsewhere; the story needs predictable findings ("liar", "stole": allegations).
    from django.contrib.auth import get_user_model
    from pypdf import PdfReader

    from schoolgate.cases.models import Case, Letter
    from schoolgate.channel.posts import submit_comment, submit_post
    from schoolgate.policies.loader import SEED_SLUGS, load_seed
    from schoolgate.schools.demo import build
    from schoolgate.schools.models import School

    for slug in SEED_SLUGS:
        load_seed(slug)
    build()
    school = School.objects.get(slug="stokes-wood")
    users = get_user_model().objects
    post = submit_post(school, author=users.get(username="head@stokes-wood.demo"), text="Sports day is on Friday.", audience="school")
    submit_comment(post, author=users.get(username="parent@stokes-wood.demo"), text=COMMENT)

    # The review queue: reject the comment, citing the clause the judge found.
    log_in("head@stokes-wood.demo")
    page.goto(f"{live_server.url}/stokes-wood/queue/")
    item = page.locator("article.review-item", has_text="stole the Year 4 trip money")
    item.locator("button[value=reject]").click()
    page.locator("article.review-item", has_text="Rejected: comment by Kelly Bennett").wait_for()  # decided in place (htmx)
    page.goto(f"{live_server.url}/stokes-wood/queue/?state=decided")
    page.locator("article.review-item", has_text="stole the Year 4 trip money").get_by_role("button", name="Open a case").click()

    # The case: opened from the queue, about Kelly Bennett, with the comment as judged evidence.
    page.wait_for_url(re.compile(r"/stokes-wood/cases/\d+/$"))
    case = Case.objects.get()
    assert case.source == "review_queue" and case.parent_name == "Kelly Bennett"
    assert "stole the Year 4 trip money" in page.locator(f"#evidence-{case.evidence.get().pk}").inner_text()
    assert page.locator("#step-discuss").get_attribute("data-state") == "available"
    assert page.locator("#step-meeting").get_attribute("data-state") == "waiting"

    # Step 1 done; step 2 (the meeting) skipped with a reason; the warning is next.
    page.locator("#step-discuss summary", has_text="Record as done").click()
    page.locator("#step-discuss textarea[name=outcome]").fill("Phoned Mrs Bennett and asked her to remove the comment.")
    page.locator("#step-discuss button", has_text="Record").click()
    page.locator("#step-meeting summary", has_text="Skip").click()
    page.locator("#step-meeting textarea[name=reason]").fill("Mrs Bennett declined a meeting in writing.")
    page.locator("#step-meeting button", has_text="Skip step").click()
    assert page.locator("#step-meeting").get_attribute("data-state") == "skipped"
    assert page.locator("#step-warning").get_attribute("data-state") == "available"

    # The warning letter: drafted from the policy, edited, sent.
    page.locator("#step-warning button", has_text="Draft letter").click()
    page.wait_for_url(re.compile(r"/letters/\d+/$"))
    page.fill("#id_deadline", "2031-03-14T17:00")
    page.fill("#id_body", page.input_value("#id_body") + "\n\nWe hope this matter can now be closed.")
    page.click("#send-letter")
    # Check the letter before sending it, then the confirmation says what happens next.
    page.wait_for_url(re.compile(r"/letters/\d+/check/\?delivery=\w+$"))
    page.click("#confirm-send")
    page.wait_for_url(re.compile(r"/letters/\d+/sent/$"))
    page.click("#back-to-case")
    page.wait_for_url(re.compile(r"/stokes-wood/cases/\d+/$"))
    assert page.locator("#step-warning").get_attribute("data-state") == "done"
    page.screenshot(path=str(output_dir / "case-story.png"), full_page=True)

    letter = Letter.objects.get(kind="warning")
    assert letter.is_sent and letter.verify()
    page.get_by_role("link", name="Formal warning").click()
    with page.expect_download() as download:
        page.click("#download-letter")
    path = download.value.path()
    data = open(path, "rb").read()
    (output_dir / "case-story-warning.pdf").write_bytes(data)
    assert data == letter.pdf_bytes()
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    clause = school.current_policy().clauses.get(clause_id=letter.context["clauses"][0]["id"])
    assert "Kelly Bennett" in text and " ".join(clause.text.split())[:50] in text
    assert "14 March 2031" in text and "We hope this matter can now be closed." in text
