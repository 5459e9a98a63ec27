from schoolgate.cases import demo
from schoolgate.cases.ladder import current_step
from schoolgate.cases.models import Case, Letter


def test_demo_cases_each_school_at_a_different_step(stokes, hesket):
    demo.build()
    demo.build()  # idempotent
    sw = Case.objects.get(school=stokes)
    hh = Case.objects.get(school=hesket)
    assert sw.is_open and hh.is_open
    assert current_step(sw).step_id == "meeting"
    assert current_step(hh).step_id == "report_host"
    for case in (sw, hh):
        assert case.evidence.exists()
        sent = case.letters.filter(status=Letter.Status.SENT)
        assert sent.exists() and all(letter.verify() for letter in sent)
    assert sw.deadlines.get().is_overdue
