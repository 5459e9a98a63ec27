"""The school channel's pages: posts and comments, the pre-post check, the review queue, concerns, restrictions."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolgate.accounts import rate_limited, take_turn
from schoolgate.photos import images as photo_images
from schoolgate.plugins import hooks
from schoolgate.schools.access import id_from, school_view
from schoolgate.schools.models import EVERYONE, MODERATORS, STAFF_ROLES, Membership, Person, Role
from schoolgate.schools.paging import page_number

from . import photo_checks, review
from .concerns import called, channels_for, channels_sentence, respond_concern, send_concern, staff_named
from .errors import ChannelError
from .forms import CheckForm, CommentForm, ConcernForm, DecisionForm, PhotoCheckForm, PosterForm, PostForm, ResponseForm, RestrictionForm, roster_pupils
from .models import Comment, Concern, Notification, PhotoCheck, Post, Restriction, ReviewItem, is_visible, marks, visible_posts
from .posters import set_poster
from .posts import confirm_photo_check, resubmit, run_judge, submit_comment, submit_post
from .queries import author_histories, can_post, is_administrator, policy_data, recent_rejections, suggests_case
from .restrictions import active_restriction, lift, restrict

POSTER_GRANTERS = frozenset({Role.HEADTEACHER, Role.OFFICE})
QUEUE_PAGE = 50
# A parent's own comments on a post that are not published (waiting, asked to rephrase, not published): the
# ones asked to rephrase and then the newest, at most this many; the page says how many more there are.
MINE_SHOWN = 10
# What the channel's pages show of a post or comment: the stored verdict and the original wording are for
# moderators and the audit, and are not read (or decoded) for a page of posts.
LISTED = ("verdict", "original_text")


def _children(request):
    return [c for m in request.memberships if m.role == Role.PARENT for c in m.children()]


def _child_groups(request) -> set[str]:
    """The classes and year groups of a parent's children: one query, once per request. Staff see every
    post, so nothing is read for them."""
    groups = getattr(request, "_child_groups", None)
    if groups is None:
        people = [m.person_id for m in request.memberships if m.role == Role.PARENT and m.person_id]
        groups = set()
        if people and not request.roles - {Role.PARENT}:
            groups = set(Person.objects.filter(parent_links__parent__in=people).values_list("group", flat=True))
        request._child_groups = groups
    return groups


def _can_post(request) -> bool:
    """`queries.can_post` from the memberships the access check already read for this request."""
    return any(m.can_post and m.role != Role.PARENT for m in request.memberships)


def _posts_for(request):
    return visible_posts(request.school, request.user, request.roles, _child_groups(request))


def _policy_context(school) -> dict:
    policy = policy_data(school)
    channels = channels_for(school, policy)
    return {
        "consider": policy.get("consider_before_posting", []),
        "channels": channels,
        "channels_sentence": channels_sentence(school, channels),
        "concerns_channel_text": policy.get("concerns_channel_text", ""),
    }


def _unpublished_first():
    return Case(When(status=Comment.Status.REPHRASE, then=Value(0)), default=Value(1), output_field=IntegerField())


def _mine(post, user) -> tuple[list, int]:
    """The person's own unpublished comments on the post to show (MINE_SHOWN at most, those asked to rephrase
    first, then the newest; shown oldest first) and how many more there are."""
    qs = post.comments.filter(author=user).exclude(status=Comment.Status.PUBLISHED).defer(*LISTED)
    shown = list(qs.order_by(_unpublished_first(), "-created_at", "-id")[:MINE_SHOWN + 1])
    more = 0
    if len(shown) > MINE_SHOWN:
        shown = shown[:MINE_SHOWN]
        more = qs.count() - MINE_SHOWN
    shown.sort(key=lambda c: (c.created_at, c.pk))
    return shown, more


def _visible_post_or_404(request, pk) -> Post:
    post = Post.objects.filter(school=request.school, pk=pk).first()
    if post is None:
        raise Http404("No such post")
    post.school = request.school  # the same school: not read again by what uses the post
    if is_visible(post, request.roles, _child_groups(request)):
        return post
    # Unpublished posts: their author and the moderators only.
    if post.author_id == request.user.pk or request.roles & MODERATORS:
        return post
    raise Http404("No such post")


# ---------------------------------------------------------------- channel, posts, comments


@school_view(EVERYONE)
@require_GET
def home(request):
    school, user = request.school, request.user
    published = Comment.objects.filter(status=Comment.Status.PUBLISHED).order_by("created_at").defer(*LISTED)
    posts = list(_posts_for(request).defer(*LISTED).prefetch_related(Prefetch("comments", queryset=published, to_attr="published_comments"))[:30])
    mine = (Comment.objects.filter(school=school, author=user, post__in=posts).exclude(status=Comment.Status.PUBLISHED)
            .order_by(_unpublished_first(), "-created_at", "-id").values_list("post_id", "pk"))
    # Which of the person's unpublished comments each post shows (as on the post's own page): their ids first,
    # then the rows themselves, so a parent with hundreds waiting does not load them all.
    shown_ids, more = set(), {}
    per_post: dict[int, int] = {}
    for post_id, pk in mine:
        per_post[post_id] = per_post.get(post_id, 0) + 1
        if per_post[post_id] <= MINE_SHOWN:
            shown_ids.add(pk)
        else:
            more[post_id] = more.get(post_id, 0) + 1
    mine_by_post: dict[int, list] = {}
    for c in Comment.objects.filter(pk__in=shown_ids).defer(*LISTED).order_by("created_at", "pk") if shown_ids else ():
        mine_by_post.setdefault(c.post_id, []).append(c)
    for p in posts:
        p.my_pending = mine_by_post.get(p.pk, [])
        p.my_pending_more = more.get(p.pk, 0)
    # Posts waiting for their author: only staff may post, rephrase a post or check its photo, so a parent's
    # page does not ask.
    my_posts = Post.objects.filter(school=school, author=user).exclude(status=Post.Status.PUBLISHED)[:20] if request.roles - {Role.PARENT} else []
    context = {
        "posts": posts,
        "my_posts": my_posts,
        "can_post": _can_post(request),
        "restriction": active_restriction(school, user),
        "unread": Notification.objects.filter(school=school, user=user, read_at__isnull=True).count(),
        "can_comment": Role.PARENT in request.roles,
        "pending_count": ReviewItem.objects.filter(school=school, status=ReviewItem.Status.PENDING).count() if request.roles & MODERATORS else 0,
    }
    return render(request, "channel/home.html", context)


@school_view(EVERYONE)
@require_GET
def post_detail(request, pk):
    post = _visible_post_or_404(request, pk)
    comments = post.comments.filter(status=Comment.Status.PUBLISHED).defer(*LISTED)
    mine, mine_more = _mine(post, request.user)
    context = {
        "post": post, "comments": comments, "mine": mine, "mine_more": mine_more, "form": CommentForm(),
        "can_comment": Role.PARENT in request.roles and post.status == Post.Status.PUBLISHED,
        "restriction": active_restriction(request.school, request.user),
        **_policy_context(request.school),
        **_photo_context(request, post),
    }
    return render(request, "channel/post.html", context)


def _photo_context(request, post) -> dict:
    """Who is in the photo and the check's history: for staff who may see the original only."""
    if not _may_see_original(request, post):
        return {}
    checks = list(post.photo_checks.prefetch_related("appearances").order_by("-created_at", "-id"))
    return {"photo_checks": checks, "current_check": next((c for c in checks if c.superseded_by_id is None), None), "show_original": bool(post.original_image)}


@school_view(EVERYONE)
@require_GET
def post_image(request, pk):
    post = _visible_post_or_404(request, pk)
    if not post.image:
        raise Http404("No image")
    response = FileResponse(post.image.open("rb"), content_type={"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(post.image.name.rsplit(".", 1)[-1], "application/octet-stream"))
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response


def _may_see_original(request, post) -> bool:
    """The original photo (faces unblurred): moderators, and the post's own author while they may post. Never parents."""
    if Role.PARENT in request.roles and not request.roles - {Role.PARENT}:
        return False
    return bool(request.roles & MODERATORS) or (post.author_id == request.user.pk and _can_post(request))


@school_view(STAFF_ROLES)
@require_GET
def post_original(request, pk):
    post = Post.objects.filter(school=request.school, pk=pk).first()
    if post is None or not post.original_image:
        raise Http404("No such photo")
    if not _may_see_original(request, post):
        raise PermissionDenied("Only moderators and the post's author can see the original photo.")
    try:
        handle = post.original_image.open("rb")
    except OSError:
        raise Http404("The original photo is no longer stored") from None
    response = FileResponse(handle, content_type=_content_type(post.original_image.name))
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    return response


def _content_type(name: str) -> str:
    return {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def _pending_check_post(request, pk):
    """The post and its pending check, for the person allowed to do the check; None when nothing waits."""
    post = Post.objects.filter(school=request.school, pk=pk).first()
    if post is None:
        raise Http404("No such post")
    if not _may_see_original(request, post):
        raise PermissionDenied("Only moderators and the post's author can check its photo.")
    check = post.current_check()
    if post.status != Post.Status.PHOTO_CHECK or check is None or check.status != PhotoCheck.Status.PENDING:
        return post, None
    return post, check


def _overlay(check: PhotoCheck, width: int, height: int) -> list[dict]:
    """Each face box as percentages of the photo (the boxes scale with the image at any screen width), the
    number's place (above the box, or below it when the face touches the top) and a crop for its fieldset.

    No inline style (the Content-Security-Policy has no 'unsafe-inline'): the box's place travels in data
    attributes that photo-check.js applies, and the crop is an SVG whose viewBox is the face's box."""
    rows = []
    for f in check.faces:
        x, y, w, h = (int(v) for v in f["box"])
        w, h = max(w, 1), max(h, 1)
        rows.append({
            "number": f["number"], "suggestion": f.get("suggestion"),
            "left": round(100 * x / width, 3), "top": round(100 * y / height, 3), "width": round(100 * w / width, 3), "height": round(100 * h / height, 3),
            "below": y < height * 0.12,
            "x": x, "y": y, "w": w, "h": h, "crop_height": max(1, round(CROP_WIDTH * h / w)),
        })
    return rows


CROP_WIDTH = 88  # CSS pixels of the close-up beside each face's question


def _check_page(request, post, check, form, status=200, *, message=""):
    size = _original_size(post)
    context = {"post": post, "check": check, "form": form, "rows": zip(_overlay(check, *size), form.face_rows()) if size else [],
               "faces": _overlay(check, *size) if size else [], "size": size, "message": message}
    return render(request, "channel/photo_check.html", context, status=status)


def _original_size(post):
    try:
        with post.original_image.open("rb") as handle:
            return photo_images.load_image(handle.read()).size
    except (OSError, ValueError):
        return None


def _check_form(request, post, check, data=None):
    return PhotoCheckForm(data, faces=check.faces, pupils=roster_pupils(request.school))


@school_view(STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def photo_check(request, pk):
    """Step 1: the photo with its faces numbered; for each face, who it is. Posting shows "check your answers"."""
    post, check = _pending_check_post(request, pk)
    if check is None:
        messages.info(request, "This post has no photo check waiting.")
        return redirect("channel:post", slug=request.school.slug, pk=post.pk)
    if request.method == "GET" or request.POST.get("change") == "1":
        # "Change your answers" from the summary comes back here with them filled in.
        form = _check_form(request, post, check, request.POST if request.method == "POST" else None)
        return _check_page(request, post, check, form)
    form = _check_form(request, post, check, request.POST)
    if not form.is_valid():
        return _check_page(request, post, check, form, status=400)
    try:
        outcomes, redacted = photo_checks.evaluate(check, form.answers)
    except ChannelError as exc:
        return _check_page(request, post, check, form, status=409, message=str(exc))
    return _summary_page(request, post, check, form, outcomes, redacted)


def _preview(redacted) -> str:
    """The redacted photo inline (a data URL): shown to this member of staff only, never stored until they confirm."""
    image = redacted.copy()
    image.thumbnail((1200, 1200))
    return "data:image/jpeg;base64," + base64.b64encode(photo_images.encode_jpeg(image, quality=82)).decode("ascii")


def _summary_page(request, post, check, form, outcomes, redacted, status=200, message=""):
    publishes = (post.author_id is not None and is_administrator(request.school, post.author) and post.verdict.get("decision") == "allow"
                 and not post.verdict.get("unavailable"))
    context = {
        "post": post, "check": check, "outcomes": outcomes, "hidden": form.hidden_values(), "preview": _preview(redacted),
        "blurred": ",".join(str(o.number) for o in outcomes if o.action == "blur"),
        "blurred_count": sum(1 for o in outcomes if o.action == "blur"), "shown_count": sum(1 for o in outcomes if o.action == "keep"),
        "publishes": publishes, "message": message,
    }
    return render(request, "channel/photo_check_summary.html", context, status=status)


def _numbers(value: str) -> list[int] | None:
    """ "2,3" -> [2, 3]; None when anything in it is not a face number."""
    value = (value or "").strip()
    if not value:
        return []
    parts = [id_from(p) for p in value.split(",")]
    return None if any(p is None for p in parts) else sorted(parts)


@school_view(STAFF_ROLES)
@require_POST
def photo_check_confirm(request, pk):
    """Step 2: the person confirmed the summary; the redacted photo is stored and the post goes on."""
    post, check = _pending_check_post(request, pk)
    if check is None:
        messages.info(request, "This post has no photo check waiting.")
        return redirect("channel:post", slug=request.school.slug, pk=post.pk)
    form = _check_form(request, post, check, request.POST)
    expected = _numbers(request.POST.get("blurred", ""))
    if not form.is_valid() or expected is None:
        if expected is None:
            messages.error(request, "The list of faces to blur was not understood. Please check the faces again.")
        return _check_page(request, post, check, form, status=400)
    try:
        post = confirm_photo_check(post, answers=form.answers, actor=request.user, expect_blurred=expected)
    except ChannelError as exc:
        try:
            outcomes, redacted = photo_checks.evaluate(check, form.answers)
        except ChannelError:
            return _check_page(request, post, check, form, status=409, message=str(exc))
        return _summary_page(request, post, check, form, outcomes, redacted, status=409, message=str(exc))
    if post.status == Post.Status.PUBLISHED:
        messages.success(request, "Photo checked. Your post is published; parents see the photo with the blurred faces.")
    else:
        messages.info(request, "Photo checked. Your post is waiting for an administrator's approval.")
    return redirect("channel:post", slug=request.school.slug, pk=post.pk)


@school_view(STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def post_new(request):
    school = request.school
    if not can_post(school, request.user):
        return render(request, "channel/no_permission.html", status=403)
    form = PostForm(request.POST or None, request.FILES or None, school=school)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            post = submit_post(school, author=request.user, text=data["text"], audience=data["audience"], group=data.get("group") or "",
                               image=data.get("image"), image_alt=data.get("image_alt", ""))
        except photo_checks.PhotoCheckUnavailable as exc:
            messages.error(request, str(exc))
            return render(request, "channel/post_new.html", {"form": form}, status=503)
        except ChannelError as exc:
            form.add_error("image" if data.get("image") else None, str(exc))
            return render(request, "channel/post_new.html", {"form": form}, status=400)
        if post.status == Post.Status.PHOTO_CHECK:
            return redirect("channel:photo_check", slug=school.slug, pk=post.pk)
        if post.status == Post.Status.PUBLISHED:
            messages.success(request, "Your post is published.")
        else:
            messages.info(request, "Your post is waiting for an administrator's approval.")
        return redirect("channel:post", slug=school.slug, pk=post.pk)
    return render(request, "channel/post_new.html", {"form": form}, status=400 if request.method == "POST" else 200)


@school_view({Role.PARENT})
@require_POST
@rate_limited("comments")
def comment(request, pk):
    post = _visible_post_or_404(request, pk)
    if post.status != Post.Status.PUBLISHED:
        raise Http404("No such post")
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Your comment was not sent: " + " ".join(e for errs in form.errors.values() for e in errs))
        return _post_page_with(request, post, form, status=400)
    try:
        submit_comment(post, author=request.user, text=form.cleaned_data["text"], person=_roster_entry(request))
    except ChannelError as exc:
        messages.error(request, str(exc))
        return _post_page_with(request, post, form, status=403)
    messages.success(request, "Thank you. Your comment will appear once the school has approved it.")
    return redirect("channel:post", slug=request.school.slug, pk=post.pk)


def _roster_entry(request):
    """The person's roster entry at this school (as `posts._roster_person` reads it), from the memberships the
    access check read: the first membership that has one."""
    return next((m.person for m in request.memberships if m.person_id), None)


def _post_page_with(request, post, form, status):
    mine, mine_more = _mine(post, request.user)
    context = {
        "post": post, "comments": post.comments.filter(status=Comment.Status.PUBLISHED).defer(*LISTED),
        "mine": mine, "mine_more": mine_more, "form": form,
        "can_comment": True, "restriction": active_restriction(request.school, request.user), **_policy_context(request.school),
    }
    return render(request, "channel/post.html", context, status=status)


@school_view(EVERYONE)
@require_POST
@rate_limited("live_check")
def check(request):
    """The live pre-post check (htmx): the judge's finding in plain words, the clause, the four questions."""
    form = CheckForm(request.POST)
    if not form.is_valid():
        return render(request, "channel/_check.html", {"error": "This is too long: comments can be up to 2,000 characters."}, status=400)
    text = form.cleaned_data["text"].strip()
    verdict = run_judge(request.school, text, author=request.user) if text else None
    summary = _one_per_kind((verdict or {}).get("findings", []))
    return render(request, "channel/_check.html", {"verdict": verdict, "summary": summary, "lead": _lead(summary), "marks": marks((verdict or {}).get("findings")),
                                                   "text": text, **_policy_context(request.school)})


def _one_per_kind(findings) -> list[dict]:
    """One finding per (category, clause), breaches first: what a person reads, not every matched word."""
    out, seen = [], set()
    for f in sorted(findings, key=lambda f: not (f.get("breach") and f.get("clause"))):
        if (f.get("category"), f.get("clause")) not in seen:
            seen.add((f.get("category"), f.get("clause")))
            out.append(f)
    return out


def _lead(summary) -> str:
    """The live check in one sentence: what the comment reads as (the first two kinds at most)."""
    labels = list(dict.fromkeys(f.get("label") or f.get("category", "").replace("_", " ") for f in summary))[:2]
    if not labels:
        return ""
    breach = any(f.get("breach") and f.get("clause") for f in summary)
    return f"{'This may break' if breach else 'Please think again: this may not fit'} the school's policy: it reads as {' and '.join(labels)}."


def _rephrase(request, pk, model, template_kind):
    target = get_object_or_404(model, pk=pk, school=request.school, author=request.user)
    if target.status != model.Status.REPHRASE:
        messages.info(request, "This is not waiting to be rephrased.")
        return redirect("channel:home", slug=request.school.slug)
    form = CommentForm(request.POST or None, initial={"text": target.text})
    item = target.review_items.exclude(status=ReviewItem.Status.PENDING).order_by("-decided_at").first()
    if request.method == "POST" and form.is_valid():
        try:
            resubmit(target, author=request.user, text=form.cleaned_data["text"])
        except ChannelError as exc:
            messages.error(request, str(exc))
            return render(request, "channel/rephrase.html", {"form": form, "target": target, "item": item, "kind": template_kind, **_policy_context(request.school)}, status=403)
        messages.success(request, "Thank you. Your new wording will appear once the school has approved it.")
        return redirect("channel:home", slug=request.school.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "channel/rephrase.html", {"form": form, "target": target, "item": item, "kind": template_kind, **_policy_context(request.school)}, status=status)


@school_view(EVERYONE)
@require_http_methods(["GET", "POST"])
@rate_limited("comments")
def comment_rephrase(request, pk):
    return _rephrase(request, pk, Comment, "comment")


@school_view(STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def post_rephrase(request, pk):
    return _rephrase(request, pk, Post, "post")


# ---------------------------------------------------------------- notifications


@school_view(EVERYONE)
@require_http_methods(["GET", "POST"])
def notifications(request):
    mine = Notification.objects.filter(school=request.school, user=request.user)
    if request.method == "POST":
        mine.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("channel:notifications", slug=request.school.slug)
    return render(request, "channel/notifications.html", {"notifications": mine[:100]})


# ---------------------------------------------------------------- the review queue


def _with_history(request, items) -> None:
    """Each item's author history, plus what later apps add to the queue (`review_queue` hooks, see
    `schoolgate.plugins`): badges on the author (an open case) and actions on a decided item."""
    school = request.school
    user_ids = [i.author_id for i in items]
    histories = author_histories(school, user_ids)
    for hook in hooks("review_queue", "author_badges"):
        for user_id, badges in hook(school, user_ids).items():
            histories.setdefault(user_id, {}).setdefault("badges", []).extend(badges)
    item_hooks = hooks("review_queue", "item_actions")
    # Whether each card may offer "restrict this person" (queue_cards.restrictable), for all the cards in two
    # queries rather than two per card.
    authors = [u for u in set(user_ids) if u is not None]
    parents = set(Membership.objects.filter(school=school, user_id__in=authors, role=Role.PARENT).values_list("user_id", flat=True)) if authors else set()
    restricted = set(Restriction.objects.filter(school=school, user_id__in=authors).active().values_list("user_id", flat=True)) if authors else set()
    for item in items:
        item.history = histories.get(item.author_id, {})
        item.plugin_actions = [action for hook in item_hooks for action in hook(request, item)]
        item.restrictable_author = item.author_id in parents and item.author_id not in restricted


def _clauses(school):
    """The current policy's clauses, each with the words its option in a card's "reason" list shows (worked
    out once per page, not once per card)."""
    version = school.current_policy()
    clauses = list(version.clauses.all()) if version else []
    for c in clauses:
        c.option_label = Truncator(c.text).chars(70)
    return clauses


@school_view(MODERATORS)
@require_GET
def queue(request):
    school = request.school
    state = request.GET.get("state", "pending")
    items = ReviewItem.objects.filter(school=school).select_related("post", "comment__post")
    if state == "decided":
        items = items.exclude(status=ReviewItem.Status.PENDING).order_by("-decided_at")
    else:
        state = "pending"
        items = items.filter(status=ReviewItem.Status.PENDING)
        items = items.order_by("-created_at") if request.GET.get("sort") == "newest" else items.order_by("-risk", "-created_at")
    kind = request.GET.get("kind", "")
    if kind in ReviewItem.Kind.values:
        items = items.filter(kind=kind)
    page = Paginator(items, QUEUE_PAGE).get_page(page_number(request.GET.get("page")))
    _with_history(request, list(page))
    clauses = _clauses(school)
    counts = dict(ReviewItem.objects.filter(school=school, status=ReviewItem.Status.PENDING).values_list("kind").annotate(n=Count("id")))
    return render(request, "channel/queue.html", {
        "page": page, "state": state, "kind": kind, "sort": request.GET.get("sort", "risk"), "clauses": clauses, "counts": counts,
        "pending_total": sum(counts.values()),
    })


@school_view(MODERATORS)
@require_GET
def item(request, pk):
    school = request.school
    entry = get_object_or_404(ReviewItem.objects.select_related("post", "comment__post"), pk=pk, school=school)
    _with_history(request, [entry])
    earlier = ReviewItem.objects.filter(school=school, author_id=entry.author_id).exclude(pk=entry.pk).order_by("-created_at")[:10] if entry.author_id else []
    return render(request, "channel/item.html", {"item": entry, "earlier": earlier, "clauses": _clauses(school),
                                                  "form": DecisionForm(initial={"version": entry.version, "edited_text": entry.text}, clauses=_clauses(school))})


def _next_pending(school, entry):
    """The item a moderator meets next in the queue (highest risk first), after `entry` is decided."""
    pending = ReviewItem.objects.filter(school=school, status=ReviewItem.Status.PENDING).exclude(pk=entry.pk)
    later = pending.filter(Q(risk__lt=entry.risk) | Q(risk=entry.risk, created_at__lte=entry.created_at)).order_by("-risk", "-created_at").first()
    return later or pending.order_by("-risk", "-created_at").first()


@school_view(MODERATORS)
@require_POST
def decide(request, pk):
    """One decision. With htmx the card is replaced in place (the script moves focus to the next card);
    without it, the queue reloads at the next item's anchor. Approving a high-risk item asks first."""
    school = request.school
    entry = get_object_or_404(ReviewItem, pk=pk, school=school)
    form = DecisionForm(request.POST, clauses=_clauses(school))
    back = request.POST.get("next") or reverse("channel:queue", args=[school.slug])
    if not back.startswith(f"/{school.slug}/") or "#" in back:
        back = reverse("channel:queue", args=[school.slug])
    in_place = request.headers.get("HX-Request") == "true"
    if not form.is_valid():
        messages.error(request, "Nothing was decided: " + " ".join(e for errs in form.errors.values() for e in errs))
        return _card(request, entry, status=400, error=form) if in_place else _item_page(request, entry, form, status=400)
    data = form.cleaned_data
    if data["action"] == "approve" and entry.high_risk and entry.is_pending and data["version"] == entry.version and request.POST.get("confirmed") != "1":
        if in_place:
            return _card(request, entry, confirm_approve=True, next_url=back)
        return _item_page(request, entry, form, status=200, confirm_approve=True, next_url=back)
    decision = review.Decision(action=data["action"], reason_clause=data.get("reason_clause") or "", reason_text=data.get("reason_text") or "", edited_text=data.get("edited_text") or "")
    try:
        done = review.decide(school, entry.pk, actor=request.user, version=data["version"], decision=decision, request=request)
    except review.AlreadyDecided as exc:
        messages.warning(request, str(exc))
        entry.refresh_from_db()
        return _card(request, entry, status=409) if in_place else _item_page(request, entry, form, status=409)
    except ChannelError as exc:
        messages.error(request, str(exc))
        return _card(request, entry, status=400) if in_place else _item_page(request, entry, form, status=400)
    messages.success(request, f"{done.get_status_display()}: {done.get_kind_display().lower()} by {done.author_label}. The author has been told.")
    if done.status == ReviewItem.Status.REJECTED and done.author_id and suggests_case(school, done.author):
        n = recent_rejections(school, done.author)
        messages.warning(request, f"{done.author_label} has had {n} comments rejected in 30 days. The school's setting suggests opening a case.")
    if in_place:
        return _card(request, done)
    nxt = _next_pending(school, done)
    return redirect(back + (f"#item-{nxt.pk}" if nxt else ""))


def _card(request, entry, status=200, **extra):
    """The one card, for htmx to swap in place; the page's messages are shown on the card itself. Always a
    200: htmx swaps only successful answers, and a refusal must replace the card too."""
    status = 200
    entry.refresh_from_db()
    _with_history(request, [entry])
    notes = [str(m) for m in messages.get_messages(request)]
    return render(request, "channel/_card.html", {"item": entry, "clauses": _clauses(request.school), "notes": notes,
                                                  "next_url": extra.pop("next_url", reverse("channel:queue", args=[request.school.slug])),
                                                  **{k: v for k, v in extra.items() if k != "error"}}, status=status)


def _item_page(request, entry, form, status, **extra):
    _with_history(request, [entry])
    earlier = ReviewItem.objects.filter(school=request.school, author_id=entry.author_id).exclude(pk=entry.pk).order_by("-created_at")[:10] if entry.author_id else []
    return render(request, "channel/item.html", {"item": entry, "earlier": earlier, "clauses": _clauses(request.school), "form": form, **extra}, status=status)


# ---------------------------------------------------------------- private concerns


def _concerns_for(request):
    qs = Concern.objects.filter(school=request.school)
    return qs.filter(Q(author=request.user) | Q(recipients=request.user)).distinct()


@school_view(EVERYONE)
@require_GET
def concerns(request):
    return render(request, "channel/concerns.html", {"concerns": _concerns_for(request).prefetch_related("recipients")[:200]})


def _post_for_concern(request, value):
    """The post a private message came from, if the parent may see it; anything else is quietly dropped."""
    pk = id_from(str(value or ""))
    return _posts_for(request).filter(pk=pk).first() if pk else None


@school_view(EVERYONE)
@require_http_methods(["GET", "POST"])
def concern_new(request):
    school = request.school
    # "Message the school privately" on the comment form carries the draft (and the post) over, unsaved.
    carried = request.method == "POST" and request.POST.get("carry") == "1"
    initial = {"text": request.POST.get("text", ""), "post": request.POST.get("post", "")} if carried else {}
    if request.GET.get("to"):
        initial["to"] = request.GET["to"]
    form = ConcernForm(None if carried or request.method == "GET" else request.POST, school=school, children=_children(request), initial=initial)
    source = request.POST.get("post") or request.GET.get("post")
    post = _post_for_concern(request, source) if source else None
    if request.method == "POST" and not carried and form.is_valid():
        data = form.cleaned_data
        refused = take_turn(request, "concerns")  # only a message really sent counts, not a draft carried over
        if refused is not None:
            return refused
        try:
            concern = send_concern(school, author=request.user, to=data["to"], subject=data["subject"], text=data["text"], child=data.get("child"),
                                   post=post)
        except ChannelError as exc:
            messages.error(request, str(exc))
        else:
            return redirect("channel:concern", slug=school.slug, pk=concern.pk)
    draft = request.POST.get("text", "") if request.method == "POST" else ""
    named = [called(p) for p in staff_named(school, f"{request.POST.get('subject', '')}\n{draft}")] if draft else []
    status = 400 if request.method == "POST" and not carried else 200
    return render(request, "channel/concern_new.html", {"form": form, "post": post, "named": named, **_policy_context(school)}, status=status)


@school_view(EVERYONE)
@require_http_methods(["GET", "POST"])
def concern(request, pk):
    entry = _concerns_for(request).filter(pk=pk).first()
    if entry is None:
        raise Http404("No such concern")
    is_recipient = entry.recipients.filter(pk=request.user.pk).exists()
    form = ResponseForm(request.POST or None)
    if request.method == "POST":
        if not is_recipient:
            messages.error(request, "Only the staff this concern was sent to can reply.")
            return redirect("channel:concern", slug=request.school.slug, pk=entry.pk)
        if form.is_valid():
            try:
                respond_concern(entry, actor=request.user, response=form.cleaned_data["response"])
            except ChannelError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "Your reply was sent to the parent/carer.")
            return redirect("channel:concern", slug=request.school.slug, pk=entry.pk)
    return render(request, "channel/concern.html", {"concern": entry, "is_recipient": is_recipient, "form": form}, status=400 if request.method == "POST" else 200)


# ---------------------------------------------------------------- keeping your child safe online


@school_view(EVERYONE)
@require_GET
def online_safety(request):
    """The policy's Responsibility section in plain words, with the school's Online Safety Policy when it has a link."""
    policy = policy_data(request.school)
    url = getattr(request.school, "online_safety_url", "") or policy.get("online_safety_url", "")
    return render(request, "channel/online_safety.html", {"online_safety_url": url, "related": policy.get("related_policies", []),
                                                          "responsibility": policy.get("responsibility", [])})


# ---------------------------------------------------------------- restrictions and poster permission


@school_view(MODERATORS)
@require_http_methods(["GET", "POST"])
def restrictions(request):
    school = request.school
    form = RestrictionForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            restriction = restrict(school, user=data["user"], kind=data["kind"], reason=data["reason"], ends_on=data["ends_on"], actor=request.user)
        except ChannelError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{restriction.user_label}: {restriction.get_kind_display().lower()} until {restriction.ends_on:%-d %B %Y}. They have been told.")
            return redirect("channel:restrictions", slug=school.slug)
    listing = Restriction.objects.filter(school=school)[:200]
    return render(request, "channel/restrictions.html", {"form": form, "restrictions": listing, "today": timezone.localdate()},
                  status=400 if request.method == "POST" else 200)


@school_view(MODERATORS)
@require_POST
def restriction_lift(request, pk):
    restriction = get_object_or_404(Restriction, pk=pk, school=request.school)
    try:
        lift(restriction, actor=request.user)
    except ChannelError as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(request, f"Restriction for {restriction.user_label} lifted.")
    return redirect("channel:restrictions", slug=request.school.slug)


@school_view(POSTER_GRANTERS)
@require_http_methods(["GET", "POST"])
def posters(request):
    school = request.school
    staff = Membership.objects.filter(school=school).exclude(role=Role.PARENT).select_related("user").order_by("role", "user__first_name")
    if request.method == "POST":
        # The id comes from a hidden field, so anything may arrive: the form turns a bad one into a message.
        form = PosterForm(request.POST, staff=staff)
        if not form.is_valid():
            messages.error(request, "Nothing was changed: " + " ".join(e for errs in form.errors.values() for e in errs))
            return render(request, "channel/posters.html", {"staff": staff}, status=400)
        membership, allowed = form.cleaned_data["membership"], form.cleaned_data["allowed"]
        try:
            set_poster(membership, allowed=allowed, actor=request.user)
        except ChannelError as exc:
            messages.error(request, str(exc))
            return render(request, "channel/posters.html", {"staff": staff}, status=400)
        messages.success(request, f"{membership.user.get_full_name()} {'may now post' if allowed else 'may no longer post'} on the school channel.")
        return redirect("channel:posters", slug=school.slug)
    return render(request, "channel/posters.html", {"staff": staff})
