"""Run by test_login_concurrency.py in a fresh process: twenty simultaneous wrong log-ins against the product's
own SQLite database (a file, WAL, the database cache), printing how many password checks ran.

A fresh process because the test suite's in-memory SQLite cannot take writes from several threads at once.
"""

import json
import os
import sys
import threading
import time

THREADS = 20


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolgate.settings")
    from schoolgate import datadir

    datadir.prepare()
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import get_hasher
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    get_user_model().objects.create_user("head@example.org", email="head@example.org", password="the right password 1")

    hasher = type(get_hasher())
    real_verify = hasher.verify
    checks, lock = [], threading.Lock()

    def verify(self, password, encoded):
        with lock:
            checks.append(1)
        time.sleep(0.2)  # on top of the real hash: a wide window, so the old code's race shows every time
        return real_verify(self, password, encoded)

    hasher.verify = verify
    start = threading.Barrier(THREADS)
    statuses, errors = [], []

    def attack(n):
        try:
            start.wait()
            response = Client().post("/accounts/login/", {"username": "head@example.org", "password": f"guess {n}"},
                                     REMOTE_ADDR="203.0.113.7")
            statuses.append(response.status_code)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attack, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    right = Client().post("/accounts/login/", {"username": "head@example.org", "password": "the right password 1"}, REMOTE_ADDR="203.0.113.7")
    json.dump({"checks": len(checks), "statuses": statuses, "errors": errors, "limit": settings.LOGIN_THROTTLE_ATTEMPTS,
               "right_password_status": right.status_code}, sys.stdout)


if __name__ == "__main__":
    main()
