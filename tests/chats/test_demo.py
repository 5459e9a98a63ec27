"""The demo: a scanned Year 4 parents' chat at Stokes Wood with findings and a case opened from one."""


def test_demo_chat_is_scanned_with_a_case(stokes, fake_judge):
    from schoolgate.chats import demo
    from schoolgate.chats.models import ChatScan

    scan = demo.build()
    assert scan.status == "done" and scan.messages_total >= 40
    assert scan.title.startswith("Year 4 Parents") and scan.administrator == "Gemma Taylor"
    assert scan.permission.parent_name == "Kelly Bennett"
    assert scan.findings.exists() and scan.findings.filter(case_pk__isnull=False).exists()
    demo.build()  # idempotent
    assert ChatScan.objects.count() == 1
    from schoolgate.cases.models import Case

    assert Case.objects.filter(source="chat_scan").count() == 1
