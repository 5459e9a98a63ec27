from django.apps import AppConfig


class ChatsConfig(AppConfig):
    name = "schoolgate.chats"
    label = "chats"
