from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "schoolgate.cases"
    label = "cases"

    def ready(self):
        from . import screenshot_tasks  # noqa: F401 - a picture added as evidence is read by the worker
