from django.apps import AppConfig


class ChannelConfig(AppConfig):
    name = "schoolgate.channel"
    label = "channel"
