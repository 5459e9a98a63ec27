"""Issue 13 item 1: simultaneous log-in attempts cannot beat the throttle.

Twenty threads post a wrong password for one account at the same moment, against the product's own database
(an SQLite file, transactions and the database cache as in production; `concurrent_login.py`, in a fresh
process), with the password check counted. The count is taken before the check, so at most
LOGIN_THROTTLE_ATTEMPTS checks run. The old code read the count, checked (Argon2, ~300 ms), then wrote
count + 1: the threads all read 0, and twenty checks ran (checked against 7621f31's accounts.py).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

HELPER = Path(__file__).with_name("concurrent_login.py")


def test_parallel_attempts_make_at_most_the_limit_of_password_checks(tmp_path):
    env = {**os.environ, "SCHOOLGATE_DATA_DIR": str(tmp_path / "data"), "LOGIN_THROTTLE_ATTEMPTS": "5",
           "DJANGO_SETTINGS_MODULE": "schoolgate.settings"}
    env.pop("SECRET_KEY", None)
    env.pop("DATABASE_URL", None)  # the helper process migrates its own SQLite file (CI also runs on PostgreSQL)
    done = subprocess.run([sys.executable, str(HELPER)], env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert not result["errors"], result["errors"]
    assert result["statuses"] == [200] * 20
    assert 1 <= result["checks"] <= result["limit"] == 5, f"{result['checks']} password checks for a limit of 5"
    # The right password from that address now waits its cool-down too.
    assert result["right_password_status"] == 200
