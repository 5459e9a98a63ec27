"""The keyed audit chain (issue 13 item 7): a `scheme` on every entry, ids kept as written, and the cut-over.

Entries written before this migration keep their unkeyed SHA-256 hashes and are marked scheme 1; one keyed
`audit.keyed` entry is appended after them (its `prev_hash` is the last old hash, its details their count),
so `verify()` accepts the old rule for exactly that prefix. A new installation has no old entries and gets
no cut-over. The HMAC key is the one the settings read (`schoolgate migrate` creates it first).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from schoolgate.audit.models import CUT_OVER, KEYED, LEGACY, entry_hash


def cut_over(apps, schema_editor):
    Entry = apps.get_model("audit", "AuditEntry")
    Head = apps.get_model("audit", "AuditHead")
    old = Entry.objects.order_by("id")
    count = old.count()
    if not count:
        return
    old.update(scheme=LEGACY)
    last = old.last().hash
    row = {"school_id": None, "school_slug": "", "actor_id": None, "actor_label": "", "action": CUT_OVER,
           "target_type": "", "target_id": "", "summary": f"The audit log is keyed from here on ({count} earlier entries, unkeyed)",
           "details": {"legacy_entries": count, "legacy_head": last}, "created_at": timezone.now(), "prev_hash": last}
    digest = entry_hash(KEYED, settings.AUDIT_KEY, row)
    Entry.objects.create(**{k: v for k, v in row.items() if not k.endswith("_id")}, hash=digest, scheme=KEYED)
    head, _ = Head.objects.get_or_create(pk=1)
    head.last_hash = digest
    head.count = Entry.objects.count()
    head.save()


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        ("schools", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="scheme",
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING,
                                    related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="school",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING,
                                    related_name="+", to="schools.school"),
        ),
        migrations.RunPython(cut_over, migrations.RunPython.noop),
    ]
