"""Configuration defaults and the `schoolgate` command."""

import subprocess
import sys

from django.conf import settings


def test_argon2_is_the_password_hasher():
    # conftest swaps in MD5 per test for speed; the product's setting is read from the module.
    import schoolgate.settings as product

    assert product.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert product.DEBUG is False or settings.DEBUG is False


def test_help_lists_the_commands():
    out = subprocess.run([sys.executable, "-m", "schoolgate", "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("run", "roster import", "analyse", "scan-chat", "audit verify", "demo"):
        assert command in out


def test_secret_key_is_generated_and_kept(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY); print(settings.DEBUG)"
    env = {"SCHOOLGATE_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "schoolgate.settings", "PATH": "/usr/bin:/bin"}
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.split()
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.split()
    assert first[0] == second[0] and len(first[0]) > 40
    assert first[1] == "False"
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_static_files_are_served_without_collectstatic(client):
    response = client.get("/static/schoolgate/schoolgate.css")
    assert response.status_code == 200
