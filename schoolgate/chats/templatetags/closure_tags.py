"""The closure request page fills the suggested letter from the roster before its fields are shown (the
view builds the form without the school; see ClosureForm.prefill_from_roster)."""

from django import template

register = template.Library()


@register.simple_tag
def prefill_from_roster(form, school) -> str:
    if hasattr(form, "prefill_from_roster"):
        form.prefill_from_roster(school)
    return ""
