"""Issue 14: the judge's name index is built once per roster change, not once per message.

The judge caches its name index by roster object (`judge.names.index_for`); `policies.judging.roster_for`
hands it the same object while the school's roster is unchanged. Before, `School.roster()` made a new
object for every message, so every comment rebuilt the index (`bench/roster.py`: 1.6 s a message with
20,000 people).
"""

from __future__ import annotations

import gc
import weakref

import pytest

from schoolgate.judge import names
from schoolgate.judge.types import Verdict
from schoolgate.policies import judging
from schoolgate.schools.models import Person


class NameFindingJudge:
    """The real name finder (and so the real index cache) behind the judge's interface, without its models."""

    def __init__(self):
        self.rosters = []
        self.mentions = []

    def analyse(self, text, policy, roster=None, *, author=None) -> Verdict:
        self.rosters.append(roster)
        # the roster people the text names
        self.mentions.append([m.person.name for m in names.find_mentions(text, roster, author) if m.person is not None])
        return Verdict(decision="allow", explanation="", scores={}, findings=[])


@pytest.fixture
def judge(settings):
    settings.SCHOOLGATE_JUDGE = found = NameFindingJudge()
    judging._rosters.clear()  # the cache is per process; a test starts from nothing cached
    return found


@pytest.fixture
def builds(monkeypatch):
    built = []
    real = names.NameIndex

    class Counted(real):
        def __init__(self, roster):
            built.append(len(roster))
            super().__init__(roster)

    monkeypatch.setattr(names, "NameIndex", Counted)
    return built


def test_consecutive_messages_reuse_the_index(stokes, judge, builds):
    judging.judge_record(stokes, "Olly was upset at lunch")
    judging.judge_record(stokes, "Thank you Mr Hughes for the trip")
    judging.judge_record(stokes, "Lovely concert")
    assert len(builds) == 1
    assert judge.rosters[0] is judge.rosters[1] is judge.rosters[2]


def test_adding_a_person_rebuilds_the_index(stokes, judge, builds):
    judging.judge_record(stokes, "Zebedee Quint was upset")
    assert judge.mentions[-1] == []
    Person.objects.create(school=stokes, name="Zebedee Quint", kind="pupil", group="Year 4")
    judging.judge_record(stokes, "Zebedee Quint was upset")
    assert judge.mentions[-1] == ["Zebedee Quint"]
    assert len(builds) == 2 and judge.rosters[0] is not judge.rosters[1]


def test_removing_a_person_rebuilds_the_index(stokes, judge, builds):
    judging.judge_record(stokes, "hello")
    # A queryset delete: no model instance saved or deleted by hand in this process's code path.
    Person.objects.filter(school=stokes).order_by("pk").first().delete()
    judging.judge_record(stokes, "hello again")
    assert len(builds) == 2


def test_an_edit_in_place_is_seen_by_this_process_at_once(stokes, judge, builds):
    pupil = Person.objects.filter(school=stokes, kind="pupil").first()
    judging.judge_record(stokes, "Bumblebee was upset")
    assert judge.mentions[-1] == []
    pupil.aliases = [*pupil.aliases, "Bumblebee"]
    pupil.save()
    judging.judge_record(stokes, "Bumblebee was upset")
    assert judge.mentions[-1] == [pupil.name] and len(builds) == 2


def test_an_edit_made_elsewhere_is_seen_at_the_recheck(stokes, judge, builds, settings):
    # An edit another process made (no signal here: a queryset update) keeps the count and the highest id;
    # the full digest, read once the recheck interval has passed, finds it.
    judging.judge_record(stokes, "Bumblebee was upset")
    pupil = Person.objects.filter(school=stokes, kind="pupil").first()
    Person.objects.filter(pk=pupil.pk).update(aliases=[*pupil.aliases, "Bumblebee"])
    judging.judge_record(stokes, "Bumblebee was upset")
    assert judge.mentions[-1] == [] and len(builds) == 1  # within the interval: the cached roster
    settings.SCHOOLGATE_ROSTER_RECHECK_SECONDS = 0
    judging.judge_record(stokes, "Bumblebee was upset")
    assert judge.mentions[-1] == [pupil.name] and len(builds) == 2
    judging.judge_record(stokes, "Bumblebee again")  # rechecked, unchanged: the same index
    assert len(builds) == 2


def test_the_cache_holds_a_bounded_number_of_schools_and_their_indexes_go_with_them(demo, judge, builds, settings):
    settings.SCHOOLGATE_ROSTER_CACHE_SCHOOLS = 1
    stokes, hesket = demo["stokes-wood"], demo["high-hesket"]
    judging.judge_record(stokes, "hello")
    judging.judge_record(hesket, "hello")
    assert list(judging._rosters) == [hesket.pk]
    stokes_roster = weakref.ref(judge.rosters[0])
    judge.rosters.clear()
    gc.collect()
    assert stokes_roster() is None  # dropped from the cache, nothing else holds it ...
    assert all(ref() is not None for ref, _ in names._cache.values())  # ... and its index went with it
