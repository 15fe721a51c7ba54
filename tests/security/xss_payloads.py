"""Script-injection payloads for every free-text field (the XSS corpus of the security battery).

Each payload carries a marker, ``xss<field>_<n>``, as the id of any element it would create
(or inside any script it would run), so a page that lets one through shows exactly which
field and which payload. Payloads that would fetch something name ``{canary}``, a local
server that counts requests: nothing should ever reach it. The template-injection strings
all evaluate to ``=49=`` if any template engine runs them, and to themselves otherwise.

Payloads are ordered most telling first, so a short field tries the classic breakouts before
the rarer tricks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

MARKER_PREFIX = "xss"
TEMPLATE_RESULT = "=49="


@dataclass(frozen=True)
class Payload:
    name: str
    template: str  # {id}: the marker; {canary}: the counting server's base URL

    def text(self, marker: str, canary: str) -> str:
        return self.template.replace("{id}", marker).replace("{canary}", canary)

    @property
    def is_ascii(self) -> bool:
        return self.template.isascii()


PAYLOADS: tuple[Payload, ...] = (
    # Script tags and the classic event handlers.
    Payload("img onerror", '<img id={id} src=x onerror=alert("{id}")>'),
    Payload("script tag", '<script id={id}>alert("{id}")</script>'),
    Payload("attribute breakout, double quote", '"><img id={id} src=x onerror=alert("{id}")>'),
    Payload("attribute breakout, single quote", "'><img id={id} src=x onerror=alert('{id}')>"),
    Payload("svg onload", '<svg id={id} onload=alert("{id}")>'),
    Payload("attribute injection", '" id="{id}" autofocus onfocus="alert(1)" x="'),
    Payload("attribute injection, single", "' id='{id}' onmouseover='alert(1)' x='"),
    Payload("textarea breakout", '</textarea><img id={id} src=x onerror=alert("{id}")>'),
    Payload("title breakout", "</title><img id={id} src=x onerror=alert(1)>"),
    Payload("script breakout", '</script><img id={id} src=x onerror=alert("{id}")>'),
    Payload("mixed-case script", '<ScRiPt id={id}>alert("{id}")</sCrIpT>'),
    Payload("javascript: link", '<a id={id} href="javascript:alert(1)">go</a>'),
    Payload("javascript: URL alone", "javascript:alert(document.domain)//{id}"),
    Payload("javascript: entity-encoded", "&#106;avascript:alert(1)//{id}"),
    Payload("template {{ }}", "={{7*7}}={id}"),
    Payload("template ${ }", "=${7*7}={id}"),
    Payload("template {% %}", "={% widthratio 7 1 7 %}={id}"),
    Payload("template #{ } and <%= %>", "=#{7*7}= =<%= 7*7 %>={id}"),
    Payload("svg script", '<svg><script id={id}>alert("{id}")</script></svg>'),
    Payload("svg animate", "<svg><animate id={id} onbegin=alert(1) attributeName=x dur=1s>"),
    Payload("details ontoggle", "<details id={id} open ontoggle=alert(1)>"),
    Payload("input autofocus", "<input id={id} autofocus onfocus=alert(1)>"),
    Payload("body onload", "<body id={id} onload=alert(1)>"),
    Payload("iframe javascript", '<iframe id={id} src="javascript:alert(1)"></iframe>'),
    Payload("iframe srcdoc", "<iframe id={id} srcdoc=\"<script>alert('{id}')</script>\"></iframe>"),
    Payload("form action", '<form id={id} action="javascript:alert(1)"><button>go</button></form>'),
    Payload("math link", '<math><a id={id} xlink:href="javascript:alert(1)">go</a></math>'),
    Payload("object data", '<object id={id} data="data:text/html,<script>alert(1)</script>">'),
    Payload("htmx attributes", '<div id={id} hx-get="/accounts/logout/" hx-trigger="load">'),
    Payload("comment breakout", "--><img id={id} src=x onerror=alert(1)>"),
    Payload("style breakout", "</style><img id={id} src=x onerror=alert(1)>"),
    Payload("cdata breakout", "]]><img id={id} src=x onerror=alert(1)>"),
    Payload("select breakout", "</option></select><img id={id} src=x onerror=alert(1)>"),
    Payload(
        "noscript mutation",
        '<noscript><p title="</noscript><img id={id} src=x onerror=alert(1)>">',
    ),
    Payload(
        "math/style mutation",
        "<math><mtext><table><mglyph><style><img id={id} src=x onerror=alert(1)>",
    ),
    # Things that would fetch from elsewhere: the canary counts any request.
    Payload("remote image", '<img id={id} src="{canary}/img">'),
    Payload("remote stylesheet", '<link id={id} rel=stylesheet href="{canary}/css">'),
    Payload("style import", '<style id={id}>@import url("{canary}/import");</style>'),
    Payload("base href", '<base id={id} href="{canary}/">'),
    Payload("meta refresh", '<meta id={id} http-equiv="refresh" content="0;url={canary}/meta">'),
    # Unicode tricks: look-alike brackets, invisible and direction characters, encodings.
    Payload("full-width brackets", "\uff1cimg id={id} src=x onerror=alert(1)\uff1e"),
    Payload("RTL override", "\u202e<img id={id} src=x onerror=alert(1)>\u202c"),
    Payload("zero-width inside tag", "<scr\u200bipt id={id}>alert(1)</scr\u200bipt>"),
    Payload("URL-encoded", "%3Cimg%20id%3D{id}%20src%3Dx%20onerror%3Dalert(1)%3E"),
    Payload("entity-encoded", "&lt;img id={id} src=x onerror=alert(1)&gt;"),
    Payload("JS-escaped", "\\u003cimg id={id} src=x onerror=alert(1)\\u003e"),
    Payload("long s", "<\u017fcript id={id}>alert(1)</\u017fcript>"),
    Payload("dotted I", "<\u0130MG id={id} src=x onerror=alert(1)>"),
)


def marker(field_number: int, payload_number: int) -> str:
    return f"{MARKER_PREFIX}{field_number}_{payload_number}"


@dataclass(frozen=True)
class Batch:
    """Several payloads joined into one field's value."""

    text: str
    tried: tuple[tuple[int, str], ...]  # (payload number, marker) of each payload in it


def batches(field_number: int, max_length: int | None, canary: str) -> Iterator[Batch]:
    """The corpus cut into values no longer than the field allows, most telling payloads first.

    A payload longer than the field on its own is left out (the form would refuse it).
    """
    limit = max_length or 100_000
    text, tried = "", []
    for number, payload in enumerate(PAYLOADS):
        mark = marker(field_number, number)
        piece = payload.text(mark, canary)
        if len(piece) > limit:
            continue
        joined = f"{text} {piece}" if text else piece
        if len(joined) > limit:
            yield Batch(text, tuple(tried))
            text, tried = piece, []
        else:
            text = joined
        tried.append((number, mark))
    if tried:
        yield Batch(text, tuple(tried))
