"""Phone screenshots with known text, drawn by Chromium from HTML laid out like each app (issue 15).

Used by `bench/screenshots.py` and by the tests in tests/screens/: a `Scene` is an app, a theme, a font
and its messages; `render(browser, scenes, folder)` writes one PNG per scene at 390 CSS px wide and a
device scale factor of 2 (a 780 x 1688 image, an iPhone 12-14's screenshot size), and returns each
message's true box in image pixels beside the truth.

The layouts copy what the reader has to cope with, not each app's brand: WhatsApp's bubbles with the
sender's name in colour and the time inside the bubble (Android and iPhone, light and dark), Facebook's
post and its comment bubbles with "2h Like Reply" below, Instagram's "username text" comments, and X's
"Name @handle · 2h" replies. Avatars are plain circles (no letters for the reader to mistake for text).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

WIDTH, HEIGHT, SCALE = 390, 844, 2

APPS = ("whatsapp-android", "whatsapp-iphone", "facebook", "instagram", "x")
FONTS = ("Liberation Sans", "DejaVu Sans", "Liberation Sans Narrow", "DejaVu Serif")
NAME_COLOURS = ("#1f7aec", "#c4532d", "#7f66ff", "#029d00", "#d62976", "#b07c00")


@dataclass
class Msg:
    text: str
    author: str | None = None  # None: the phone's owner (an outgoing bubble), who is not named on screen
    time: str | None = None
    outgoing: bool = False


@dataclass
class Scene:
    name: str
    app: str
    theme: str  # "light" or "dark"
    font: str
    messages: list[Msg]
    title: str = "Year 4 Parents"
    boxes: list[tuple[int, int, int, int]] = field(default_factory=list)  # filled by render()


# -- the apps' layouts ---------------------------------------------------------------------------------

_BASE_CSS = """
* { box-sizing: border-box; margin: 0; padding: 0; }
html, body { width: 390px; height: 844px; overflow: hidden; }
body { font-family: '%(font)s', sans-serif; background: %(page)s; color: %(ink)s; position: relative; }
.status { height: 44px; display: flex; justify-content: space-between; align-items: center; padding: 0 28px;
          font-size: 15px; font-weight: 600; background: %(bar)s; color: %(bar_ink)s; }
.top { background: %(bar)s; color: %(bar_ink)s; padding: 8px 16px; display: flex; align-items: center; gap: 12px;
       border-bottom: 1px solid %(rule)s; }
.top .av { width: 38px; height: 38px; border-radius: 50%%; background: %(avatar)s; flex: none; }
.top .t { font-size: 17px; font-weight: 600; }
.top .s { font-size: 13px; opacity: 0.8; }
.foot { position: absolute; left: 0; right: 0; bottom: 0; height: 84px; background: %(bar)s; padding: 10px 12px;
        border-top: 1px solid %(rule)s; }
.foot .in { background: %(input)s; color: %(muted)s; border-radius: 22px; height: 44px; padding: 12px 18px; font-size: 16px; }
.av { width: 36px; height: 36px; border-radius: 50%%; background: %(avatar)s; flex: none; }
.muted { color: %(muted)s; }
"""

_CHAT_CSS = """
.chat { padding: 10px 14px; display: flex; flex-direction: column; gap: 6px; }
.chip { align-self: center; background: %(chip)s; color: %(muted)s; font-size: 12.5px; padding: 5px 12px; border-radius: 8px; margin: 6px 0; }
.b { max-width: 80%%; padding: 6px 9px 7px 9px; border-radius: 8px; font-size: 15.5px; line-height: 1.3;
     background: %(bubble_in)s; align-self: flex-start; box-shadow: 0 1px 0.5px rgba(0,0,0,0.13); }
.b.out { background: %(bubble_out)s; align-self: flex-end; }
.b .who { font-size: 13.5px; font-weight: 600; margin-bottom: 2px; }
.b .tm { float: right; font-size: 11px; color: %(muted)s; margin: 8px 0 -4px 12px; }
"""

_FEED_CSS = """
.post { padding: 14px 16px; border-bottom: 1px solid %(rule)s; }
.head { display: flex; gap: 10px; align-items: center; margin-bottom: 10px; }
.name { font-weight: 700; font-size: 15px; }
.when { font-size: 13px; color: %(muted)s; }
.body { font-size: 16px; line-height: 1.35; }
.counts { font-size: 14px; color: %(muted)s; padding: 10px 16px; border-bottom: 1px solid %(rule)s; }
.comments { padding: 10px 12px; display: flex; flex-direction: column; gap: 12px; }
.c { display: flex; gap: 8px; align-items: flex-start; }
.cb { background: %(bubble_in)s; border-radius: 18px; padding: 8px 12px; max-width: 300px; }
.cb .name { font-size: 13.5px; }
.cb .text { font-size: 15px; line-height: 1.3; }
.meta { font-size: 12.5px; color: %(muted)s; padding: 4px 12px; display: flex; gap: 16px; font-weight: 600; }
.ig { display: flex; gap: 12px; padding: 4px 0; }
.ig .text { font-size: 14.5px; line-height: 1.35; max-width: 300px; }
.ig .meta { padding: 6px 0 0 0; }
.xr { display: flex; gap: 10px; padding: 12px 14px; border-bottom: 1px solid %(rule)s; }
.xr .line1 { font-size: 15px; }
.xr .handle { color: %(muted)s; }
.xr .text { font-size: 15px; line-height: 1.35; margin-top: 2px; max-width: 320px; }
.xr .acts { color: %(muted)s; font-size: 13px; display: flex; gap: 56px; margin-top: 10px; }
"""

_THEMES = {
    ("whatsapp-android", "light"): dict(page="#efeae2", ink="#111b21", bar="#008069", bar_ink="#ffffff", rule="#008069", input="#ffffff",
                                        muted="#667781", chip="#ffffff", bubble_in="#ffffff", bubble_out="#d9fdd3", avatar="#a5c8c0"),
    ("whatsapp-android", "dark"): dict(page="#0b141a", ink="#e9edef", bar="#1f2c34", bar_ink="#e9edef", rule="#1f2c34", input="#2a3942",
                                       muted="#8696a0", chip="#182229", bubble_in="#1f2c34", bubble_out="#005c4b", avatar="#53606a"),
    ("whatsapp-iphone", "light"): dict(page="#efe7de", ink="#000000", bar="#f6f6f6", bar_ink="#000000", rule="#d0d0d0", input="#ffffff",
                                       muted="#7c7c7c", chip="#e1f0fa", bubble_in="#ffffff", bubble_out="#dcf7c5", avatar="#c7c7cc"),
    ("whatsapp-iphone", "dark"): dict(page="#000000", ink="#ffffff", bar="#1c1c1e", bar_ink="#ffffff", rule="#38383a", input="#2c2c2e",
                                      muted="#8e8e93", chip="#1c1c1e", bubble_in="#262628", bubble_out="#005c4b", avatar="#48484a"),
    ("facebook", "light"): dict(page="#ffffff", ink="#050505", bar="#ffffff", bar_ink="#050505", rule="#ced0d4", input="#f0f2f5",
                                muted="#65676b", chip="#f0f2f5", bubble_in="#f0f2f5", bubble_out="#f0f2f5", avatar="#bcc0c4"),
    ("facebook", "dark"): dict(page="#242526", ink="#e4e6eb", bar="#242526", bar_ink="#e4e6eb", rule="#3e4042", input="#3a3b3c",
                               muted="#b0b3b8", chip="#3a3b3c", bubble_in="#3a3b3c", bubble_out="#3a3b3c", avatar="#4e4f50"),
    ("instagram", "light"): dict(page="#ffffff", ink="#000000", bar="#ffffff", bar_ink="#000000", rule="#dbdbdb", input="#efefef",
                                 muted="#737373", chip="#efefef", bubble_in="#efefef", bubble_out="#efefef", avatar="#c8c8c8"),
    ("instagram", "dark"): dict(page="#000000", ink="#f5f5f5", bar="#000000", bar_ink="#f5f5f5", rule="#262626", input="#262626",
                                muted="#a8a8a8", chip="#262626", bubble_in="#262626", bubble_out="#262626", avatar="#363636"),
    ("x", "light"): dict(page="#ffffff", ink="#0f1419", bar="#ffffff", bar_ink="#0f1419", rule="#eff3f4", input="#eff3f4",
                         muted="#536471", chip="#eff3f4", bubble_in="#eff3f4", bubble_out="#eff3f4", avatar="#cfd9de"),
    ("x", "dark"): dict(page="#000000", ink="#e7e9ea", bar="#000000", bar_ink="#e7e9ea", rule="#2f3336", input="#202327",
                        muted="#71767b", chip="#202327", bubble_in="#202327", bubble_out="#202327", avatar="#333639"),
}


def _e(text: str) -> str:
    return html.escape(text)


def scene_html(scene: Scene) -> str:
    colours = dict(_THEMES[(scene.app, scene.theme)], font=scene.font)
    css = _BASE_CSS % colours + (_CHAT_CSS if scene.app.startswith("whatsapp") else _FEED_CSS) % colours
    status = '<div class="status"><span>9:41</span><span>5G 87%</span></div>'
    if scene.app.startswith("whatsapp"):
        top = (f'<div class="top"><div class="av"></div><div><div class="t">{_e(scene.title)}</div>'
               f'<div class="s">tap here for group info</div></div></div>')
        parts, names, previous = ['<div class="chip">Today</div>'], {}, None
        for i, m in enumerate(scene.messages):
            who = ""
            # As in WhatsApp, a sender's name heads only the first of their bubbles in a row.
            if not m.outgoing and m.author and m.author != previous:
                colour = names.setdefault(m.author, NAME_COLOURS[len(names) % len(NAME_COLOURS)])
                who = f'<div class="who" style="color: {colour}">{_e(m.author)}</div>'
            previous = None if m.outgoing else m.author
            parts.append(f'<div class="b{" out" if m.outgoing else ""}" id="m{i}">{who}<span class="tx">{_e(m.text)}</span>'
                         f'<span class="tm">{_e(m.time or "")}</span></div>')
        main = f'<div class="chat">{"".join(parts)}</div>'
        foot = '<div class="foot"><div class="in">Message</div></div>'
    elif scene.app == "facebook":
        top = '<div class="top"><div class="t">Comments</div></div>'
        post, *comments = scene.messages
        main = (f'<div class="post" id="m0"><div class="head"><div class="av"></div><div><div class="name">{_e(post.author)}</div>'
                f'<div class="when">{_e(post.time)}</div></div></div><div class="body">{_e(post.text)}</div></div>'
                f'<div class="counts">{len(comments)} comments</div><div class="comments">')
        for i, m in enumerate(comments, start=1):
            main += (f'<div><div class="c"><div class="av"></div><div class="cb" id="m{i}"><div class="name">{_e(m.author)}</div>'
                     f'<div class="text">{_e(m.text)}</div></div></div>'
                     f'<div class="meta" style="margin-left: 44px"><span>{_e(m.time)}</span><span>Like</span><span>Reply</span></div></div>')
        main += "</div>"
        foot = '<div class="foot"><div class="in">Write a comment</div></div>'
    elif scene.app == "instagram":
        top = '<div class="top"><div class="t">Comments</div></div>'
        main = '<div class="comments">'
        for i, m in enumerate(scene.messages):
            main += (f'<div class="ig"><div class="av"></div><div><div class="text" id="m{i}"><b>{_e(m.author)}</b> {_e(m.text)}</div>'
                     f'<div class="meta"><span>{_e(m.time)}</span><span>Reply</span></div></div></div>')
        main += "</div>"
        foot = '<div class="foot"><div class="in">Add a comment</div></div>'
    else:  # x
        top = '<div class="top"><div class="t">Post</div></div>'
        main = ""
        for i, m in enumerate(scene.messages):
            handle = "@" + "".join(ch for ch in (m.author or "").lower() if ch.isalnum())[:14]
            main += (f'<div class="xr"><div class="av"></div><div id="m{i}"><div class="line1"><b>{_e(m.author)}</b> '
                     f'<span class="handle">{handle} · {_e(m.time)}</span></div><div class="text">{_e(m.text)}</div></div></div>'
                     )
        foot = '<div class="foot"><div class="in">Post your reply</div></div>'
    return (f'<!doctype html><html><head><meta charset="utf-8"><style>{css}</style></head>'
            f'<body>{status}{top}{main}{foot}</body></html>')


def render(browser, scenes: list[Scene], folder: Path) -> list[Path]:
    """One PNG per scene in `folder`; fills each scene's `boxes` (image pixels, one per message)."""
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=SCALE)
    page = context.new_page()
    paths = []
    try:
        for scene in scenes:
            page.set_content(scene_html(scene))
            scene.boxes = []
            for i in range(len(scene.messages)):
                r = page.eval_on_selector(f"#m{i}", "e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }")
                if r[1] + r[3] > HEIGHT - 84:
                    raise ValueError(f"scene {scene.name}: message {i} runs under the input bar; use fewer or shorter messages")
                scene.boxes.append(tuple(round(v * SCALE) for v in r))
            path = folder / f"{scene.name}.png"
            page.screenshot(path=str(path))
            paths.append(path)
    finally:
        context.close()
    return paths


def launch(playwright, chromium: str = "/usr/bin/chromium"):
    """Debian's Chromium, as tests/browser/conftest.py launches it (never `playwright install`)."""
    return playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu", "--no-first-run"])


# -- a set of scenes -------------------------------------------------------------------------------------

_CHAT_LINES = [
    Msg("Has anyone heard back from the school about the trip?", "Sarah Jones", "08:12"),
    Msg("Not yet, I emailed the office on Monday.", None, "08:14", outgoing=True),
    Msg("Mr Clarke is a liar, he told us the coach was booked weeks ago and now it is cancelled.", "Dave Patel", "08:20"),
    Msg("Please can we keep this kind to the staff", "Amira Khan", "08:21"),
    Msg("Honestly the head is useless", "Dave Patel", "08:25"),
    Msg("I will ask at pick up today and let everyone know what they say.", None, "08:31", outgoing=True),
    Msg("Thanks, that would be really helpful", "Sarah Jones", "08:33"),
]

_FEED_LINES = [
    Msg("Another letter home about uniform. Does the school think we are made of money?", "Karen Walsh", "3h"),
    Msg("The new head is an idiot, nothing has gone right since she started.", "Dave Patel", "2h"),
    Msg("Please raise it with the office rather than here", "Amira Khan", "2h"),
    Msg("Agreed, the staff work very hard", "Sarah Jones", "1h"),
    Msg("My son says Mr Clarke stole his phone", "Lee Turner", "45m"),
]


def default_scenes() -> list[Scene]:
    """The bench's set: every app in light and dark, each in several fonts (40 screenshots)."""
    scenes = []
    n = 0
    for app in APPS:
        for theme in ("light", "dark"):
            for k, font in enumerate(FONTS):
                n += 1
                if app.startswith("whatsapp"):
                    start = (n * 2) % len(_CHAT_LINES)
                    msgs = [_CHAT_LINES[(start + j) % len(_CHAT_LINES)] for j in range(5)]
                elif app == "facebook":
                    msgs = [_FEED_LINES[0]] + [_FEED_LINES[1 + (k + j) % 4] for j in range(3)]
                else:
                    msgs = [_FEED_LINES[(k + j) % len(_FEED_LINES)] for j in range(4)]
                    if app == "instagram":  # Instagram shows usernames, not names
                        msgs = [Msg(m.text, m.author.lower().replace(" ", "."), m.time) for m in msgs]
                scenes.append(Scene(f"{n:02d}-{app}-{theme}-{font.replace(' ', '')}", app, theme, font,
                                    [Msg(m.text, m.author, m.time, m.outgoing) for m in msgs]))
    return scenes
