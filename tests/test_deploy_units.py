"""deploy/: the database is set up once by a oneshot unit that the web server, the worker and the daily jobs
require, so several web servers never race on migrations."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / name)
    return parser


def test_setup_is_a_oneshot_unit_of_its_own():
    setup = unit("schoolgate-setup.service")
    assert setup["Service"]["Type"] == "oneshot" and setup["Service"]["RemainAfterExit"] == "yes"
    assert setup["Service"]["ExecStart"].endswith("/schoolgate setup")


@pytest.mark.parametrize("name", ["schoolgate-web.service", "schoolgate-worker.service", "schoolgate-daily.service"])
def test_the_others_require_it_and_never_run_setup_themselves(name):
    text = (DEPLOY / name).read_text()
    service = unit(name)
    assert "schoolgate-setup.service" in service["Unit"]["Requires"].split()
    assert "schoolgate-setup.service" in service["Unit"]["After"].split()
    assert "ExecStartPre" not in service["Service"] and "schoolgate setup" not in text.replace("schoolgate-setup", "")
