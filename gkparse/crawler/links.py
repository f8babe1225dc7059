"""What a fetched page links to: report links, look-alikes and further list pages on a
report column; attachments in a report's body; whether the page is a report itself.

A page is decoded and parsed by lxml once (:func:`parse_page`) and the :class:`Page`
handed to every question asked of it. Whether a link text names a report, a look-alike
or a year is the shared vocabulary's answer (:mod:`gkparse.vocabulary`), so the crawler
and the parser agree on it.

>>> page = parse_page('<title>某县2023年政府信息公开工作年度报告</title>'
...                   '<div id="zoom"><a href="nb.pdf">附件</a></div>', "http://x.gov.cn/nb/1.html")
>>> names_report(page), page_attachments(page)
(True, ['http://x.gov.cn/nb/nb.pdf'])
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin

import lxml.html
from lxml import etree

from ..errors import FetchError, GkparseError
from ..normalize import label_key
from ..read.decode import decode_bytes
from ..read.html import parse_tree, text_content
from ..read.profiles import GENERIC, FormPager, SiteProfile, choose_profile
from ..read.sniff import looks_binary, sniff_form
from ..vocabulary import (
    NEXT_PAGE_TEXTS,
    is_report_title,
    lookalike_reason,
    mentions_report,
    title_year,
)
from .urls import (
    ATTACHMENT_EXTENSIONS,
    directory_of,
    host_of,
    is_article_url,
    is_attachment_url,
    is_index_like,
    normalize_url,
)

__all__ = [
    "FormPage",
    "ListLinks",
    "Page",
    "attachment_links",
    "decode_html",
    "discover_links",
    "is_html",
    "list_links",
    "names_report",
    "page_attachments",
    "parse_page",
]

# A pager script announcing more pages than this is broken; a column never has that many.
_MAX_PAGER_COUNT = 1000
# Headings looked at per tag for a page's own title: the title and main heading come
# first, later ones are section headings and sidebars.
_HEADINGS_PER_TAG = 3
# Arrows decorating "next page" link texts (下一页 >, »).
_NEXT_ARROWS = " >»›"
_CDATA_MARKS = re.compile(r"<!\[CDATA\[|\]\]>")
_NOT_FETCHABLE = re.compile(r"(?i)(javascript|mailto|tel):")
# Bytes looked at to tell what a body is: magic numbers, the doctype or first tag come first.
_SNIFF_BYTES = 1024
# A body that starts as markup does: an XML declaration (XHTML, a Hanweb datastore served
# as text/xml), a doctype, a comment or a tag (<html>, but also a bare fragment such as
# <ul> that a CMS serves as a list page).
_MARKUP_START = re.compile(rb"<(?:\?xml[\s?]|!doctype|!--|[a-z][a-z0-9]*[\s/>])")

def is_html(body: bytes, content_type: str) -> bool:
    """Whether a fetched body is an HTML page: the body decides over the Content-Type (as
    for ``gkparse convert``, :func:`gkparse.read.sniff.sniff_form`): a PDF or an image is
    not one whatever its type, and a body that starts as markup is one even when served as
    ``image/png`` or ``application/pdf`` (an XML declaration counts as markup).

    >>> is_html(b"<ul><li>", "image/png"), is_html(b"%PDF-1.4 <html>", "text/html"), is_html(b"x", "text/html")
    (True, False, True)
    >>> is_html(b'<?xml version="1.0"?><datastore>', "text/xml"), is_html(b"x", "text/xml")
    (True, False)
    """
    content_type = content_type.lower()
    head = body[:_SNIFF_BYTES]
    if sniff_form(head, content_type) is not None or looks_binary(head):
        return False
    if "html" in content_type:
        return True
    return bool(_MARKUP_START.match(head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()))


@dataclass(frozen=True)
class FormPage:
    """A further list page asked for with a form POST (a profile's
    :class:`~gkparse.read.profiles.FormPager`, e.g. Hanweb's ``dataproxy.jsp``): the
    normalised ``url`` with its query, and the ``form`` fields sent as the body
    (``application/x-www-form-urlencoded``, in this order)."""

    url: str
    form: tuple[tuple[str, str], ...]

    @property
    def body(self) -> str:
        """The form body as sent (UTF-8, percent-encoded).

        >>> FormPage("http://x.gov.cn/p.jsp", (("path", "/"), ("columnid", "12"))).body
        'path=%2F&columnid=12'
        """
        return urlencode(self.form)

    @property
    def key(self) -> str:
        """What tells two form pages apart: many columns of a site POST to one proxy URL
        and differ only in their bodies."""
        return f"POST {self.url} {self.body}"


@dataclass(frozen=True)
class Page:
    """A fetched HTML page, decoded and parsed once: its normalised ``url``, the text,
    the lxml ``tree`` (None when the text holds no markup) and the site ``profile``."""

    url: str
    html: str
    tree: etree._Element | None
    profile: SiteProfile


@dataclass
class ListLinks:
    """Links found on a list page: ``reports`` and ``lookalikes`` as (url, text) pairs,
    ``pages`` as further list-page URLs. All URLs absolute and normalised."""

    reports: list[tuple[str, str]] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    lookalikes: list[tuple[str, str]] = field(default_factory=list)
    #: Further list pages asked for by a form POST (Hanweb ``dataproxy.jsp``).
    form_pages: list[FormPage] = field(default_factory=list)
    #: Whether the page is (part of) a report column, where links naming no report are
    #: taken when they are the column's articles (see :func:`list_links`).
    report_column: bool = False


def decode_html(data: bytes) -> str:
    """Decode a fetched page for link discovery, never failing.

    Uses :func:`gkparse.read.decode.decode_bytes` (BOM, then the ``<meta>`` charset with
    any gb* label read as gb18030, then UTF-8, then detection) so the crawler reads pages
    as the parser will; bytes it rejects (empty, binary, undecodable) are read as gb18030
    with replacement characters. HTTP ``Content-Type`` charsets are not passed on:
    government servers often send a default that contradicts the page.

    >>> decode_html('<meta charset="gb2312">年报'.encode("gbk"))[-2:]
    '年报'
    """
    try:
        return decode_bytes(data).text
    except GkparseError:
        return data.decode("gb18030", errors="replace")


def _parse_html(text: str) -> etree._Element | None:
    """The page's tree by the reader's parser (:func:`gkparse.read.html.parse_tree`), or
    None when the text holds no markup: a bad page never stops a crawl."""
    try:
        return parse_tree(text)
    except GkparseError:
        return None


def parse_page(html: str, url: str, profile: SiteProfile | None = None) -> Page:
    """Parse ``html`` fetched from ``url``; ``profile`` defaults to :func:`choose_profile`.

    Raises :class:`FetchError` when ``url`` is not http(s).
    """
    url = normalize_url(url)
    return Page(url, html, _parse_html(html), profile or choose_profile(url, html))


def _profiles_for(profile: SiteProfile) -> tuple[SiteProfile, ...]:
    return (GENERIC,) if profile is GENERIC else (profile, GENERIC)


def _matches_any(patterns: Iterable[str], text: str) -> bool:
    return any(re.search(p, text, re.IGNORECASE) for p in patterns)


def _base_url(tree: etree._Element, page_url: str) -> str:
    for base in tree.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            return urljoin(page_url, str(href))
    return page_url


def _anchors(tree: etree._Element, page_url: str) -> list[tuple[str, str]]:
    """(normalised absolute URL, text) of every http(s) link, including links kept in
    <script> blocks (Hanweb lists render their records from a script datastore)."""
    base = _base_url(tree, page_url)
    elements: list[etree._Element] = list(tree.iter("a"))
    for script in tree.iter("script"):
        source = script.text or ""
        if "<a" not in source:
            continue
        try:
            fragment = lxml.html.fragment_fromstring(_CDATA_MARKS.sub("", source), create_parent="div")
        except (etree.ParserError, ValueError):
            continue
        elements.extend(fragment.iter("a"))
    out = []
    for a in elements:
        href = (a.get("href") or "").strip()
        if not href or href.startswith("#") or _NOT_FETCHABLE.match(href):
            continue
        try:
            url = normalize_url(urljoin(base, href))
        except FetchError:
            continue
        text = " ".join(text_content(a).split())
        title = " ".join((a.get("title") or "").split())
        # Lists often truncate long titles in the text and keep them whole in @title.
        if title and title not in text:
            text = f"{text} {title}".strip()
        out.append((url, text))
    return out


def _is_next_text(text: str) -> bool:
    key = label_key(text)
    return key in NEXT_PAGE_TEXTS or key.strip(_NEXT_ARROWS) in NEXT_PAGE_TEXTS


def list_links(page: Page, *, report_column: bool | None = None) -> ListLinks:
    """Sort the links of a list page into report links, look-alikes and further pages.

    A report link's text (or title) names an annual report, or its URL sits in a report
    column (``report_link_patterns``, e.g. ``/zfxxgknb/``); look-alike texts (notices,
    rules, interpretations, templates) are set apart. On a report column (its URL lies in
    one, or its title names annual reports without a year; ``report_column`` decides
    when given), a link naming no report is taken when it is one of the column's
    articles. Pages are "next page" links, same-directory URLs matching
    ``pagination_patterns``, pages announced by a pager script (``page_count_patterns``)
    and groups of records asked for by a form POST (``form_pager``).

    The answer to a form POST holds records its column page's script puts in that page:
    read it as a :class:`Page` with the column page's URL (links resolve against it, and
    the column's id is read from it) and pass the column's ``report_column``.
    """
    result = ListLinks()
    if page.tree is None:
        return result
    profiles = _profiles_for(page.profile)
    seen: set[str] = {page.url}
    page_dir, page_host = directory_of(page.url), host_of(page.url)
    pagination = [p for prof in profiles for p in prof.pagination_patterns]
    column = [p for prof in profiles for p in prof.report_link_patterns]
    found: dict[str, list[str]] = {}  # candidate report URL -> link texts

    def add_page(url: str) -> None:
        if url not in seen:
            seen.add(url)
            result.pages.append(url)

    if report_column is None:
        report_column = _is_report_column(page)
    result.report_column = report_column
    for url, text in _anchors(page.tree, page.url):
        if url in seen:
            continue
        if _is_next_text(text) and host_of(url) == page_host:
            add_page(url)
            continue
        report_text = mentions_report(text)
        year = title_year(text)
        if directory_of(url) == page_dir and _matches_any(pagination, url) and not (report_text and year):
            add_page(url)
            continue
        if report_text:
            # A column's own nav link ("政府信息公开年报" → ./) names no year.
            candidate = year is not None or not is_index_like(url)
        else:
            candidate = not is_index_like(url) and (
                _matches_any(column, url) or (report_column and _in_column(url, page, text))
            )
        if candidate:
            found.setdefault(url, []).append(text)

    for pattern in page.profile.page_count_patterns:
        for m in re.finditer(pattern, page.html):
            groups = m.groupdict()
            # Pagers count the first page (index.html) too.
            for n in range(1, min(int(groups["count"]), _MAX_PAGER_COUNT)):
                name = page.profile.page_url_template.format(
                    n=n, prefix=groups.get("prefix") or "index", ext=groups.get("ext") or "html"
                )
                add_page(normalize_url(urljoin(page.url, name)))

    result.form_pages = [form for prof in profiles if prof.form_pager for form in _form_pages(page, prof.form_pager)]

    for url, texts in found.items():
        if url in seen:  # turned out to be a list page
            continue
        # The same report is often linked twice (title and "查看", or an image): keep
        # the text that names the report and its year.
        text = max(texts, key=lambda t: (mentions_report(t), title_year(t) is not None, len(t)))
        if lookalike_reason(text):
            result.lookalikes.append((url, text))
        else:
            result.reports.append((url, text))
    return result


def _is_report_column(page: Page) -> bool:
    """Whether the list page is a report column itself: its URL lies in one
    (``report_link_patterns``) or its title or main heading names annual reports without a
    year (``政府信息公开年报``)."""
    column = [p for prof in _profiles_for(page.profile) for p in prof.report_link_patterns]
    if _matches_any(column, page.url):
        return True
    if page.tree is None:
        return False
    titles = [text_content(el) for tag in ("title", "h1", "h2") for el in list(page.tree.iter(tag))[:_HEADINGS_PER_TAG]]
    return any(mentions_report(t) and title_year(t) is None and not lookalike_reason(t) for t in titles)


def _in_column(url: str, page: Page, text: str) -> bool:
    """Whether a link on a report column that names no report is one of the column's
    articles: an article- or attachment-shaped URL on the column's host, under the
    column's directory or of the column's id (``column_id_patterns`` of the page,
    ``article_column_patterns`` of the link), whose text is no look-alike."""
    if host_of(url) != host_of(page.url) or lookalike_reason(text):
        return False
    if not (is_article_url(url) or is_attachment_url(url)):
        return False
    if url.startswith(directory_of(page.url)):
        return True
    profiles = _profiles_for(page.profile)
    column = _first_group(page.url, [p for prof in profiles for p in prof.column_id_patterns], "id")
    article = _first_group(url, [p for prof in profiles for p in prof.article_column_patterns], "id")
    return column is not None and column == article


def _first_group(text: str, patterns: Iterable[str], group: str) -> str | None:
    """The named ``group`` of the first of ``patterns`` found in ``text`` (case-insensitively)."""
    for pattern in patterns:
        found = re.search(pattern, text, re.IGNORECASE)
        if found is not None:
            return found.group(group)
    return None


def _form_pages(page: Page, pager: FormPager) -> list[FormPage]:
    """The groups of records after the first of a column paged by form POSTs: the proxy
    and the column's parameters from the page's link (``pager.link_patterns``), the record
    count, the records per group. At most ``_MAX_PAGER_COUNT`` groups."""
    link = _first_group(page.html, pager.link_patterns, "url")
    count = _first_group(page.html, pager.count_patterns, "count")
    if link is None or count is None:
        return []
    per_page = int(_first_group(page.html, pager.per_page_patterns, "n") or pager.per_page)
    group = per_page * int(_first_group(page.html, pager.group_size_patterns, "n") or pager.group_size)
    if group <= 0:
        return []
    href = urljoin(page.url, link.replace("&amp;", "&"))
    proxy, _, query = href.partition("?")
    form = tuple((k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in pager.range_fields)
    out = []
    for start in range(group + 1, min(int(count), group * _MAX_PAGER_COUNT) + 1, group):
        end = min(start + group - 1, int(count))
        try:
            url = normalize_url(f"{proxy}?{pager.query.format(start=start, end=end, per_page=per_page)}")
        except FetchError:
            return []
        out.append(FormPage(url, form))
    return out


def discover_links(html: str, page_url: str, profile: SiteProfile | None = None) -> ListLinks:
    """:func:`list_links` of an HTML text (``profile`` defaults to :func:`choose_profile`).

    >>> page = '''<ul><li><a href="t20240308_1.htm">某县2023年政府信息公开工作年度报告</a></li>
    ... <li><a href="t20231201_2.htm">关于做好2023年政府信息公开工作年度报告编制发布工作的通知</a></li>
    ... </ul><a href="index_1.html">下一页</a>'''
    >>> links = discover_links(page, "http://x.gov.cn/zfxxgknb/index.html")
    >>> links.reports, links.pages
    ([('http://x.gov.cn/zfxxgknb/t20240308_1.htm', '某县2023年政府信息公开工作年度报告')], ['http://x.gov.cn/zfxxgknb/index_1.html'])
    """
    return list_links(parse_page(html, page_url, profile))


def _body_elements(page: Page) -> list[etree._Element]:
    """The article body by the first profile XPath that finds one, else the whole page."""
    assert page.tree is not None
    for prof in _profiles_for(page.profile):
        for xpath in prof.body_xpaths:
            try:
                found = page.tree.xpath(xpath)
            except etree.XPathError:
                continue
            if found:
                return [el for el in found if isinstance(el, etree._Element)]
    return [page.tree]


def page_attachments(page: Page) -> list[str]:
    """Attachment URLs (.pdf .doc .docx .wps .xls .xlsx .et .ofd) linked or embedded in
    the article body of a report page (the whole page when no body is found)."""
    if page.tree is None:
        return []
    base = _base_url(page.tree, page.url)
    out: list[str] = []
    taken: set[str] = {page.url}  # a set: a page of thousands of links stays linear
    for body in _body_elements(page):
        candidates = [(a.get("href"), text_content(a)) for a in body.iter("a")]
        candidates += [(el.get("src"), "") for el in body.iter("iframe", "embed")]
        candidates += [(el.get("data"), "") for el in body.iter("object")]
        for href, text in candidates:
            href = (href or "").strip()
            if not href or href.startswith("#"):
                continue
            try:
                url = normalize_url(urljoin(base, href))
            except FetchError:
                continue
            named = text.strip().lower().endswith(ATTACHMENT_EXTENSIONS)
            if (named or is_attachment_url(url)) and url not in taken:
                taken.add(url)
                out.append(url)
    return out


def attachment_links(html: str, page_url: str, profile: SiteProfile | None = None) -> list[str]:
    """:func:`page_attachments` of an HTML text.

    >>> attachment_links('<div class="TRS_Editor"><a href="P0.pdf">附件</a></div>',
    ...                  "http://x.gov.cn/a/t20240308_1.htm")
    ['http://x.gov.cn/a/P0.pdf']
    """
    return page_attachments(parse_page(html, page_url, profile))


def names_report(page: Page, *, dated: bool = True) -> bool:
    """Whether the page's title or main heading names a report; with ``dated``, one
    year's report (a column page's title names no year)."""
    if page.tree is None:
        return False
    titles = [str(t) for t in page.tree.xpath("//meta[@name='ArticleTitle']/@content")]
    for tag in ("title", "h1", "h2"):
        titles += [text_content(el) for el in list(page.tree.iter(tag))[:_HEADINGS_PER_TAG]]
    return any(is_report_title(t) and (not dated or title_year(t) is not None) for t in titles)
