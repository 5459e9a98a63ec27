"""Fixtures for the chat-scan tests: a small WhatsApp export and a deterministic stand-in for the judge.

The stand-in finds a few unmistakable things (a child's name, an insult, a phone number, a complaint) and
cites the school's own clause for the category, so these tests check the scan, not the judge's models.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def fake_judge(fake_judge, settings):
    """tests/conftest.py's FakeJudge (through the one seam, SCHOOLGATE_JUDGE) with this suite's words, and
    `.batches`: the texts of each batch the scan sent, to check what is judged and what is skipped."""

    class ChatJudge(type(fake_judge)):
        # A child's name, insults, a phone number, a complaint (patterns, each matched as a whole word).
        WORDS = {
            "(?:Olly|Oliver Bennett|Millie)": "naming_child",
            "idiot": "abuse",
            "useless": "abuse",
            r"07\d{3} ?\d{6}": "confidential",
            "disgrace": "complaint",
        }

        def __init__(self):
            super().__init__()
            self.batches: list[list[str]] = []

        def analyse_batch(self, texts, policy, roster=None, *, authors=None):
            self.batches.append(list(texts))
            return super().analyse_batch(texts, policy, roster, authors=authors)

    settings.SCHOOLGATE_JUDGE = judge = ChatJudge()
    return judge


CHAT = """\
12/03/2024, 18:45 - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.
12/03/2024, 18:45 - Dave Smith created group "Year 4 Parents"
12/03/2024, 18:46 - Dave Smith added Kelly Bennett
13/03/2024, 08:02 - Kelly Bennett: Morning all, does anyone know when the trip money is due?
13/03/2024, 08:05 - Ravi Shah: Friday I think
13/03/2024, 08:06 - Dave Smith: Mr Hughes is an idiot, honestly
13/03/2024, 08:07 - Kelly Bennett: Please keep it civil
14/03/2024, 19:30 - +44 7700 900555: Olly was crying again at pickup, ring me on 07700 900123
14/03/2024, 19:31 - Ravi Shah: That's awful
15/03/2024, 09:00 - Dave Smith: <Media omitted>
16/03/2024, 10:00 - Kelly Bennett: The school is a disgrace
16/03/2024, 10:05 - Ravi Shah: See you at the fair
"""


@pytest.fixture
def chat_file(tmp_path):
    path = tmp_path / "WhatsApp Chat with Year 4 Parents.txt"
    path.write_text(CHAT, encoding="utf-8")
    return path


def permission_data(**overrides):
    data = {
        "parent_name": "Kelly Bennett",
        "relation": "member",
        "given_on": "2024-03-17",
        "scope": "Year 4 Parents group, March 2024",
        "purpose": "Concerns raised about messages naming a pupil and abusing a teacher.",
        "confirm": "on",
        "administrator": "",
        "date_order": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def upload(login):
    """upload(content or path, name=..., **form fields) -> response, as the Headteacher."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    def go(content, name="WhatsApp Chat with Year 4 Parents.txt", email="head@stokes-wood.demo", **fields):
        if hasattr(content, "read_bytes"):
            content = content.read_bytes()
        if isinstance(content, str):
            content = content.encode()
        client = login(email)
        return client.post("/stokes-wood/chats/new/", {**permission_data(**fields), "file": SimpleUploadedFile(name, content)})

    return go


@pytest.fixture
def scanned(stokes, fake_judge, upload, chat_file):
    from schoolgate.chats.models import ChatScan

    response = upload(chat_file)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ChatScan.objects.get()
