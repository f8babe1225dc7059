"""gkparse.warc: the digest of a record's body as stored, whatever was read of it before."""

from __future__ import annotations

import gzip
import hashlib
import io

import pytest

from gkparse import warc


def _body(stored: bytes, content: str | None = None) -> warc._Body:
    return warc._Body(io.BytesIO(stored), None, content)


STORED = bytes(range(256)) * 2000  # several read chunks


@pytest.mark.parametrize("read", ["nothing", "head", "all"])
def test_a_body_stored_as_it_is_is_hashed_whole_whatever_was_read(read: str) -> None:
    body = _body(STORED)
    if read == "head":
        assert body.head(10) == STORED[:10]
    elif read == "all":
        assert body.read_all() == STORED
    assert body.raw_sha256() == hashlib.sha256(STORED).hexdigest()


def test_an_encoded_body_is_hashed_as_stored_not_as_decoded() -> None:
    packed = gzip.compress(STORED)
    body = _body(packed, "gzip")
    assert body.read_all() == STORED
    assert body.raw_sha256() == hashlib.sha256(packed).hexdigest()


def test_a_body_past_the_size_cap_is_hashed_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """The piece that passes the cap is read but never buffered: it is hashed all the same
    (the id of the error record is the stored body's digest)."""
    monkeypatch.setattr(warc, "MAX_PAYLOAD_BYTES", len(STORED) // 3)
    body = _body(STORED)
    body.head(100)
    with pytest.raises(warc.PayloadTooLargeError):
        body.read_all()
    assert body.raw_sha256() == hashlib.sha256(STORED).hexdigest()
