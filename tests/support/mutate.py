"""Mutations of real fixtures, for fuzzing ``parse()`` (issue 14).

The same generator feeds the CI property test (``tests/property/test_fuzz_parse.py``, a
fixed budget of examples) and the maintainers' long run (``python -m tests.support.fuzz``):
a fixture's bytes with byte flips, inserted hostile pieces (control and invisible
characters, lone surrogates' encodings, span bombs, deep nesting, long digit runs, charset
labels), cuts, and duplicated slices.
"""

from __future__ import annotations

import random
from pathlib import Path

from . import FIXTURES

#: Documents mutated: every form the readers take (HTML, text dumps, markdown, PDF, Word).
SEEDS: tuple[Path, ...] = tuple(
    sorted(FIXTURES.glob("*.html")) + sorted(FIXTURES.glob("*.txt")) + sorted((FIXTURES / "cases" / "text").glob("*.md"))
    + sorted((FIXTURES / "cases" / "text").glob("*.txt"))[:3] + sorted((FIXTURES / "pdf").glob("*.pdf"))[:1]
    + sorted((FIXTURES / "docx" / "printed").glob("*.docx"))[:1]
)

#: Pieces an attacker or a broken converter puts into a page.
HOSTILE: tuple[bytes, ...] = (
    b"\x00", b"\x0b", b"\x0c", b"\x1b", b"\x1f", b"\x7f", "\u200b".encode(), "\ufeff".encode(), "\u202e".encode(),
    b"\xed\xa0\x80",  # a lone surrogate in (invalid) UTF-8
    b"\xff\xfe", b"\xfe\xff",  # byte-order marks mid-document
    b'<meta charset="utf-7">', b'<meta charset="unicode_escape">', b'<meta charset="x-no-such">',
    b'<td colspan="1000" rowspan="65534">1</td>', b"<table><tr><td>", b"</table>", b"<tr>" * 50,
    b"<font>" * 300, b"<div>" * 3000, b"<![CDATA[", b"<!--", b"<script>", b"</td></tr>",
    b"7" * 500, b"0" * 60, b" 1" * 400, b"|" * 40, b"\n" * 200, "（三）不予公开".encode(), "总计".encode(),
    "本年新收政府信息公开申请数量".encode() + b"9" * 40, b"%PDF-1.7\n", b"PK\x03\x04",
)


def mutate(data: bytes, rng: random.Random, *, steps: int | None = None) -> bytes:
    """``data`` with 1–4 random mutations (or ``steps``)."""
    out = bytearray(data)
    for _ in range(steps if steps is not None else rng.randint(1, 4)):
        if not out:
            out.extend(rng.choice(HOSTILE))
            continue
        at = rng.randrange(len(out))
        kind = rng.randrange(6)
        if kind == 0:  # flip bytes
            for i in range(rng.randint(1, 8)):
                if at + i < len(out):
                    out[at + i] ^= 1 << rng.randrange(8)
        elif kind == 1:  # insert a hostile piece
            out[at:at] = rng.choice(HOSTILE)
        elif kind == 2:  # cut the rest, or a slice
            end = at + rng.randint(1, 2000) if rng.random() < 0.7 else len(out)
            del out[at:end]
        elif kind == 3:  # duplicate a slice
            end = min(len(out), at + rng.randint(1, 4000))
            out[end:end] = out[at:end]
        elif kind == 4:  # random bytes
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 32)))
        else:  # repeat a hostile piece many times
            out[at:at] = rng.choice(HOSTILE) * rng.randint(2, 200)
    return bytes(out)
