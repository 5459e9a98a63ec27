"""What a review-queue card may offer: restricting its author is for a parent/carer of the school (the
restriction page's own rule) who is not restricted already."""

from django import template

from schoolgate.channel.models import Restriction
from schoolgate.schools.models import Membership, Role

register = template.Library()


@register.filter
def restrictable(item) -> bool:
    known = getattr(item, "restrictable_author", None)  # worked out for the whole page by views._with_history
    if known is not None:
        return known
    if item.author_id is None:
        return False
    if not Membership.objects.filter(school_id=item.school_id, user_id=item.author_id, role=Role.PARENT).exists():
        return False
    return not Restriction.objects.filter(school_id=item.school_id, user_id=item.author_id).active().exists()
