"""Agency identity: one key for the names an agency goes by across years and sources.

A report names its agency in the title (``Report.agency``), sometimes only in the 落款
(``Report.signature.agency``). The same agency is spelt differently across years and forms:
full-width or traditional characters, spaces, a bracketed qualifier, 管理委员会 or 管委会,
洪泽区人民政府 or 洪泽区, with or without the parent territory (淮安市洪泽区). :func:`agency_key`
folds the declared variants (:mod:`gkparse.vocabulary`, "agency names") into one key;
:class:`Aliases` maps names users know to be one agency; :class:`AgencyIndex` recognises a
short form (洪泽区) as a longer one (淮安市洪泽区) only when exactly one candidate fits,
using the report's site host as supporting evidence, and reports every other case as an
ambiguous match instead of merging.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from . import vocabulary as vocab
from .errors import GkparseError
from .normalize import label_key

__all__ = [
    "AgencyIndex", "AgencyMatch", "Aliases", "Identity", "agency_key", "host_of", "site_of", "is_parent_prefix",
    "MIN_SHORT_KEY", "SHARED_SUFFIXES",
]

#: A short form shorter than this (two characters: 财政) names no agency on its own.
MIN_SHORT_KEY = 3
#: Second-level names under which each site registers its own (www.pingtan.gov.cn and
#: zwgk.pingtan.gov.cn are one site, pingtan.gov.cn; example.com.cn likewise).
SHARED_SUFFIXES = frozenset({"gov.cn", "com.cn", "org.cn", "net.cn", "edu.cn", "ac.cn", "gov.hk", "gov.mo"})

_QUALIFIER = vocab.AGENCY_QUALIFIER
_SPELLINGS = tuple((re.compile(p), r) for p, r in vocab.AGENCY_SPELLINGS)
_GOVERNMENT = tuple((re.compile(word + "$"), endings) for word, endings in vocab.AGENCY_GOVERNMENT_WORDS)
_TERRITORY = tuple(vocab.TERRITORY_ENDINGS)


def agency_key(name: str) -> str:
    """The comparison form of an agency name: folded (NFKC, the traditional characters of
    report labels, no whitespace or quotes), bracketed qualifiers of accounts dropped,
    spelling variants unified, and a territory's government named by the territory.

    >>> agency_key("平潭综合实验区管理委员会"), agency_key("平潭综合实验区\u3000（本级）")
    ('平潭综合实验区', '平潭综合实验区')
    >>> agency_key("洪泽区人民政府"), agency_key("淮安市洪泽区人民政府办公室"), agency_key("某县人民政府办")
    ('洪泽区', '淮安市洪泽区政府办公室', '某县政府办公室')
    >>> agency_key("市财政局"), agency_key("北京市城市管理委员会"), agency_key("某县公安局（交通警察支队）")
    ('市财政局', '北京市城市管委会', '某县公安局(交通警察支队)')
    """
    key = _QUALIFIER.sub("", label_key(name))
    for pattern, replacement in _SPELLINGS:
        key = pattern.sub(replacement, key)
    for pattern, endings in _GOVERNMENT:
        bare = pattern.sub("", key)
        if bare != key:
            if bare.endswith(endings):
                key = bare
            break
    return key


def is_parent_prefix(prefix: str) -> bool:
    """True when ``prefix`` (what a long name has before a short one) names a parent territory.

    >>> is_parent_prefix("淮安市"), is_parent_prefix("福建省平潭"), is_parent_prefix("市")
    (True, False, True)
    """
    return prefix.endswith(_TERRITORY)


def host_of(address: Optional[str]) -> Optional[str]:
    """The site host of a URL (``www.`` dropped), None for a path or nothing.

    >>> host_of("http://www.pingtan.gov.cn/a/b.html"), host_of("reports/a.html")
    ('pingtan.gov.cn', None)
    """
    if not address or "://" not in address:
        return None
    host = (urlsplit(address).hostname or "").lower()
    return host.removeprefix("www.") or None


def site_of(host: Optional[str]) -> Optional[str]:
    """The site a host belongs to: its registered name (see :data:`SHARED_SUFFIXES`).

    >>> site_of("zwgk.pingtan.gov.cn"), site_of("pingtan.gov.cn"), site_of("a.example.com"), site_of("127.0.0.1")
    ('pingtan.gov.cn', 'pingtan.gov.cn', 'example.com', '127.0.0.1')
    """
    if not host:
        return None
    labels = host.split(".")
    if all(label.isdigit() for label in labels):
        return host  # an address is its own site
    keep = 3 if ".".join(labels[-2:]) in SHARED_SUFFIXES else 2
    return ".".join(labels[-keep:])


class Aliases:
    """Names known to be one agency: ``alias → agency``, both compared by :func:`agency_key`.

    Read from a CSV with columns ``alias,agency`` or a JSON object ``{alias: agency}``;
    extend with :meth:`add`. An alias wins over every rule, and an agency an alias names is
    one agency whatever sites its reports come from.
    """

    def __init__(self, pairs: Optional[Mapping[str, str]] = None) -> None:
        self._keys: dict[str, str] = {}
        self._names: dict[str, str] = {}
        for alias, agency in (pairs or {}).items():
            self.add(alias, agency)

    def add(self, alias: str, agency: str) -> None:
        """Declare ``alias`` a name of ``agency``; raises ``ValueError`` when ``alias`` is
        already declared a name of another agency."""
        target = agency_key(agency)
        known = self._keys.get(agency_key(alias))
        if known is not None and known != target:
            raise ValueError(f"{alias!r} is already an alias of {self._names.get(known, known)!r}")
        self._keys[agency_key(alias)] = target
        self._keys.setdefault(target, target)
        self._names.setdefault(target, agency.strip())

    def key(self, name: str) -> Optional[str]:
        """The agency key ``name`` is an alias of, if it is one."""
        return self._keys.get(agency_key(name))

    def name(self, key: str) -> Optional[str]:
        """The name the alias table gives the agency of ``key``."""
        return self._names.get(key)

    def __len__(self) -> int:
        return len(self._keys)

    @classmethod
    def load(cls, path: str | Path) -> "Aliases":
        """Read an alias table (``.csv`` with ``alias,agency`` columns, or ``.json``).

        Raises :class:`~gkparse.errors.GkparseError` naming the file and line for a table
        that cannot be read, or that makes one name an alias of two agencies.
        """
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise GkparseError(f"cannot read the alias table: {exc}", source=str(path)) from None
        aliases = cls()
        if path.suffix.lower() == ".json":
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise GkparseError(f"alias table is not JSON: {exc}", source=str(path)) from None
            if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
                raise GkparseError("alias table must be a JSON object of alias → agency names", source=str(path))
            for alias, agency in data.items():
                try:
                    aliases.add(alias, agency)
                except ValueError as exc:
                    raise GkparseError(f"alias table: {exc}", source=str(path)) from None
            return aliases
        rows = csv.DictReader(text.splitlines())
        if rows.fieldnames is None or not {"alias", "agency"} <= set(rows.fieldnames):
            raise GkparseError("alias table needs the CSV columns alias,agency", source=str(path))
        for line, row in enumerate(rows, start=2):
            alias, agency = (row.get("alias") or "").strip(), (row.get("agency") or "").strip()
            if not alias or not agency:
                raise GkparseError(f"line {line}: an alias and an agency are both needed", source=str(path))
            try:
                aliases.add(alias, agency)
            except ValueError as exc:
                raise GkparseError(f"line {line}: {exc}", source=str(path)) from None
        return aliases


@dataclass(frozen=True)
class Identity:
    """Who a report is by, as read: its agency name (title, else 落款), the name's key, and
    the supporting evidence (the site host, the 发布机构)."""

    name: Optional[str]
    key: Optional[str]
    host: Optional[str] = None
    publisher: Optional[str] = None

    @property
    def site(self) -> Optional[str]:
        return site_of(self.host)


@dataclass
class AgencyMatch:
    """A decision of :class:`AgencyIndex` worth reviewing: a name taken as another's short
    form (``merged``), one that fits several agencies and is kept apart (``ambiguous``), or
    one name on several sites kept as several agencies (``split``)."""

    key: str
    status: str  # "merged", "ambiguous" or "split"
    candidates: list[str]
    evidence: str

    def __str__(self) -> str:
        return f"{self.key}: {self.status} ({', '.join(self.candidates)}; {self.evidence})"


#: Between an agency key and the site that tells apart two agencies of one name.
SITE_MARK = "@"


@dataclass
class AgencyIndex:
    """Every agency of a collection, and which reports are one agency's.

    Add the identities first (:meth:`add`), then :meth:`agency_of` gives each report's
    agency id:

    * an alias's target, whatever the sites (the user said so);
    * else the name's key, split by site when reports of that name come from several
      sites (城关镇 is a town in hundreds of counties): ``城关镇@yixian.gov.cn``, listed in
      :attr:`matches` as ``split`` (reports of that name with no site stay apart too);
    * a key that is a longer key's end after a parent territory (洪泽区 in 淮安市洪泽区)
      joins that agency when exactly one candidate fits: candidates on another site than the
      short form's are out, the longest spelling of a chain stands for it, then the
      发布机构 naming a candidate decides. Otherwise the match is ``ambiguous``: kept apart.
    """

    aliases: Aliases = field(default_factory=Aliases)
    names: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    sites: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    publishers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    matches: list[AgencyMatch] = field(default_factory=list)
    _merged: Optional[dict[str, str]] = None

    def identity(self, name: Optional[str], *, host: Optional[str] = None, publisher: Optional[str] = None) -> Identity:
        """The identity of a report by ``name`` (alias table first, then the rules)."""
        if not name or not name.strip():
            return Identity(None, None, host, publisher)
        key = self.aliases.key(name) or agency_key(name)
        return Identity(name.strip(), key or None, host, publisher)

    def add(self, identity: Identity) -> None:
        if identity.key is None:
            return
        counts = self.names[identity.key]
        if identity.name:
            counts[identity.name] = counts.get(identity.name, 0) + 1
        if identity.site:
            self.sites[identity.key].add(identity.site)
        if identity.publisher:
            self.publishers[identity.key].add(agency_key(identity.publisher))
        self._merged = None

    def _split(self, key: str) -> bool:
        return len(self.sites.get(key, ())) > 1 and self.aliases.name(key) is None

    def _own_id(self, identity: Identity) -> Optional[str]:
        key = identity.key
        if key is None:
            return None
        if self._split(key):
            return f"{key}{SITE_MARK}{identity.site}" if identity.site else key
        return key

    def _ids(self, key: str) -> list[tuple[str, set[str]]]:
        """The agency ids of a key, each with its sites."""
        if self._split(key):
            return [(f"{key}{SITE_MARK}{site}", {site}) for site in sorted(self.sites[key])]
        return [(key, set(self.sites.get(key, ())))]

    def resolve(self) -> dict[str, str]:
        """``{agency id: the agency id it is recognised as}`` (short forms merged)."""
        if self._merged is not None:
            return self._merged
        self.matches = []
        keys = sorted(self.names)
        merged: dict[str, str] = {}
        for key in keys:
            if self._split(key):
                self.matches.append(AgencyMatch(
                    key, "split", sorted(self.sites[key]),
                    "one name on several sites: kept as several agencies (an alias joins them)",
                ))
        for short in keys:
            if len(short) < MIN_SHORT_KEY or self.aliases.name(short) is not None or self._split(short):
                continue
            longer = [k for k in keys if len(k) > len(short) and k.endswith(short) and is_parent_prefix(k[: -len(short)])]
            if not longer:
                continue
            # The longest spelling of a chain (洪泽区 < 淮安市洪泽区 < 江苏省淮安市洪泽区) stands for it.
            longer = [k for k in longer if not any(o != k and o.endswith(k) and is_parent_prefix(o[: -len(k)]) for o in longer)]
            mine = self.sites.get(short, set())
            candidates = [(i, s) for k in longer for i, s in self._ids(k)]
            evidence = "short form after a parent territory"
            if mine:
                candidates = [(i, s) for i, s in candidates if not s or s & mine]
                evidence += f", on site {sorted(mine)[0]}"
            if len(candidates) > 1 and self.publishers.get(short):
                by_publisher = [(i, s) for i, s in candidates if any(i.split(SITE_MARK)[0] in p for p in self.publishers[short])]
                if len(by_publisher) == 1:
                    candidates, evidence = by_publisher, f"publisher {sorted(self.publishers[short])[0]}"
            names = [i for i, _ in candidates]
            if len(candidates) == 1:
                merged[short] = names[0]
                self.matches.append(AgencyMatch(short, "merged", names, evidence))
            else:
                why = "fits several agencies" if candidates else "the only candidates are on other sites"
                self.matches.append(AgencyMatch(short, "ambiguous", names or longer, f"{why}; kept apart"))
        self._merged = merged
        return merged

    def agency_of(self, identity: Identity) -> Optional[str]:
        """The agency id of a report's identity (None for a report with no agency name)."""
        own = self._own_id(identity)
        if own is None:
            return None
        merged = self.resolve()
        seen = {own}
        while own in merged and merged[own] not in seen:
            own = merged[own]
            seen.add(own)
        return own

    def name(self, agency: str) -> str:
        """The display name of an agency id: the alias table's, else its most used name
        (the longest on a tie, which keeps the parent territory), with the site of an
        agency told apart by site."""
        key, _, site = agency.partition(SITE_MARK)
        given = self.aliases.name(key)
        if given:
            return given
        merged = self.resolve()
        counts: dict[str, int] = defaultdict(int)
        for k, n in self.names.items():
            if k == key or merged.get(k) == agency:
                for name, c in n.items():
                    counts[name] += c
        best = max(counts, key=lambda n: (counts[n], len(n), n)) if counts else key
        return f"{best} ({site})" if site else best
