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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from . import vocabulary as vocab
from .errors import GkparseError
from .normalize import label_key

__all__ = [
    "AgencyIndex", "AgencyMatch", "Aliases", "Identity", "agency_key", "host_of", "is_parent_prefix", "MIN_SHORT_KEY",
]

#: A short form shorter than this (two characters: 财政) names no agency on its own.
MIN_SHORT_KEY = 3

_QUALIFIER = vocab.AGENCY_QUALIFIER
_SPELLINGS = tuple((re.compile(p), r) for p, r in vocab.AGENCY_SPELLINGS)
_GOVERNMENT = re.compile("(?:" + "|".join(vocab.AGENCY_GOVERNMENT_WORDS) + ")$")
_TERRITORY = tuple(vocab.TERRITORY_ENDINGS)


def agency_key(name: str) -> str:
    """The comparison form of an agency name: folded (NFKC, the traditional characters of report labels, no
    whitespace or quotes), bracketed qualifiers dropped, spelling variants unified, and a
    territory's government named by the territory.

    >>> agency_key("平潭综合实验区管理委员会"), agency_key("平潭综合实验区\u3000（本级）")
    ('平潭综合实验区', '平潭综合实验区')
    >>> agency_key("洪泽区人民政府"), agency_key("淮安市洪泽区人民政府办公室")
    ('洪泽区', '淮安市洪泽区政府办公室')
    >>> agency_key("市财政局")
    '市财政局'
    """
    key = _QUALIFIER.sub("", label_key(name))
    for pattern, replacement in _SPELLINGS:
        key = pattern.sub(replacement, key)
    bare = _GOVERNMENT.sub("", key)
    if bare != key and bare.endswith(_TERRITORY):
        key = bare
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


class Aliases:
    """Names known to be one agency: ``alias → agency``, both compared by :func:`agency_key`.

    Read from a CSV with columns ``alias,agency`` or a JSON object ``{alias: agency}``;
    extend with :meth:`add`. An alias wins over every rule.
    """

    def __init__(self, pairs: Optional[Mapping[str, str]] = None) -> None:
        self._keys: dict[str, str] = {}
        self._names: dict[str, str] = {}
        for alias, agency in (pairs or {}).items():
            self.add(alias, agency)

    def add(self, alias: str, agency: str) -> None:
        """Declare ``alias`` a name of ``agency``."""
        target = agency_key(agency)
        self._keys[agency_key(alias)] = target
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
        that cannot be read.
        """
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise GkparseError(f"cannot read the alias table: {exc}", source=str(path)) from None
        if path.suffix.lower() == ".json":
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise GkparseError(f"alias table is not JSON: {exc}", source=str(path)) from None
            if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
                raise GkparseError("alias table must be a JSON object of alias → agency names", source=str(path))
            return cls(data)
        rows = csv.DictReader(text.splitlines())
        if rows.fieldnames is None or not {"alias", "agency"} <= set(rows.fieldnames):
            raise GkparseError("alias table needs the CSV columns alias,agency", source=str(path))
        aliases = cls()
        for line, row in enumerate(rows, start=2):
            alias, agency = (row.get("alias") or "").strip(), (row.get("agency") or "").strip()
            if not alias or not agency:
                raise GkparseError(f"line {line}: an alias and an agency are both needed", source=str(path))
            aliases.add(alias, agency)
        return aliases


@dataclass(frozen=True)
class Identity:
    """Who a report is by, as read: its agency name (title, else 落款), the name's key, and
    the supporting evidence (the site host, the 发布机构)."""

    name: Optional[str]
    key: Optional[str]
    host: Optional[str] = None
    publisher: Optional[str] = None


@dataclass
class AgencyMatch:
    """A decision of :class:`AgencyIndex` worth reviewing: a name taken as another's short
    form (``merged``), or one that fits several agencies and is kept apart (``ambiguous``)."""

    key: str
    status: str  # "merged" or "ambiguous"
    candidates: list[str]
    evidence: str

    def __str__(self) -> str:
        return f"{self.key}: {self.status} ({', '.join(self.candidates)}; {self.evidence})"


@dataclass
class AgencyIndex:
    """Every agency key of a collection, and the key each is recognised as.

    Add the identities first (:meth:`add`), then :meth:`resolve` maps each key to its
    agency: an alias's target; the key itself; or, for a key that is a longer key's end
    after a parent territory (洪泽区 in 淮安市洪泽区), that longer key when exactly one
    candidate fits (after the site host, then the 发布机构 naming a candidate, where known,
    narrow them). A key that fits several stays itself and is listed in :attr:`matches` as
    ambiguous.
    """

    aliases: Aliases = field(default_factory=Aliases)
    names: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    hosts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    publishers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    matches: list[AgencyMatch] = field(default_factory=list)
    _resolved: Optional[dict[str, str]] = None

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
        if identity.host:
            self.hosts[identity.key].add(identity.host)
        if identity.publisher:
            self.publishers[identity.key].add(agency_key(identity.publisher))
        self._resolved = None

    def resolve(self) -> dict[str, str]:
        """``{key: the agency key it is recognised as}`` for every key added."""
        if self._resolved is not None:
            return self._resolved
        self.matches = []
        keys = sorted(self.names)
        resolved = {k: k for k in keys}
        for short in keys:
            if len(short) < MIN_SHORT_KEY or self.aliases.name(short) is not None:
                continue
            longer = [k for k in keys if len(k) > len(short) and k.endswith(short) and is_parent_prefix(k[: -len(short)])]
            if not longer:
                continue
            evidence = "short form after a parent territory"
            if len(longer) > 1 and self.hosts.get(short):
                by_host = [k for k in longer if self.hosts.get(k, set()) & self.hosts[short]]
                if len(by_host) == 1:
                    longer, evidence = by_host, f"site host {sorted(self.hosts[short])[0]}"
            if len(longer) > 1 and self.publishers.get(short):
                by_publisher = [k for k in longer if any(k in p for p in self.publishers[short])]
                if len(by_publisher) == 1:
                    longer, evidence = by_publisher, f"publisher {sorted(self.publishers[short])[0]}"
            if len(longer) == 1:
                resolved[short] = longer[0]
                self.matches.append(AgencyMatch(short, "merged", longer, evidence))
            else:
                self.matches.append(AgencyMatch(short, "ambiguous", longer, "fits several agencies; kept apart"))
        # A chain (区 → 市区 → 省市区) ends at its longest form.
        for key in keys:
            target = resolved[key]
            while resolved[target] != target:
                target = resolved[target]
            resolved[key] = target
        self._resolved = resolved
        return resolved

    def name(self, key: str) -> str:
        """The display name of an agency key: the alias table's, else its most used name
        (the longest on a tie, which keeps the parent territory)."""
        given = self.aliases.name(key)
        if given:
            return given
        counts: dict[str, int] = defaultdict(int)
        for k, target in self.resolve().items():
            if target == key:
                for n, c in self.names[k].items():
                    counts[n] += c
        if not counts:
            return key
        return max(counts, key=lambda n: (counts[n], len(n), n))

    def keys_of(self, identities: Iterable[Identity]) -> list[Optional[str]]:
        resolved = self.resolve()
        return [resolved.get(i.key) if i.key else None for i in identities]
