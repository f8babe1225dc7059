"""URL shapes: the normal form used for de-duplication and what a URL's shape says.

>>> normalize_url("HTTP://Www.Example.gov.cn:80/zfxxgknb/index.html#top")
'http://www.example.gov.cn/zfxxgknb/index.html'
>>> host_of("http://x.gov.cn/a/b/c.htm"), directory_of("http://x.gov.cn/a/b/c.htm")
('http://x.gov.cn', 'http://x.gov.cn/a/b/')
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

from ..errors import FetchError
from ..read.profiles import PROFILES

__all__ = [
    "ATTACHMENT_EXTENSIONS",
    "directory_of",
    "host_of",
    "is_article_url",
    "is_attachment_url",
    "is_index_like",
    "normalize_url",
]

#: File extensions of report attachments.
ATTACHMENT_EXTENSIONS: tuple[str, ...] = (
    ".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".ofd",
)

# Characters left as they are in a path (RFC 3986 pchar plus "/"; "%" keeps escapes).
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"
_DEFAULT_PORTS = (("http", 80), ("https", 443))
# File names a column's first page goes by (index.html, default.htm, list_2.html …).
_INDEX_NAME = re.compile(r"(?i)^(?:index|default|list|main)(?:_\d+)?\.\w+$")


def normalize_url(url: str) -> str:
    """Canonical form used for de-duplication: lower-case scheme and host, no default
    port, no fragment, an explicit ``/`` path, unsafe characters percent-encoded.

    Raises :class:`FetchError` for a URL that is not http(s).

    >>> normalize_url("https://example.gov.cn?page=2")
    'https://example.gov.cn/?page=2'
    >>> normalize_url("ftp://example.gov.cn/")
    Traceback (most recent call last):
    ...
    gkparse.errors.FetchError: ftp://example.gov.cn/: not an http(s) URL
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("not an http(s) URL", source=url)
    try:
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"bad port ({exc})", source=url) from None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and (scheme, port) not in _DEFAULT_PORTS:
        host = f"{host}:{port}"
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    query = quote(parts.query, safe=_QUERY_SAFE)
    return urlunsplit((scheme, host, path, query, ""))


def host_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL: the unit robots.txt and the delay apply to."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def directory_of(url: str) -> str:
    """The URL of the directory a URL's path lies in, with a trailing ``/``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path.rsplit('/', 1)[0]}/"


def is_index_like(url: str) -> bool:
    """Whether a URL names a directory or its index page (a column, not an article).

    >>> is_index_like("http://x.gov.cn/zfxxgknb/"), is_index_like("http://x.gov.cn/zfxxgknb/index_2.html")
    (True, True)
    >>> is_index_like("http://x.gov.cn/zfxxgknb/t20240308_1.htm")
    False
    """
    path = urlsplit(url).path
    return path.endswith("/") or bool(_INDEX_NAME.match(path.rsplit("/", 1)[-1]))


def is_attachment_url(url: str) -> bool:
    """Whether a URL names an attachment file, directly or through a download script.

    >>> is_attachment_url("http://x.gov.cn/P0.PDF")
    True
    >>> is_attachment_url("http://x.gov.cn/downfile.jsp?filename=nb.pdf&id=3")
    True
    >>> is_attachment_url("http://x.gov.cn/pdf/index.html")
    False
    """
    parts = urlsplit(url)
    if parts.path.lower().endswith(ATTACHMENT_EXTENSIONS):
        return True
    query = parts.query.lower()
    return any(re.search(re.escape(ext) + r"(?:&|$)", query) for ext in ATTACHMENT_EXTENSIONS)


def is_article_url(url: str) -> bool:
    """Whether a URL has the shape of a single article in a known CMS (a report, not a list).

    >>> is_article_url("http://x.gov.cn/zfxxgknb/202403/t20240308_87885.htm")
    True
    >>> is_article_url("http://x.gov.cn/zfxxgknb/index.html")
    False
    """
    return any(re.search(p, url, re.IGNORECASE) for profile in PROFILES for p in profile.article_url_patterns)
