from django.core.management.base import BaseCommand

from schoolgate.policies.loader import SEED_SLUGS, load_seed
from schoolgate.policies.models import PolicyVersion
from schoolgate.policies.review_cycle import send_reminders


class Command(BaseCommand):
    help = "Policy tools. `policy load-seeds` loads the shipped seed policies; `policy remind` sends acknowledgement reminders."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["remind", "load-seeds"])

    def handle(self, *args, action, **options):
        if action == "load-seeds":
            for slug in SEED_SLUGS:
                school, version, created = load_seed(slug)
                state = "loaded" if created else "already present"
                self.stdout.write(f"{school.name}: {version.title} ({version.clauses.count()} clauses) {state}")
            return
        total = 0
        for version in PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED).select_related("school"):
            sent = send_reminders(version)
            total += sent
            if sent:
                self.stdout.write(f"{version.school.name}: reminded {sent} people")
        self.stdout.write(f"{total} reminder(s) sent.")
