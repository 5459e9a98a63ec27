from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "schoolgate.cases"
    label = "cases"
