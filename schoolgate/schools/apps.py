from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "schoolgate.schools"
    label = "schools"

    def ready(self):
        from . import reauth  # noqa: F401  connects the log-in signal that starts a session's clocks
