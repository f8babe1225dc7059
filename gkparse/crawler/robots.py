"""robots.txt as the crawl obeys it: which group applies (:func:`robots_token`), what an
answer means (:func:`robots_from_answer`) and what the rules allow (:class:`Robots`).

The rules are read by Protego, the RFC 9309 parser Scrapy uses (the most specific
``Allow``/``Disallow`` wins, ``*`` wildcards, the ``$`` end anchor, the group of the
crawler's product token else ``*``). What the *status* of robots.txt means is gkparse's
own reading (Scrapy's allows everything on 5xx and on 401/403): a 2xx body holds the rules;
401/403, 5xx, a redirect chain that ends on a redirect, no answer or a file over
``ROBOTS_MAX_BYTES`` keep the host out; any other 4xx means there is none.

>>> robots = robots_from_answer(200, b"User-agent: *\\nDisallow: /private/\\nCrawl-delay: 3\\n")
>>> robots.allows("http://x.gov.cn/private/a.htm", "gkparse"), robots.crawl_delay("gkparse")
(False, 3.0)
>>> robots_from_answer(503, b"").unavailable
'robots.txt unavailable (HTTP 503)'
>>> robots_from_answer(404, b"User-agent: *\\nDisallow: /\\n").allows("http://x.gov.cn/a", "gkparse")
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from protego import Protego

__all__ = ["Robots", "robots_from_answer", "robots_token", "robots_unavailable"]

# The product token a robots.txt group names (RFC 9309 section 2.2.1: letters, "_" and "-"),
# at the start of the User-Agent sent (``gkparse/0.1.0 (+https://…)``).
_PRODUCT_TOKEN = re.compile(r"[A-Za-z_-]+")
# A robots.txt status that means "keep out of this host for now": a guarded file (401/403,
# as urllib.robotparser and earlier versions of this crawler read it). 5xx and redirects
# are tested by range below. Every other 4xx means "no robots.txt" (RFC 9309 2.3.1.3).
_KEEP_OUT = frozenset({401, 403})


def robots_token(agent: str) -> str:
    """The name robots.txt groups are matched against for the User-Agent ``agent``: its
    first product token, lower-cased (RFC 9309 section 2.2.1), so that the address in
    ``gkparse/0.1.0 (+https://pypi.org/project/gkparse/)`` never makes a ``User-agent: pypi``
    group apply.

    >>> robots_token("gkparse/0.1.0 (+https://pypi.org/project/gkparse/)"), robots_token("Probe-Bot/2")
    ('gkparse', 'probe-bot')
    """
    found = _PRODUCT_TOKEN.match(agent.strip())
    return (found.group() if found else agent.strip()).lower()


@dataclass(frozen=True)
class Robots:
    """A host's robots.txt as the crawl obeys it: the ``rules`` (Protego), or
    ``unavailable``: why the whole host is kept out (HTTP 401/403 or 5xx, unreachable,
    larger than ``ROBOTS_MAX_BYTES``, a redirect chain that ends nowhere)."""

    rules: Protego
    unavailable: str = ""

    def allows(self, url: str, token: str) -> bool:
        """Whether the robot named ``token`` (see :func:`robots_token`) may fetch ``url``."""
        return not self.unavailable and self.rules.can_fetch(url, token)

    def crawl_delay(self, token: str) -> float | None:
        """The ``Crawl-delay`` of the group that applies to ``token``, in seconds, or None."""
        delay = self.rules.crawl_delay(token)
        return None if delay is None else float(delay)


def robots_unavailable(why: str) -> Robots:
    """Robots that keep the whole host out, saying ``robots.txt unavailable (why)``."""
    return Robots(Protego.parse(""), f"robots.txt unavailable ({why})")


def robots_from_answer(status: int, body: bytes) -> Robots:
    """What the final answer to ``/robots.txt`` (after redirects) means: a 2xx body read as
    UTF-8 (a byte-order mark dropped) is the rules; 401/403, 3xx (a chain that ended on a
    redirect) and 5xx keep the host out; any other 4xx allows everything."""
    if 200 <= status < 300:
        return Robots(Protego.parse(body.decode("utf-8-sig", errors="replace")))
    if status in _KEEP_OUT or status >= 500 or 300 <= status < 400:
        return robots_unavailable(f"HTTP {status}")
    return Robots(Protego.parse(""))
