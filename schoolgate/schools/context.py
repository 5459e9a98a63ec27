def school_context(request):
    """The current school and the user's roles there, for the navigation in base.html."""
    school = getattr(request, "school", None)
    roles = getattr(request, "roles", frozenset())
    return {
        "school": school,
        "roles": roles,
        "is_staff_member": bool(roles - {"parent"}),
        "is_moderator": bool(roles & {"headteacher", "dsl", "office"}),
        "is_leadership": bool(roles & {"headteacher", "dsl"}),
    }
