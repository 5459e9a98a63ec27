"""Configuration defaults and the `schoolgate` command."""

import subprocess
import sys

import pytest


def test_argon2_is_the_password_hasher():
    # conftest swaps in MD5 per test for speed; the product's setting is read from the module.
    import schoolgate.settings as product

    assert product.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def _settings_in_a_fresh_process(env_extra: dict, code: str) -> list[str]:
    env = {"DJANGO_SETTINGS_MODULE": "schoolgate.settings", "PATH": "/usr/bin:/bin", **env_extra}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.split()


@pytest.mark.parametrize("value, expected", [(None, "False"), ("0", "False"), ("", "False"), ("1", "True"), ("true", "True")])
def test_debug_is_off_unless_asked_for(tmp_path, value, expected):
    env = {"SCHOOLGATE_DATA_DIR": str(tmp_path)} | ({"DEBUG": value} if value is not None else {})
    assert _settings_in_a_fresh_process(env, "from django.conf import settings; print(settings.DEBUG)") == [expected]


def test_reading_the_settings_writes_nothing(tmp_path):
    data = tmp_path / "data"
    _settings_in_a_fresh_process({"SCHOOLGATE_DATA_DIR": str(data)}, "from django.conf import settings; print(settings.DATA_DIR)")
    assert not data.exists()


def test_help_lists_the_commands():
    out = subprocess.run([sys.executable, "-m", "schoolgate", "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("run", "roster import", "analyse", "scan-chat", "audit verify", "demo"):
        assert command in out


def test_secret_key_is_generated_and_kept(tmp_path):
    # What every entry point (the `schoolgate` command, wsgi.py) does before Django starts.
    code = "from schoolgate import datadir; datadir.prepare(); from django.conf import settings; print(settings.SECRET_KEY)"
    env = {"SCHOOLGATE_DATA_DIR": str(tmp_path / "data")}
    first = _settings_in_a_fresh_process(env, code)
    second = _settings_in_a_fresh_process(env, code)
    assert first == second and len(first[0]) > 40
    assert (tmp_path / "data" / "secret_key").read_text().strip() == first[0]
    assert oct((tmp_path / "data" / "secret_key").stat().st_mode)[-3:] == "600"
    # A key given in the environment wins and no file is written.
    assert _settings_in_a_fresh_process({"SCHOOLGATE_DATA_DIR": str(tmp_path / "other"), "SECRET_KEY": "x" * 50}, code) == ["x" * 50]
    assert not (tmp_path / "other" / "secret_key").exists()


def test_static_files_are_served_without_collectstatic(client):
    response = client.get("/static/schoolgate/schoolgate.css")
    assert response.status_code == 200
