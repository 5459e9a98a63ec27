"""The sites parents post on, and how each one takes reports: the report-to-host letter names the route.

Small on purpose: the platforms parents at a primary school use. Staff can change the recipient and the
text of the letter; an unknown site gets the general wording and the UK's Report Harmful Content service.
"""

from __future__ import annotations

PLATFORMS: dict[str, dict[str, str]] = {
    "facebook": {
        "name": "Facebook", "owner": "Meta Platforms Ireland Ltd", "words": "facebook fb.com",
        "route": "“Report post” in the post's ⋯ menu (or “Report group” for a group), and Facebook's reporting pages",
        "url": "https://www.facebook.com/help/reportlinks",
    },
    "instagram": {
        "name": "Instagram", "owner": "Meta Platforms Ireland Ltd", "words": "instagram instagr.am",
        "route": "“Report” in the post's ⋯ menu, and Instagram's help centre",
        "url": "https://help.instagram.com",
    },
    "whatsapp": {
        "name": "WhatsApp", "owner": "WhatsApp Ireland Ltd", "words": "whatsapp wa.me",
        "route": "“Report” in the chat or group's information screen, and WhatsApp's help centre",
        "url": "https://faq.whatsapp.com",
    },
    "x": {
        "name": "X (Twitter)", "owner": "X Corp.", "words": "twitter x.com tweet",
        "route": "“Report post” in the post's ⋯ menu, and X's reporting forms",
        "url": "https://help.x.com/en/forms",
    },
    "tiktok": {
        "name": "TikTok", "owner": "TikTok Technology Ltd", "words": "tiktok",
        "route": "“Report” in the video's share menu, and TikTok's online reporting form",
        "url": "https://www.tiktok.com/legal/report",
    },
    "youtube": {
        "name": "YouTube", "owner": "Google Ireland Ltd", "words": "youtube youtu.be",
        "route": "“Report” in the video's ⋯ menu, and YouTube's reporting pages",
        "url": "https://support.google.com/youtube/answer/2802027",
    },
}
OTHER = {
    "name": "the site's host", "owner": "", "words": "",
    "route": "the site's own reporting tools; if the site does not act, the UK Safer Internet Centre's Report Harmful Content service",
    "url": "https://reportharmfulcontent.com",
}


def platform_choices() -> list[tuple[str, str]]:
    return [(key, p["name"]) for key, p in PLATFORMS.items()] + [("other", "Another site")]


def platform(key: str) -> dict[str, str]:
    found = PLATFORMS.get(key, OTHER)
    return {"key": key if key in PLATFORMS else "other", **{k: v for k, v in found.items() if k != "words"}}


def detect(texts) -> dict[str, str]:
    """The first platform any of the case's texts (evidence addresses, labels, the concern) mentions."""
    joined = " ".join(t for t in texts if t).lower()
    for key, p in PLATFORMS.items():
        if any(word in joined for word in p["words"].split()):
            return platform(key)
    return platform("other")
