from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "schoolgate.schools"
    label = "schools"
