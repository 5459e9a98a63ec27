from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand

from schoolgate.bootstrap import ensure_database
from schoolgate.schools.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Add demo data for both seed schools (idempotent) and print the demo log-ins."

    def handle(self, *args, **options):
        ensure_database()
        logins = []
        # Each app may ship a `demo` module with build(stdout); they run in INSTALLED_APPS order.
        for config in apps.get_app_configs():
            if not config.name.startswith("schoolgate."):
                continue
            module_name = f"{config.name}.demo"
            if find_spec(module_name) is None:
                continue
            result = import_module(module_name).build(stdout=self.stdout)
            if config.label == "schools":
                logins = result
        self.stdout.write(self.style.SUCCESS(f"\nDemo log-ins (password for all: {DEMO_PASSWORD})"))
        for school, role, email in logins:
            self.stdout.write(f"  {school:<28} {role:<12} {email}")
