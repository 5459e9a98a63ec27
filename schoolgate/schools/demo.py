"""Demo people for both seed schools: staff with every role, parents/carers and pupils.

Idempotent: running it again changes nothing. Every demo account has the password DEMO_PASSWORD.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Guardianship, Membership, Person, School
from .roster import import_roster

DEMO_PASSWORD = "schoolgate-demo"

STOKES_WOOD_ROSTER = """name,role,group,aliases,title,address,email
Oliver Bennett,pupil,Year 4,Olly,,,
Amelia Khan,pupil,Year 4,Millie,,,
William Shah,pupil,Year 2,Will,,,
Grace Okoro,pupil,Year 1,,,,
Noah Wright,pupil,Year 6,,,,
Isla Murphy,pupil,Year 6,,,,
Sarah Patel,staff,Headteacher,Mrs Patel,,,
Daniel Okafor,staff,Deputy Headteacher and DSL,Mr Okafor,,,
Janet Lee,staff,School Business Manager,Mrs Lee,,,
Tom Hughes,staff,Year 4 Teacher,Mr Hughes,,,
Priya Desai,staff,Year 6 Teacher,Miss Desai,,,
Peter Grant,governor,Chair of Governors,Mr Grant,,,
Kelly Bennett,parent,Oliver Bennett,,Mrs,"14 Elm Grove; Braunstone; Leicester; LE3 1AB",parent@stokes-wood.demo
Ravi Shah,parent,William Shah,,Mr,"3 Oak Road; Leicester; LE3 2CD",
Joanne Wright,parent,Noah Wright,Jo Wright,Ms,"27 Ash Close; Leicester; LE3 4EF",
"""

HIGH_HESKET_ROSTER = """name,role,group,aliases,title,address,email
Jack Robinson,pupil,Class 2,,,,
Poppy Armstrong-Lee,pupil,Class 3,Poppy,,,
Harry Nixon,pupil,Class 1,,,,
Ella Thompson,pupil,Class 3,,,,
James Armstrong,staff,Headteacher,Mr Armstrong,,,
Helen Graham,staff,DSL and Class 3 Teacher,Mrs Graham,,,
Susan Dixon,staff,School Administrator,Mrs Dixon,,,
Laura Bell,staff,Class 2 Teacher,Miss Bell,,,
R Tulip,governor,Chair of Governors,Mrs Tulip,,,
Mark Robinson,parent,Jack Robinson,,Mr,"2 Beck Cottages; High Hesket; Carlisle; CA4 0HT",parent@high-hesket.demo
Claire Nixon,parent,Harry Nixon,,Mrs,"Fell View; Low Hesket; Carlisle; CA4 0HX",
"""

# (school slug, e-mail, full name, role, roster name or "", can_post)
ACCOUNTS = [
    ("stokes-wood", "head@stokes-wood.demo", "Sarah Patel", "headteacher", "Sarah Patel", True),
    ("stokes-wood", "dsl@stokes-wood.demo", "Daniel Okafor", "dsl", "Daniel Okafor", True),
    ("stokes-wood", "office@stokes-wood.demo", "Janet Lee", "office", "Janet Lee", True),
    ("stokes-wood", "hughes@stokes-wood.demo", "Tom Hughes", "teacher", "Tom Hughes", True),
    ("stokes-wood", "desai@stokes-wood.demo", "Priya Desai", "teacher", "Priya Desai", False),
    ("stokes-wood", "governor@stokes-wood.demo", "Peter Grant", "governor", "Peter Grant", False),
    ("stokes-wood", "parent@stokes-wood.demo", "Kelly Bennett", "parent", "Kelly Bennett", False),
    ("stokes-wood", "shah@stokes-wood.demo", "Ravi Shah", "parent", "Ravi Shah", False),
    ("high-hesket", "head@high-hesket.demo", "James Armstrong", "headteacher", "James Armstrong", True),
    ("high-hesket", "dsl@high-hesket.demo", "Helen Graham", "dsl", "Helen Graham", True),
    ("high-hesket", "office@high-hesket.demo", "Susan Dixon", "office", "Susan Dixon", True),
    ("high-hesket", "bell@high-hesket.demo", "Laura Bell", "teacher", "Laura Bell", False),
    ("high-hesket", "governor@high-hesket.demo", "R Tulip", "governor", "R Tulip", False),
    ("high-hesket", "parent@high-hesket.demo", "Mark Robinson", "parent", "Mark Robinson", False),
    ("high-hesket", "nixon@high-hesket.demo", "Claire Nixon", "parent", "Claire Nixon", False),
    # One person, two schools, two roles: Stokes Wood's Chair of Governors is a parent at High Hesket.
    ("high-hesket", "governor@stokes-wood.demo", "Peter Grant", "parent", "", False),
]

SCHOOL_DETAILS = {
    "stokes-wood": dict(
        address="Stokes Wood Primary School\nStokes Drive\nLeicester\nLE3 9BX",
        phone="0116 000 0000",
        email="office@stokes-wood.demo",
        headteacher_name="Mrs Sarah Patel",
        headteacher_email="head@stokes-wood.demo",
        chair_name="Mr Peter Grant",
        chair_email="governor@stokes-wood.demo",
        two_factor_required=False,  # the demo logs in with a password only ("Two-factor log-in is off in this demo")
    ),
    "high-hesket": dict(
        address="High Hesket CE School\nHigh Hesket\nCarlisle\nCA4 0HU",
        phone="01697 000000",
        email="office@high-hesket.demo",
        headteacher_name="Mr James Armstrong",
        headteacher_email="head@high-hesket.demo",
        chair_name="Mrs R Tulip",
        chair_email="governor@high-hesket.demo",
        two_factor_required=False,
    ),
}


@transaction.atomic
def build(stdout=None) -> list[tuple[str, str, str]]:
    """Create demo people and accounts; return (school name, role, e-mail) for each log-in."""
    User = get_user_model()
    schools = {s.slug: s for s in School.objects.filter(slug__in=SCHOOL_DETAILS)}
    for slug, details in SCHOOL_DETAILS.items():
        school = schools[slug]
        for field, value in details.items():
            setattr(school, field, value)
        # The address begins with the school's name: the letterhead names the school once.
        address = school.address if school.address.startswith(school.name) else f"{school.name}\n{school.address}"
        school.letterhead = f"{address}\nTel {school.phone} · {school.email}"
        school.save()
    import_roster(schools["stokes-wood"], STOKES_WOOD_ROSTER, source="demo data")
    import_roster(schools["high-hesket"], HIGH_HESKET_ROSTER, source="demo data")

    logins = []
    for slug, email, full_name, role, roster_name, can_post in ACCOUNTS:
        school = schools[slug]
        first, _, last = full_name.partition(" ")
        user, created = User.objects.get_or_create(username=email, defaults={"email": email, "first_name": first, "last_name": last})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        person = Person.objects.filter(school=school, name=roster_name).first() if roster_name else None
        if person and person.user_id is None:
            person.user = user
            person.save(update_fields=["user"])
        Membership.objects.get_or_create(
            user=user, school=school, role=role, defaults={"person": person, "can_post": can_post}
        )
        logins.append((school.name, role, email))
    # Peter Grant's child at High Hesket, so his parent role there has a child to see.
    hh = schools["high-hesket"]
    grant, _ = Person.objects.get_or_create(school=hh, kind="parent", name="Peter Grant")
    grant.user = User.objects.get(username="governor@stokes-wood.demo")
    grant.save(update_fields=["user"])
    ella = Person.objects.get(school=hh, kind="pupil", name="Ella Thompson")
    Guardianship.objects.get_or_create(parent=grant, child=ella)
    Membership.objects.filter(user=grant.user, school=hh, role="parent").update(person=grant)
    return logins
