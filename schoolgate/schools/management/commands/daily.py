from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the daily jobs of every app (reminders, retention purges, deadlines). Schedule with cron."

    def handle(self, *args, **options):
        for config in apps.get_app_configs():
            if not config.name.startswith("schoolgate."):
                continue
            module_name = f"{config.name}.jobs"
            if find_spec(module_name) is None:
                continue
            import_module(module_name).daily(stdout=self.stdout)
