from importlib import import_module

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "schoolgate.cases"
    label = "cases"

    def ready(self):
        # Connects the signal that has a picture added as evidence read by the worker. By name, as Django's
        # own autodiscovery does: the app's modules keep their project imports at the top (test_module_rules).
        import_module(f"{self.name}.screenshot_tasks")
