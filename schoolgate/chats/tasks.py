"""Background tasks: the scan runs in the worker (`schoolgate worker`), never in a web request."""

from django.tasks import task


@task()
def scan_chat(scan_pk: int) -> str:
    from .services import run_scan

    return run_scan(scan_pk).status
