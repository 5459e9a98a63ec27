from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "schoolgate.policies"
    label = "policies"
