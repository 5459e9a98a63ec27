"""When the judge cannot run, nothing is lost and nothing is waved through: every text is held for a moderator."""

from schoolgate.channel.models import Comment, Post, ReviewItem


def test_parent_comment_is_saved_and_held_when_the_judge_is_down(post, login, broken_judge):
    response = login("parent@stokes-wood.demo").post(f"/stokes-wood/channel/posts/{post.pk}/comment/", {"text": "Thank you, looking forward to it!"})
    assert response.status_code in (200, 302)
    comment = Comment.objects.get(post=post)
    assert comment.status == Comment.Status.PENDING
    item = ReviewItem.objects.get(comment=comment)
    assert item.status == ReviewItem.Status.PENDING
    assert item.verdict["unavailable"] is True and item.verdict["decision"] == "review"


def test_administrator_post_is_queued_not_published_when_the_judge_is_down(stokes, login, broken_judge):
    response = login("office@stokes-wood.demo").post("/stokes-wood/channel/posts/new/", {"text": "The school will close at 1pm on Friday.", "audience": "school"})
    assert response.status_code in (200, 302)
    post = Post.objects.get(school=stokes)
    assert post.status == Post.Status.PENDING and post.published_at is None
    item = ReviewItem.objects.get(post=post)
    assert item.status == ReviewItem.Status.PENDING
    assert item.verdict["unavailable"] is True and item.verdict["decision"] == "review"


def test_live_check_says_the_judge_is_unavailable_without_an_error(post, login, broken_judge):
    response = login("parent@stokes-wood.demo").post("/stokes-wood/channel/check/", {"text": "Thank you!"})
    body = response.content.decode()
    assert response.status_code == 200 and "not available" in body and "Looks fine" not in body


def test_the_real_judge_with_its_toxicity_model_missing_holds_the_comment(post, login, monkeypatch):
    # Not the test seam: the real judge, whose model files cannot be read (as on a broken install).
    # Before the one door to the judge, this comment answered 500 and was lost.
    import schoolgate.judge as judge
    from schoolgate.judge.toxicity import ToxicityModel

    def missing(*args, **kwargs):
        raise OSError("toxicity model files not found")

    monkeypatch.setattr(judge, "_tox_model", None)
    monkeypatch.setattr(ToxicityModel, "load", classmethod(missing))
    response = login("parent@stokes-wood.demo").post(f"/stokes-wood/channel/posts/{post.pk}/comment/", {"text": "Thank you, looking forward to it!"})
    assert response.status_code == 302
    item = ReviewItem.objects.get(comment__post=post)
    assert item.status == ReviewItem.Status.PENDING and item.verdict["unavailable"] is True
