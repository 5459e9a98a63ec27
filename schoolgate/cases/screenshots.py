"""Screenshots as case evidence: the messages read from the picture, their verdicts, corrections, privacy.

The screenshot itself is an ordinary `Evidence` file (`evidence_changes.add_evidence_file`: hashed,
stored under its hash, never altered). Reading it is a derived record, `ScreenshotReading`, written after
the file is committed (by the task worker, `screenshot_tasks`): OCR and the judge run first, outside any
transaction, and only the write takes the case's lock.

A misread word is corrected by a new reading that `corrects` the current one; the original reading stays.
People on the screenshot who are not on the school's roster are shown as "Participant N" until a member
of staff reveals the names for themselves, giving a reason (as chat scans do, `chats.people`).
"""

from __future__ import annotations

import io
import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.policies.judging import judge_record, roster_for
from schoolgate.policies.screenshot_judging import judge_reading, match_author
from schoolgate.schools.models import actor_label
from schoolgate.screens import Message, NotAScreenshot, read_screenshot

from . import evidence as ev
from .audit_events import AuditEvent
from .errors import CaseError
from .locking import lock_case
from .models import Evidence, ScreenshotReading, ScreenshotReveal

log = logging.getLogger(__name__)

SEVERITY = {"allow": 0, "advise": 1, "review": 2, "block": 3}


def is_screenshot(item: Evidence) -> bool:
    return item.kind == Evidence.Kind.FILE and item.content_type in ev.IMAGE_TYPES


def current_reading(item: Evidence) -> ScreenshotReading | None:
    """The latest reading (the last correction, or the first reading)."""
    return item.readings.order_by("-added_at", "-id").first()


def summary_verdict(messages: list[dict]) -> dict:
    """The evidence item's verdict: the most serious decision among its messages, and every finding,
    each with the number of the message it was found in."""
    findings = [{**f, "message": i} for i, m in enumerate(messages) for f in m.get("findings", [])]
    unavailable = any(m.get("unavailable") for m in messages)
    decision = max((m.get("decision", "allow") for m in messages), key=lambda d: SEVERITY.get(d, 2), default="allow")
    flagged = sum(1 for m in messages if m.get("findings"))
    if not messages:
        explanation = "No text could be read in this screenshot."
    else:
        explanation = (f"{len(messages)} message{'s' if len(messages) != 1 else ''} read from the screenshot; "
                       f"{flagged} with something the policy speaks about.")
    verdict = {"decision": decision, "explanation": explanation, "scores": {}, "findings": findings}
    if unavailable:
        verdict["unavailable"] = True
    return verdict


def read_evidence(evidence_id: int, *, actor=None) -> ScreenshotReading | None:
    """Read a screenshot evidence item and keep what was read. Runs the OCR and the judge first, outside
    any transaction; writes under the case's lock. Does nothing for a picture that is not a screenshot; for
    one already read, checks its messages again when the policy check was unavailable (`_judge_again`).
    A picture that cannot be read says so on the item (`judge_note`), and the case page offers another try."""
    item = Evidence.objects.select_related("case__school").filter(pk=evidence_id).first()
    if item is None or not is_screenshot(item):
        return None
    if item.readings.exists():
        base = current_reading(item)
        return _judge_again(item, base, actor=actor) if _unjudged(base) else None
    try:
        reading = read_screenshot(item.content_bytes())
    except (NotAScreenshot, OSError):
        log.warning("evidence %s could not be read as a screenshot", evidence_id)
        mark_unread(evidence_id, NOT_READ)
        return None
    judged = judge_reading(item.case.school, reading)
    with transaction.atomic():
        case = lock_case(item.case)
        item = Evidence.objects.select_for_update().get(pk=item.pk)
        if item.readings.exists():  # read by another worker meanwhile
            return current_reading(item)
        kept = ScreenshotReading.objects.create(
            evidence=item, messages=judged, width=reading.width, height=reading.height, engine=reading.engine,
            added_by=actor, added_by_label=actor_label(actor, nobody="system"),
        )
        if not item.verdict or item.verdict.get("unavailable") or item.judge_note:
            item.verdict, item.judge_note = summary_verdict(judged), ""
            item.save(update_fields=["verdict", "judge_note"])
        record(AuditEvent.SCREENSHOT_READ, actor=actor, school=case.school, target=item,
               summary=f"{case.reference}: {len(judged)} messages read from {item.number}",
               case=case.pk, evidence=item.pk, messages=len(judged), engine=reading.engine)
        return kept


# -- when reading or judging failed: another try, from the case page ------------------------------------

NOT_READ = "No messages could be read from this picture. If it is a screenshot, read it again; otherwise download it to look at it."
READ_FAILED = "Reading this screenshot stopped because of an error. Read it again; if it fails again, download it to look at it."
STUCK_AFTER = timedelta(minutes=15)  # a first reading takes seconds; longer means the worker stopped


def _unjudged(reading: ScreenshotReading) -> bool:
    """The policy check was unavailable for at least one message of this reading."""
    return any(m.get("unavailable") for m in reading.messages)


def mark_unread(evidence_id: int, note: str) -> None:
    """Say on the item why it has no reading (the picture could not be read, or the reading crashed)."""
    with transaction.atomic():
        item = Evidence.objects.select_for_update().filter(pk=evidence_id).first()
        if item is not None and not item.readings.exists() and item.judge_note != note:
            item.judge_note = note
            item.save(update_fields=["judge_note"])


def another_try(item: Evidence, *, now=None) -> str:
    """Why this screenshot should be read or judged again ("" when it should not): it could not be read, its
    reading crashed or never finished, or the policy check was unavailable when it was read."""
    if not is_screenshot(item):
        return ""
    reading = current_reading(item)
    if reading is None:
        if item.judge_note:
            return item.judge_note
        if item.added_at < (now or timezone.now()) - STUCK_AFTER:
            return "This screenshot has not been read yet: the background worker may have stopped while reading it."
        return ""
    if _unjudged(reading):
        return "The policy check was not available when this screenshot was read, so its messages have not been checked."
    return ""


def _judge_again(item: Evidence, base: ScreenshotReading, *, actor) -> ScreenshotReading | None:
    """Check the messages of a reading again (the policy check was unavailable): a new reading that
    `corrects` it, the words unchanged; the judge runs first, outside any transaction."""
    school = item.case.school
    people = roster_for(school)
    messages = []
    for m in base.messages:
        if not m.get("unavailable"):
            messages.append(dict(m))
            continue
        message = Message.from_dict(m)
        author = match_author(message.author, people)
        verdict = judge_record(school, message.text, author=author, roster=people)
        messages.append({**{k: v for k, v in m.items() if k != "unavailable"}, **verdict, "on_roster": author is not None,
                         "author_role": author.role if author is not None else None})
    if any(m.get("unavailable") for m in messages):
        return None  # still unavailable: the item stays as it was, and can be tried again
    with transaction.atomic():
        case = lock_case(item.case)
        if current_reading(item).pk != base.pk:
            return None  # corrected or judged again meanwhile
        kept = ScreenshotReading.objects.create(
            evidence=item, corrects=base, messages=messages, width=base.width, height=base.height, engine=base.engine,
            correction={"judged_again": True, "reason": "the policy check was unavailable when it was first read"},
            added_by=actor, added_by_label=actor_label(actor, nobody="system"),
        )
        item = Evidence.objects.select_for_update().get(pk=item.pk)
        item.verdict = summary_verdict(messages)
        item.save(update_fields=["verdict"])
        record(AuditEvent.EVIDENCE_JUDGED, actor=actor, school=case.school, target=item,
               summary=f"{case.reference}: messages read from {item.number} checked again", case=case.pk, evidence=item.pk)
        return kept


def correct_word(item: Evidence, *, message: int, was: str, now: str, reason: str, actor) -> ScreenshotReading:
    """A new reading with `was` replaced by `now` in message `message` (its first occurrence), judged again.
    The reading it corrects is kept."""
    was, now, reason = was.strip(), " ".join(now.split()), reason.strip()
    if not was or not now:
        raise CaseError("Say which words were misread and what they should say.")
    if len(now) > 500 or len(was) > 500:
        raise CaseError("A correction is for a few words at a time (at most 500 characters).")
    if not reason:
        raise CaseError("Say why the words are being corrected (for example: 'misread: the screenshot says \"liar\"').")
    base = current_reading(item)
    if base is None:
        raise CaseError("This screenshot has not been read yet.")
    messages = [dict(m) for m in base.messages]
    if not 0 <= message < len(messages):
        raise CaseError("That message is not on this screenshot.")
    old = Message.from_dict(messages[message])
    at = old.text.find(was)
    if at < 0:
        raise CaseError(f"“{was}” is not in that message as read. Copy the words exactly as they appear in the reading.")
    fixed = _replaced(old, at, at + len(was), now)
    school = item.case.school
    people = roster_for(school)
    author = match_author(fixed.author, people)
    verdict = judge_record(school, fixed.text, author=author, roster=people)
    messages[message] = {**fixed.as_dict(), **verdict, "on_roster": author is not None,
                         "author_role": author.role if author is not None else None}
    with transaction.atomic():
        case = lock_case(item.case)
        if not case.is_open:
            raise CaseError("This case is closed; nothing more can be added to it.")
        if current_reading(item).pk != base.pk:
            raise CaseError("Someone else corrected this screenshot at the same time. Look at the new reading and try again.")
        kept = ScreenshotReading.objects.create(
            evidence=item, corrects=base, messages=messages, width=base.width, height=base.height, engine=base.engine,
            correction={"message": message, "was": was, "now": now, "reason": reason[:300]},
            added_by=actor, added_by_label=actor_label(actor),
        )
        item = Evidence.objects.select_for_update().get(pk=item.pk)
        item.verdict = summary_verdict(messages)
        item.save(update_fields=["verdict"])
        record(AuditEvent.SCREENSHOT_CORRECT, actor=actor, school=case.school, target=item,
               summary=f"{case.reference}: corrected a word read from {item.number}", reason=reason[:300],
               case=case.pk, evidence=item.pk, message=message, was=was, now=now)
        return kept


def _replaced(message: Message, start: int, end: int, new: str) -> Message:
    """The message with text[start:end] replaced; segments after it shift, the one holding it stretches."""
    text = message.text[:start] + new + message.text[end:]
    shift = len(new) - (end - start)
    segments = []
    for seg in message.segments:
        a = seg.start + (shift if seg.start >= end else 0)
        b = seg.end + (shift if seg.end >= end else 0)
        segments.append(type(seg)(a, max(a, b), seg.box))
    return Message(text=text, box=message.box, author=message.author, time=message.time, segments=segments)


# -- who may see which names -----------------------------------------------------------------------------

def has_revealed(item: Evidence, user) -> bool:
    return ScreenshotReveal.objects.filter(evidence=item, user=user).exists()


def reveal(item: Evidence, *, actor, reason: str) -> None:
    reason = reason.strip()
    if len(reason) < 5:
        raise CaseError("Give a reason for seeing the names of people who are not on the school's roster.")
    with transaction.atomic():
        case = lock_case(item.case)
        ScreenshotReveal.objects.create(evidence=item, user=actor, reason=reason[:300])
        record(AuditEvent.SCREENSHOT_REVEAL, actor=actor, school=case.school, target=item,
               summary=f"{case.reference}: names on {item.number} revealed", reason=reason[:300], case=case.pk, evidence=item.pk)


def shown_messages(reading: ScreenshotReading, *, revealed: bool) -> list[dict]:
    """The messages as this member of staff sees them: names of people not on the roster become
    "Participant N" (numbered in order of appearance) unless they revealed them; the same in the texts."""
    numbers: dict[str, int] = {}
    for m in reading.messages:
        if m.get("author") and not m.get("on_roster"):
            numbers.setdefault(m["author"], len(numbers) + 1)
    shown = []
    for i, m in enumerate(reading.messages):
        author = m.get("author")
        hidden = bool(author) and not m.get("on_roster") and not revealed
        shown.append({**m, "index": i, "number": i + 1, "shown_author": f"Participant {numbers[author]}" if hidden else author,
                      "hidden": hidden, "text_parts": _highlighted(m)})
    return shown


def _highlighted(message: dict) -> list[tuple[str, bool]]:
    """The text as (piece, flagged) parts, flagged where a finding's characters are."""
    text = message.get("text", "")
    flags = [False] * len(text)
    for f in message.get("findings", []):
        if f.get("start") is None or f.get("end") is None or f["end"] - f["start"] >= len(text):
            continue  # a finding about the whole message is shown beside it, not as a highlight
        for k in range(max(0, f["start"]), min(len(text), f["end"])):
            flags[k] = True
    parts: list[tuple[str, bool]] = []
    for ch, flag in zip(text, flags):
        if parts and parts[-1][1] == flag:
            parts[-1] = (parts[-1][0] + ch, flag)
        else:
            parts.append((ch, flag))
    return parts


def flagged_boxes(reading: ScreenshotReading) -> list[dict]:
    """Where each finding's words are on the image: one box per line they cross, with the finding's label.
    A finding about the whole message boxes the message."""
    boxes = []
    for i, m in enumerate(reading.messages):
        message = Message.from_dict(m)
        for f in m.get("findings", []):
            label = f.get("label") or f.get("category", "")
            whole = f.get("start") is None or (f.get("start", 0) <= 0 and f.get("end", 0) >= len(message.text))
            spots = [tuple(message.box)] if whole else message.boxes_for(f["start"], f["end"])
            for x, y, w, h in spots:
                boxes.append({"message": i, "x": x, "y": y, "width": w, "height": h, "label": label, "whole": whole,
                              "breach": bool(f.get("breach") and f.get("clause"))})
    return boxes


def boxed_copy(item: Evidence, reading: ScreenshotReading, *, max_width: int = 900) -> bytes:
    """A PNG copy of the screenshot with the flagged words boxed (for the evidence pack). The stored
    original is not touched."""
    from PIL import Image, ImageDraw

    image = Image.open(io.BytesIO(item.content_bytes()))
    image.load()
    image = image.convert("RGB")
    draw = ImageDraw.Draw(image)
    for b in flagged_boxes(reading):
        colour = (212, 53, 28) if b["breach"] else (255, 191, 71)
        pad = 3
        draw.rectangle([b["x"] - pad, b["y"] - pad, b["x"] + b["width"] + pad, b["y"] + b["height"] + pad],
                       outline=colour, width=2 if b["whole"] else 4)
    if image.width > max_width:
        image = image.resize((max_width, round(image.height * max_width / image.width)), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()

