"""The demo: one case at each school holds a screenshot drawn with Pillow and read by the screenshot reader."""

from schoolgate.cases import demo
from schoolgate.cases import screenshots as shots
from schoolgate.cases.models import Case


def test_each_demo_case_holds_a_read_screenshot(stokes, hesket, fake_judge):
    demo.build()
    demo.build()  # idempotent: one screenshot each
    for school, liar_or_useless, roster_author in ((stokes, "liar", "Kelly Bennett"), (hesket, "useless", "Mark Robinson")):
        case = Case.objects.get(school=school)
        item = case.evidence.get(label=demo.SCREENSHOT_LABEL)
        assert item.verify() and item.content_type == "image/png"
        reading = item.readings.get()
        messages = shots.shown_messages(reading, revealed=False)
        assert messages[0]["shown_author"] == roster_author and messages[0]["on_roster"]
        assert messages[1]["shown_author"] == "Participant 1"
        assert messages[-1]["author"] is None  # the phone's owner
        assert any(f["quote"].lower() == liar_or_useless for m in reading.messages for f in m["findings"])
