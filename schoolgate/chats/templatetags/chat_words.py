"""Plain words on chat-scan pages: a category's label ("Allegation about a person"), never its code name."""

from django import template

from schoolgate.judge.types import category_label

register = template.Library()


@register.filter
def category_words(name: str) -> str:
    return category_label(name)
