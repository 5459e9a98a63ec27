"""Response headers every page gets (issue 13 item 5): a Permissions-Policy, and no-store on private pages.

- Permissions-Policy (settings.PERMISSIONS_POLICY) on every response: camera, microphone, geolocation and the
  other powerful features are off, so nothing injected into a page could turn them on.
- `Cache-Control: no-store` on every response to a logged-in user, unless the view chose its own cache
  header: cases, letters, evidence, exports, chat scans and consents are private, and must not be kept by
  the browser (the back button on a shared school computer) or by any cache between it and the server.

Placed just after SecurityMiddleware and before WhiteNoise: static files, answered by WhiteNoise before a
session is read, keep their own long cache headers.
"""

from __future__ import annotations

from django.conf import settings


class PrivatePagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response.headers:
            response.headers["Permissions-Policy"] = policy
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response
