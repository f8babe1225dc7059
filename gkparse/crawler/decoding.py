"""Response bodies decoded from their Content-Encoding within a size cap.

A decoder that inflates each coding in full before checking a size, through every coding
stacked in the header, lets a few KiB of ``Content-Encoding: gzip, gzip`` inflate to
gigabytes first (Scrapy's own decompression knows one coding and no stacking). Here the
raw bytes are inflated step by step
(``zlib``'s ``max_length``): no stage ever produces more than ``limit`` bytes, nor more
than :data:`INFLATE_STEP` at a time, so memory stays a small multiple of the cap and the
work stops as soon as the cap is passed.

>>> import gzip
>>> data = gzip.compress(gzip.compress(b"report " * 100))
>>> b"".join(decode_stream([data[:10], data[10:]], content_codings(["gzip, gzip"]), limit=700)) == b"report " * 100
True
>>> b"".join(decode_stream([data], ["gzip", "gzip"], limit=699))
Traceback (most recent call last):
...
gkparse.crawler.decoding.BodyError: response too large (more than 699 bytes once decoded from gzip, gzip)
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence

from .settings import MAX_CONTENT_CODINGS

__all__ = ["INFLATE_STEP", "BodyError", "content_codings", "decode_body", "decode_stream"]

#: Most bytes one inflate call may produce: small enough that a bomb never holds much
#: more than the cap in memory, large enough that a real body needs few calls.
INFLATE_STEP = 64 * 1024

_GZIP_MAGIC = b"\x1f\x8b"
# Codings decoded here, by their names in Content-Encoding.
_CODINGS = ("gzip", "x-gzip", "deflate")


class BodyError(Exception):
    """A body that cannot be taken: too large, or in a coding that cannot be decoded."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def content_codings(values: Iterable[str]) -> list[str]:
    """The codings of Content-Encoding header values, in the order the server applied
    them (``identity`` left out). Raises :class:`BodyError` for a coding not decoded
    here (``br``, ``compress`` …) or more than :data:`MAX_CONTENT_CODINGS` of them.

    >>> content_codings(["gzip", "Identity"]), content_codings([])
    (['gzip'], [])
    >>> content_codings(["br"])
    Traceback (most recent call last):
    ...
    gkparse.crawler.decoding.BodyError: unsupported Content-Encoding: br
    """
    codings = [c.strip().lower() for value in values for c in value.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    for coding in codings:
        if coding not in _CODINGS:
            raise BodyError(f"unsupported Content-Encoding: {coding}")
    if len(codings) > MAX_CONTENT_CODINGS:
        raise BodyError(f"{len(codings)} stacked Content-Encodings (at most {MAX_CONTENT_CODINGS} are decoded)")
    return codings


def _capped(chunks: Iterable[bytes], limit: int, too_large: Callable[[], BodyError]) -> Iterator[bytes]:
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise too_large()
        yield chunk


def _inflate(chunks: Iterable[bytes], coding: str) -> Iterator[bytes]:
    """One coding undone, at most :data:`INFLATE_STEP` bytes per step. A gzip body of
    several members is read through; bytes after the end of a deflate stream are ignored."""
    gzip = coding != "deflate"
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS)
    first = True
    ended = False
    for chunk in chunks:
        data = chunk
        while data and not ended:
            try:
                out = decoder.decompress(data, INFLATE_STEP)
            except zlib.error as exc:
                if first and not gzip:  # a raw deflate stream, without the zlib header
                    decoder, first = zlib.decompressobj(-zlib.MAX_WBITS), False
                    continue
                raise BodyError(f"cannot decode Content-Encoding {coding} ({exc})") from None
            first = False
            data = decoder.unconsumed_tail
            if out:
                yield out
            while len(out) == INFLATE_STEP and not data:  # output still pending inside zlib
                out = decoder.decompress(b"", INFLATE_STEP)
                if out:
                    yield out
            if decoder.eof:
                rest = decoder.unused_data
                if gzip and rest.startswith(_GZIP_MAGIC):
                    decoder, data = zlib.decompressobj(16 + zlib.MAX_WBITS), rest
                else:
                    ended = True
    if not ended:
        # A truncated stream: what was decoded is kept, as httpx does.
        tail = decoder.flush()
        if tail:
            yield tail


def decode_stream(raw: Iterable[bytes], codings: Sequence[str], limit: int) -> Iterator[bytes]:
    """The decoded body of raw chunks sent with ``codings`` (as :func:`content_codings`
    gives them), chunk by chunk. Raises :class:`BodyError` as soon as the raw bytes, or
    the output of any decoding stage, pass ``limit``."""
    named = ", ".join(codings)

    def too_large() -> BodyError:
        if not codings:
            return BodyError(f"response too large (more than {limit} bytes)")
        return BodyError(f"response too large (more than {limit} bytes once decoded from {named})")

    chunks: Iterable[bytes] = _capped(raw, limit, lambda: BodyError(f"response too large (more than {limit} bytes)"))
    for coding in reversed(codings):
        chunks = _capped(_inflate(chunks, coding), limit, too_large)
    return iter(chunks)


def decode_body(body: bytes, content_encoding: Iterable[str], limit: int) -> bytes:
    """``body`` (at most ``limit`` bytes as sent) decoded from the codings of its
    ``Content-Encoding`` header values, within ``limit``: what
    :class:`gkparse.crawler.middlewares.BodyDecoder` does to every response. Raises
    :class:`BodyError` (too large, unsupported or too many codings, damaged data).

    >>> import gzip
    >>> decode_body(gzip.compress(b"report"), ["gzip"], 100), decode_body(b"plain", [], 100)
    (b'report', b'plain')
    """
    codings = content_codings(content_encoding)
    if not codings:
        return body
    return b"".join(decode_stream([body], codings, limit))
