"""Screenshots read offline: image -> messages (author, time, text, box). A pure library, no Django (issue 15)."""
