"""When two labels are "the same": NFKC, traditional → simplified, no spaces or quotes."""

from __future__ import annotations

import pytest

from gkparse.normalize import compact_with_map, fold, label_key


@pytest.mark.parametrize(
    ("printed", "template"),
    [
        ("（三）不予公开 3.危及“三安全一稳定”", "(三)不予公开3.危及三安全一稳定"),  # full-width brackets, quotes
        ("商业\n企业", "商业企业"),  # a label broken over two lines in a cell
        ("第二十條第（一）項", "第二十条第(一)项"),  # traditional characters on a mirror site
        ("本年收费金额（单位：万元）", "本年收费金额(单位:万元)"),
        ("行\u3000政\u00a0许\u200b可", "行政许可"),  # ideographic space, nbsp, zero-width space
    ],
)
def test_label_key(printed: str, template: str) -> None:
    assert label_key(printed) == label_key(template) == template


def test_fold_keeps_whitespace() -> None:
    assert fold("規章 （一）") == "规章 (一)"


def test_long_labels_are_folded_the_same_way() -> None:
    text = "（三）不予公开" * 20
    assert label_key(text) == "(三)不予公开" * 20


def test_compact_with_map_points_back_into_the_text() -> None:
    text = "规 章（一）\n 行政许可"
    compact, index = compact_with_map(text)
    assert compact == "规章(一)行政许可"
    assert [text[i] for i in index][:2] == ["规", "章"]
    assert len(index) == len(compact)


def test_nfkc_by_character_equals_whole_text_nfkc() -> None:
    """The per-character NFKC of long texts is the standard's NFKC, neighbours included
    (half-width kana voicing marks compose, Hangul letters join, marks reorder)."""
    import random
    import unicodedata

    from gkparse.normalize import _FOLD_TABLE, NFKC_BY_CHARACTER_CHARS

    rng = random.Random(15)
    changing = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF and not unicodedata.is_normalized("NFKC", chr(c))]
    plain = "年度报告0123 ,.（）：、\u3000申请人abc"
    for _ in range(300):
        text = "".join(rng.choice(changing) if rng.random() < 0.3 else rng.choice(plain) for _ in range(NFKC_BY_CHARACTER_CHARS + 50))
        assert fold(text) == unicodedata.normalize("NFKC", text).translate(_FOLD_TABLE)
    for tricky in ("ｶﾞ", "ㄱㅏ", "a\u0301\u0323", "\u02dd\u0301"):
        text = (tricky + "（一）") * NFKC_BY_CHARACTER_CHARS
        assert fold(text) == unicodedata.normalize("NFKC", text).translate(_FOLD_TABLE)


def test_compact_with_map_is_the_per_character_fold() -> None:
    """Only characters the fold may change are looked at: the result is still every
    character folded on its own, noise dropped, each kept character mapped back."""
    import random

    from gkparse.normalize import _piece, compact_with_map

    rng = random.Random(16)
    alphabet = [chr(c) for c in range(0x20, 0x3100)] + [chr(c) for c in range(0x4E00, 0x4F00)]
    alphabet += ["\U0001d400", "㈠", "\u3000", "“", "條", "\n", " ", "\ufeff", "Ａ"]
    # Past the BMP: one that stays, one folded into one character, one into several.
    alphabet += ["\U00020000", "\U0002f800", "\U0002f857", "\U0001d15e", "\u2002", "\uff02"]
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        compact, index = compact_with_map(text)
        assert compact == "".join(_piece(ch) for ch in text)
        assert list(index) == [i for i, ch in enumerate(text) for _ in _piece(ch)]
        assert len(index) == len(compact)


def test_no_character_past_the_bmp_is_dropped() -> None:
    """compact_runs cuts a text at the gaps of the characters the fold drops, all of them
    in the BMP (the characters past it are looked at one by one)."""
    import sys
    import unicodedata

    from gkparse.normalize import _DROP, _piece

    for code in range(0x10000, sys.maxunicode + 1):
        ch = chr(code)
        if not unicodedata.is_normalized("NFKC", ch):
            assert _piece(ch), hex(code)
        else:
            assert ch not in _DROP


def test_long_texts_are_keyed_as_the_definition_says() -> None:
    """A page's text goes through one ``str.replace`` per distinct character (and, past
    MAX_REPLACED_CHARACTERS of them, ``str.translate``): the key is still NFKC, noise
    dropped, traditional folded, as for a short label."""
    import random
    import re
    import unicodedata

    from gkparse.normalize import _FOLD_TABLE, MAX_REPLACED_CHARACTERS, NFKC_BY_CHARACTER_CHARS, label_key
    from gkparse.vocabulary import LABEL_NOISE

    def definition(text: str) -> str:
        key = re.sub("[" + re.escape(LABEL_NOISE) + "]+", "", unicodedata.normalize("NFKC", text)).translate(_FOLD_TABLE)
        return re.sub(r"(?<![0-9])([0-9]{1,2})、", r"\1.", key)

    rng = random.Random(61)
    few = list("年度报告申请人（）：，、；０１２３ \n\u3000“”條項") + ["㈠"]
    many = [chr(c) for c in range(0xFF01, 0xFF5E)] + [chr(k) for k in _FOLD_TABLE]
    assert len(set(many)) > MAX_REPLACED_CHARACTERS
    for alphabet in (few, few + many):
        for _ in range(60):
            text = "".join(rng.choice(alphabet) for _ in range(NFKC_BY_CHARACTER_CHARS + rng.randint(0, 2000)))
            assert label_key(text) == definition(text)


def test_long_texts_with_characters_nfkc_joins_are_folded_as_defined() -> None:
    """A long text holding a character whose NFKC depends on its neighbours (voicing marks,
    Hangul letters, combining marks, a letter past the BMP) is normalised whole: its fold and
    key are still the definition's, wherever that character stands."""
    import random
    import re
    import unicodedata

    from gkparse.normalize import _FOLD_TABLE, MAX_REPLACED_CHARACTERS, NFKC_BY_CHARACTER_CHARS, label_key
    from gkparse.vocabulary import LABEL_NOISE

    def folded(text: str) -> str:
        return unicodedata.normalize("NFKC", text).translate(_FOLD_TABLE)

    def definition(text: str) -> str:
        key = re.sub("[" + re.escape(LABEL_NOISE) + "]+", "", folded(text))
        return re.sub(r"(?<![0-9])([0-9]{1,2})、", r"\1.", key)

    rng = random.Random(62)
    few = list("年度报告申请人（）：，、；０１２３ \n\u3000“”條項㈠")
    many = [chr(c) for c in range(0xFF01, 0xFF5E)] + [chr(k) for k in _FOLD_TABLE]
    assert len(set(many)) > MAX_REPLACED_CHARACTERS
    for tricky in ("ｶﾞ", "ㄱㅏ", "a\u0301\u0323", "\u02dd\u0301", "\U0001d400", "\ufe00"):
        for alphabet in (few, few + many):
            body = [rng.choice(alphabet) for _ in range(NFKC_BY_CHARACTER_CHARS + rng.randint(0, 2000))]
            for at in (0, len(body) // 2, len(body)):
                text = "".join(body[:at]) + tricky + "".join(body[at:])
                assert label_key(text) == definition(text)
                assert fold(text) == folded(text)
    for alphabet in (few, few + many):
        text = "".join(rng.choice(alphabet) for _ in range(NFKC_BY_CHARACTER_CHARS + 100))
        assert fold(text) == folded(text)
        normalized = unicodedata.normalize("NFKC", text)
        assert fold(normalized) == folded(normalized) and label_key(normalized) == definition(normalized)


def test_no_replacement_is_replaced_again() -> None:
    """One replace per character is the translation only when no replacement holds a
    character that is itself replaced (a traditional pair must not chain: A→B, B→C)."""
    from gkparse.normalize import _FOLD_TABLE, _long_tables, _nfkc_table

    _, nfkc = _nfkc_table()
    tables = [nfkc, _FOLD_TABLE]
    for drop_noise in (True, False):
        _, table, _, plain = _long_tables(drop_noise)
        tables += [table, plain]
    for table in tables:
        assert not [k for k, v in table.items() if any(ord(c) in table for c in v)]


@pytest.mark.parametrize(
    ("printed", "key"),
    [
        ("3、其他", "3.其他"), ("(六)其他处理12、其他", "(六)其他处理12.其他"), ("2023、2024", "2023、2024"),
        ("123、其他", "123、其他"), ("第1、2项", "第1.2项"),
    ],
)
def test_leaf_numbers_with_an_ideographic_comma(printed: str, key: str) -> None:
    """Only a number of one or two digits standing alone before 、 is a leaf number."""
    assert label_key(printed) == key
    assert label_key(printed * 40) == key * 40  # the long-text path


def test_words_key_is_the_label_key_but_leaf_numbers() -> None:
    """``words_key`` differs from ``label_key`` only where a leaf number's ``、`` became
    ``.``: a word holding neither character stands at the same places in both."""
    import random

    from gkparse.normalize import NFKC_BY_CHARACTER_CHARS, words_key

    rng = random.Random(63)
    alphabet = list("年度报告申请人（）：，、；０１２３.3 \n\u3000“”條項㈠") + ["ｶﾞ"]
    for size in (10, 100, NFKC_BY_CHARACTER_CHARS + 100):
        for _ in range(100):
            text = "".join(rng.choice(alphabet) for _ in range(size))
            words, key = words_key(text), label_key(text)
            assert len(words) == len(key)
            assert all(a == b or (a, b) == ("、", ".") for a, b in zip(words, key))


def test_dropped_characters_before_the_last_distinct_one_do_not_hide_a_joining_character() -> None:
    """Past MAX_REPLACED_CHARACTERS distinct characters the rest is translated and the text
    after the last one found is searched again for a character NFKC joins: the characters
    dropped before it (turned into line breaks first, dropped last) move it nearer."""
    import re
    import unicodedata

    from gkparse.normalize import _FOLD_TABLE, MAX_REPLACED_CHARACTERS, NFKC_BY_CHARACTER_CHARS, label_key
    from gkparse.vocabulary import LABEL_NOISE

    wide = "".join(chr(0xFF21 + i) for i in range(MAX_REPLACED_CHARACTERS + 1))  # Ａ, Ｂ, …
    text = "“" * 100 + wide[:MAX_REPLACED_CHARACTERS - 1] + "a\u0301" + wide[MAX_REPLACED_CHARACTERS:]
    text += "年" * NFKC_BY_CHARACTER_CHARS
    folded = unicodedata.normalize("NFKC", text).translate(_FOLD_TABLE)
    assert label_key(text) == re.sub("[" + re.escape(LABEL_NOISE) + "]+", "", folded)
