"""Which addresses a crawl may reach.

A crawled page or redirect must not make the crawler fetch loopback, private, link-local,
shared (CGNAT) or reserved addresses (a cloud instance's metadata service at
169.254.169.254, an intranet), which would end up in a WARC that is then shared. The
crawl checks every hop's host when it is an IP literal or a ``localhost`` name
(:func:`host_kind`, in :class:`gkparse.crawler.middlewares.AddressGuard`), and the
addresses a host name *resolves to* when the connection is opened (:func:`refusal`, in
:class:`gkparse.crawler.middlewares.GuardedResolver`, which hands Twisted only the
addresses it checked), so a name that resolves to a public address once and to a private
one later (DNS rebinding) is refused too. The hosts of the start URLs the user named are
exempt (a local test site still crawls), and so is everything with ``allow_private``.

>>> host_kind("169.254.169.254"), host_kind("100.64.0.1"), host_kind("localhost"), host_kind("[::1]")
('link-local', 'shared (CGNAT)', 'loopback', 'loopback')
>>> host_kind("0x7f.1"), host_kind("example.gov.cn"), host_kind("8.8.8.8")
('loopback', None, None)
"""

from __future__ import annotations

import ipaddress
import re
import socket
import unicodedata
import urllib.request
from collections.abc import Iterable
from urllib.parse import urlsplit

from ..errors import FetchError

__all__ = [
    "AddressRefused",
    "address_kind",
    "env_proxied",
    "host_kind",
    "host_names",
    "idna_host",
    "refusal",
    "resolve_host",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_RFC1918 = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
# Numeric host spellings that inet_aton (and so getaddrinfo) reads as IPv4: 2130706433,
# 0x7f.1, 127.1, 0177.0.0.1.
_LEGACY_IPV4 = re.compile(r"(?i)(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}")
# What to tell the user about a refusal.
_HINT = "(allow with --allow-private)"


def address_kind(ip: IPAddress) -> str | None:
    """The kind of a non-public address (``loopback``, ``private`` …), None for a public one.

    >>> address_kind(ipaddress.ip_address("10.1.2.3")), address_kind(ipaddress.ip_address("::ffff:127.0.0.1"))
    ('private', 'loopback')
    >>> address_kind(ipaddress.ip_address("fd00::1")), address_kind(ipaddress.ip_address("223.5.5.5"))
    ('unique-local', None)
    """
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if isinstance(ip, ipaddress.IPv4Address):
        if ip in _CGNAT:
            return "shared (CGNAT)"
        if any(ip in net for net in _RFC1918):
            return "private"
    elif ip in _UNIQUE_LOCAL:
        return "unique-local"
    if ip.is_private or ip.is_reserved or not ip.is_global:
        return "reserved"
    return None


def _literal(host: str) -> IPAddress | None:
    """The address a host spells out, if it is an IP literal (legacy IPv4 forms included)."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if _LEGACY_IPV4.fullmatch(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def _plain(host: str) -> str:
    return host.strip("[]").rstrip(".").lower()


def host_kind(host: str) -> str | None:
    """The kind of non-public address a host names by itself (an IP literal, or
    ``localhost`` and its subdomains, loopback by RFC 6761), without resolving it."""
    host = _plain(host)
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    ip = _literal(host)
    return address_kind(ip) if ip is not None else None


def idna_host(host: str) -> str:
    """``host`` as a request names it on the wire: a non-ASCII name NFKC-normalised and
    IDNA-encoded by Python's ``idna`` codec (IDNA 2003, as w3lib encodes the URLs of
    Scrapy's requests), unchanged when that fails (an empty or over-long label), as
    w3lib leaves it.

    >>> idna_host("政府.cn"), idna_host("faß.de"), idna_host("ｅｘａｍｐｌｅ.cn"), idna_host("x.gov.cn")
    ('xn--mxtq1m.cn', 'fass.de', 'example.cn', 'x.gov.cn')
    """
    if host.isascii():
        return host
    try:
        return unicodedata.normalize("NFKC", host).encode("idna").decode("ascii")
    except UnicodeError:
        return host


def host_names(url: str) -> set[str]:
    """The spellings of a URL's host compared with a hop's or a connection's host: as
    written (lower case) and as the request names it (:func:`idna_host`). Empty for a
    URL without a host or that cannot be split (a bad IPv6 literal)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return set()
    return {_plain(host), _plain(idna_host(host))} - {""}


def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, in the resolver's order (raises OSError)."""
    out: list[str] = []
    for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        address = str(sockaddr[0]).split("%", 1)[0]
        if address not in out:
            out.append(address)
    return out


def env_proxied() -> bool:
    """Whether the environment names an HTTP proxy (which Scrapy's HttpProxyMiddleware then uses)."""
    proxies = urllib.request.getproxies()
    return any(proxies.get(scheme) for scheme in ("http", "https", "all"))


class AddressRefused(FetchError):
    """A URL's host is, or resolves to, a non-public address outside the start hosts.

    >>> print(AddressRefused("10.0.0.1", "private").at("http://x.gov.cn/a", redirected_to="http://10.0.0.1/"))
    http://x.gov.cn/a: redirected to http://10.0.0.1/: refused: 10.0.0.1 is a private address (allow with --allow-private)
    """

    def __init__(
        self, host: str, kind: str, address: str | None = None, *, source: str | None = None,
        redirected_to: str | None = None,
    ) -> None:
        self.host, self.kind, self.address = host, kind, address
        if address is None or _plain(address) == _plain(host):
            what = f"{host} is a {kind} address"
        else:
            what = f"{host} resolves to {address}, a {kind} address"
        reason = f"refused: {what} {_HINT}"
        if redirected_to is not None:
            reason = f"redirected to {redirected_to}: {reason}"
        super().__init__(reason, source=source or host)

    def at(self, source: str, *, redirected_to: str | None = None) -> AddressRefused:
        """The same refusal, for the URL ``source`` asked for (after a redirect to
        ``redirected_to``, when given)."""
        return AddressRefused(self.host, self.kind, self.address, source=source, redirected_to=redirected_to)


def refusal(host: str, addresses: Iterable[str]) -> tuple[list[str], AddressRefused | None]:
    """The public ones among ``addresses`` (of ``host``), and the refusal to raise when
    there is none."""
    public: list[str] = []
    refused: AddressRefused | None = None
    for address in addresses:
        ip = _literal(address)
        kind = address_kind(ip) if ip is not None else None
        if kind is None:
            public.append(address)
        elif refused is None:
            refused = AddressRefused(host, kind, address)
    return public, (None if public else refused)
