"""Where a user-supplied redirect target may send the browser: only to a page on this site.

A `next=` parameter or a Referer header is text anyone can put in a link, and browsers
are lenient about what leads to another host: they drop tabs and newlines anywhere in a
URL (`/<tab>/evil.example` is `//evil.example`), read a backslash as a slash, and take
`//host` as a host. A newline left in a Location header is also a 500 in Werkzeug.

So a target is first cleaned of control characters and spaces, then accepted only as a
path on this site: one leading slash, no second slash or backslash after it, and so no
scheme and no host. It must stay that way percent-decoded and Unicode-normalised too, so
that `/%2F/evil.example` or a full-width solidus (NFKC makes it a slash) cannot become
one in a proxy or a browser further on. Anything else gives the default page. Every
redirect to a user-supplied target goes through `local_target`.
"""

import unicodedata
from urllib.parse import quote, unquote

from flask import request

#: Percent-decodings checked; a target still changing after them is refused.
DECODING_ROUNDS = 3


def local_target(target: str | None, default: str) -> str:
    """The target as a path on this site, or `default` when it could lead anywhere else."""
    if not target:
        return default
    path = _visible(target)
    forms = _decodings(path)
    if forms is None or not all(_is_local_path(form) for form in forms):
        return default
    return "".join(char if char.isascii() else quote(char) for char in path)


def referrer_target(default: str) -> str:
    """The page this request came from when it is on this site, else `default`."""
    referrer = request.referrer or ""
    if not referrer.startswith(request.host_url):
        return default
    return local_target("/" + referrer.removeprefix(request.host_url), default)


def _visible(text: str) -> str:
    """Without control, format and unassigned characters or any kind of space."""
    return "".join(
        char
        for char in text
        if not char.isspace() and not unicodedata.category(char).startswith("C")
    )


def _normal(text: str) -> str:
    return _visible(unicodedata.normalize("NFKC", text))


def _decodings(path: str) -> list[str] | None:
    """The path normalised and each percent-decoding of it until nothing changes.

    None when it still changes after DECODING_ROUNDS: nothing of ours is encoded so deep.
    """
    forms = [_normal(path)]
    for _ in range(DECODING_ROUNDS):
        decoded = _normal(unquote(forms[-1]))
        if decoded == forms[-1]:
            return forms
        forms.append(decoded)
    return None


def _is_local_path(path: str) -> bool:
    return path.startswith("/") and not path.startswith("//") and "\\" not in path
