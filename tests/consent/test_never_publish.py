"""Never publish: set by the Headteacher or DSL, overrides every consent, its reason for leadership only."""

import pytest

from schoolgate.consent.errors import ConsentError
from schoolgate.consent.flags import lift_never_publish, set_never_publish
from schoolgate.consent.models import NeverPublish
from schoolgate.consent.queries import consent_state, photo_consent_states

REASON = "Adopted: court order"


def test_flag_overrides_every_consent_and_lifting_restores_it(stokes, oliver, user, grant_all):
    grant_all(oliver)
    flag = set_never_publish(stokes, oliver, reason=REASON, actor=user("dsl@stokes-wood.demo"))
    assert {consent_state(stokes, oliver, p) for p in ("channel", "website", "video")} == {"never"}
    assert photo_consent_states(stokes, "channel")["Oliver Bennett"] == "never"
    with pytest.raises(ConsentError, match="already"):
        set_never_publish(stokes, oliver, reason="again", actor=user("head@stokes-wood.demo"))
    lift_never_publish(flag, actor=user("head@stokes-wood.demo"))
    assert consent_state(stokes, oliver, "channel") == "granted"
    assert NeverPublish.objects.get().lifted_by_label == "Sarah Patel"


def test_reason_is_required(stokes, oliver, user):
    with pytest.raises(ConsentError):
        set_never_publish(stokes, oliver, reason="  ", actor=user("head@stokes-wood.demo"))


URL = "/stokes-wood/consent/pupils/{pk}/never-publish/"


@pytest.mark.parametrize("email, status", [("head@stokes-wood.demo", 302), ("dsl@stokes-wood.demo", 302), ("office@stokes-wood.demo", 403),
                                           ("hughes@stokes-wood.demo", 403), ("parent@stokes-wood.demo", 403), ("head@high-hesket.demo", 404)])
def test_only_leadership_sets_the_flag(stokes, oliver, login, email, status):
    assert login(email).post(URL.format(pk=oliver.pk), {"reason": REASON}).status_code == status
    assert NeverPublish.objects.exists() == (status == 302)


def test_reason_visible_to_leadership_only(stokes, oliver, login, user, grant_all):
    grant_all(oliver)
    set_never_publish(stokes, oliver, reason=REASON, actor=user("head@stokes-wood.demo"))
    page = f"/stokes-wood/consent/pupils/{oliver.pk}/"
    assert REASON in login("dsl@stokes-wood.demo").get(page).content.decode()
    office = login("office@stokes-wood.demo").get(page).content.decode()
    assert "Never publish" in office and REASON not in office
    family = login("parent@stokes-wood.demo").get("/stokes-wood/my-children/photos/").content.decode()
    assert REASON not in family and "Never publish" not in family


def test_lift_by_view(stokes, oliver, login, user):
    set_never_publish(stokes, oliver, reason=REASON, actor=user("head@stokes-wood.demo"))
    assert login("office@stokes-wood.demo").post(URL.format(pk=oliver.pk) + "lift/").status_code == 403
    assert login("head@stokes-wood.demo").post(URL.format(pk=oliver.pk) + "lift/").status_code == 302
    assert NeverPublish.objects.get().lifted_at is not None
    assert login("head@stokes-wood.demo").post(URL.format(pk=oliver.pk) + "lift/").status_code == 302  # nothing to lift: a message


def test_empty_reason_is_a_400_with_an_error_summary(stokes, oliver, login):
    response = login("head@stokes-wood.demo").post(URL.format(pk=oliver.pk), {"reason": ""})
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    assert not NeverPublish.objects.exists()
