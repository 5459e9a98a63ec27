from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "schoolgate.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self):
        from . import signals  # noqa: F401  (log-in and log-out entries)
