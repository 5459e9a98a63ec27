"""Recording a chat upload: the parent's permission and the export file, with its hash and retention date.

Nothing is scanned here: the caller queues the scan (`tasks.enqueue_scan`) once the upload is committed.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import timedelta

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record

from .audit_events import AuditEvent
from .models import ChatPermission, ChatScan
from .parsers.source import title_from_name
from .people import match_parent


def record_upload(school, *, user, permission: dict, upload, day_first: bool | None, administrator: str = "", platform: str = "") -> ChatScan:
    """Save the permission and the file (already validated by the form), queue nothing yet."""
    digest = hashlib.sha256()
    size = 0
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    parent_person = match_parent(school, permission["parent_name"])
    with transaction.atomic():
        consent = ChatPermission.objects.create(school=school, recorded_by=user, parent_person=parent_person, **permission)
        scan = ChatScan(
            school=school,
            permission=consent,
            token=secrets.token_hex(16),
            uploaded_by=user,
            original_name=(upload.name or "upload")[:255],
            size=size,
            sha256=digest.hexdigest(),
            day_first=day_first,
            administrator=administrator,
            platform=platform,
            title=(title_from_name(os.path.basename(upload.name or "")) or "")[:300],
            purge_due=timezone.localdate() + timedelta(days=school.chat_file_retention_days),
        )
        scan.file.save("upload", File(upload), save=False)
        scan.save()
        record(
            AuditEvent.PERMISSION_RECORDED, actor=user, school=school, target=consent,
            summary=f"Permission from {consent.parent_name} ({consent.get_relation_display()}) to view a group chat",
            given_on=consent.given_on, scope=consent.scope, purpose=consent.purpose,
        )
        record(
            AuditEvent.UPLOADED, actor=user, school=school, target=scan,
            summary=f"Chat export uploaded ({size:,} bytes); original kept until {scan.purge_due:%-d %B %Y}",
            sha256=scan.sha256, permission=consent.pk, purge_due=scan.purge_due,
        )
    return scan
