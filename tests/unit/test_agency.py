"""Agency identity: declared name rules, the alias table, short forms and ambiguous matches."""

from __future__ import annotations

from pathlib import Path

import pytest

from gkparse.agency import AgencyIndex, Aliases, agency_key, host_of, site_of
from gkparse.errors import GkparseError

# (one name, another name, same agency?) — spellings seen in report titles and 落款.
NAMES = [
    ("平潭综合实验区管理委员会", "平潭综合实验区", True),
    ("平潭综合实验区管委会", "平潭综合实验区（本级）", True),
    ("洪泽区人民政府", "洪泽区", True),
    ("某某县政府", "某某县人民政府", True),
    ("某某县 交通运输局", "某某县交通运输局", True),
    ("ＡＢ县財政局", "AB县财政局", True),  # full-width letters, a traditional character
    ("某某县人民政府办公室", "某某县政府办", True),
    ("某某街道办事处", "某某街道", True),
    ("某某县人民政府办", "某某县人民政府办公室", True),
    ("某某县财政局（本级）", "某某县财政局", True),
    ("某某县财政局（2022年）", "某某县财政局", True),
    # a unit in brackets is a unit; a city's administration commission is not its city
    ("某某县公安局（交通警察支队）", "某某县公安局", False),
    ("北京市城市管理委员会", "北京市", False),
    # the government and its general office are two agencies
    ("某某县人民政府办公室", "某某县人民政府", False),
    # a bureau is not the government of its territory
    ("某某县财政局", "某某县", False),
    ("某某县财政局", "某某县税务局", False),
]


@pytest.mark.parametrize(("one", "other", "same"), NAMES)
def test_agency_key_folds_declared_variants_only(one: str, other: str, same: bool) -> None:
    assert (agency_key(one) == agency_key(other)) is same


def test_alias_table_wins_over_the_rules(tmp_path: Path) -> None:
    table = tmp_path / "aliases.csv"
    table.write_text("alias,agency\n平潭县人民政府,平潭综合实验区\n", encoding="utf-8")
    aliases = Aliases.load(table)
    index = AgencyIndex(aliases=aliases)
    assert index.identity("平潭县人民政府").key == index.identity("平潭综合实验区管委会").key == "平潭综合实验区"
    as_json = tmp_path / "aliases.json"
    as_json.write_text('{"平潭县": "平潭综合实验区"}', encoding="utf-8")
    assert Aliases.load(as_json).key("平潭县") == "平潭综合实验区"


@pytest.mark.parametrize(("name", "text", "message"), [
    ("a.csv", "name,agency\nx,y\n", "columns alias,agency"),
    ("b.csv", "alias,agency\nx,\n", "line 2"),
    ("c.json", "[1, 2]", "JSON object"),
    ("d.json", "{", "not JSON"),
])
def test_a_bad_alias_table_names_the_file_and_place(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GkparseError, match=message) as caught:
        Aliases.load(path)
    assert str(path) in str(caught.value)


def test_missing_alias_table_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GkparseError, match="cannot read the alias table"):
        Aliases.load(tmp_path / "none.csv")


def _index(*identities: tuple[str, str | None]) -> AgencyIndex:
    index = AgencyIndex()
    for name, host in identities:
        index.add(index.identity(name, host=host))
    return index


def _of(index: AgencyIndex, name: str, host: str | None = None) -> str | None:
    return index.agency_of(index.identity(name, host=host))


def test_a_short_form_joins_the_one_longer_name_it_ends() -> None:
    index = _index(("淮安市洪泽区人民政府", None), ("洪泽区人民政府", None))
    assert _of(index, "洪泽区人民政府") == "淮安市洪泽区"
    assert [(m.key, m.status) for m in index.matches] == [("洪泽区", "merged")]
    assert index.name("淮安市洪泽区") == "淮安市洪泽区人民政府"  # the longer name on a tie


def test_the_longest_spelling_of_a_chain_stands_for_it() -> None:
    index = _index(("洪泽区", None), ("淮安市洪泽区", None), ("江苏省淮安市洪泽区", None))
    assert _of(index, "洪泽区") == _of(index, "淮安市洪泽区") == "江苏省淮安市洪泽区"


def test_a_short_form_that_fits_several_agencies_is_reported_not_merged() -> None:
    index = _index(("甲市财政局", None), ("乙市财政局", None), ("财政局", None))
    assert _of(index, "财政局") == "财政局"
    [match] = index.matches
    assert match.status == "ambiguous" and match.candidates == ["乙市财政局", "甲市财政局"]


def test_the_site_picks_among_several_candidates() -> None:
    index = _index(("甲市财政局", "czj.jia.gov.cn"), ("乙市财政局", "czj.yi.gov.cn"), ("财政局", "www.jia.gov.cn"))
    assert _of(index, "财政局", "www.jia.gov.cn") == "甲市财政局"
    assert "site jia.gov.cn" in index.matches[0].evidence


def test_a_short_form_on_another_site_than_its_only_candidate_stays_apart() -> None:
    index = _index(("甲县城关镇", "jiaxian.gov.cn"), ("城关镇", "yixian.gov.cn"))
    assert _of(index, "城关镇", "yixian.gov.cn") == "城关镇"
    assert index.matches[0].status == "ambiguous"


def test_one_name_on_two_sites_is_two_agencies() -> None:
    """城关镇 is a town in hundreds of counties: the same title from two sites is two towns."""
    index = _index(("城关镇人民政府", "www.yixian.gov.cn"), ("城关镇人民政府", "zwgk.jiaxian.gov.cn"), ("城关镇人民政府", "yixian.gov.cn"))
    a, b = _of(index, "城关镇人民政府", "yixian.gov.cn"), _of(index, "城关镇人民政府", "jiaxian.gov.cn")
    assert a != b and a == _of(index, "城关镇人民政府", "www.yixian.gov.cn")
    assert [(m.key, m.status) for m in index.matches] == [("城关镇", "split")]
    assert index.name(a or "") == "城关镇人民政府 (yixian.gov.cn)"


def test_an_alias_keeps_one_agency_across_sites() -> None:
    index = AgencyIndex(aliases=Aliases({"平潭县": "平潭综合实验区"}))
    for name, host in (("平潭综合实验区", "pingtan.gov.cn"), ("平潭县", "old.pingtan.fj.cn")):
        index.add(index.identity(name, host=host))
    assert _of(index, "平潭县", "old.pingtan.fj.cn") == _of(index, "平潭综合实验区", "pingtan.gov.cn") == "平潭综合实验区"


def test_the_publisher_picks_among_several_candidates() -> None:
    index = AgencyIndex()
    for name, publisher in (("甲市财政局", None), ("乙市财政局", None), ("财政局", "乙市财政局办公室")):
        index.add(index.identity(name, publisher=publisher))
    assert _of(index, "财政局") == "乙市财政局"
    assert index.matches[0].evidence.startswith("publisher")


def test_a_name_that_only_ends_another_is_not_its_short_form() -> None:
    """福建省平潭 is not a parent territory of 实验区: no merge."""
    index = _index(("福建省平潭实验区", None), ("实验区", None))
    assert _of(index, "实验区") == "实验区" and index.matches == []


def test_conflicting_aliases_are_refused_with_their_line(tmp_path: Path) -> None:
    table = tmp_path / "aliases.csv"
    table.write_text("alias,agency\n平潭县,平潭综合实验区\n平潭县,福州市\n", encoding="utf-8")
    with pytest.raises(GkparseError, match="line 3: '平潭县' is already an alias of '平潭综合实验区'"):
        Aliases.load(table)


def test_site_of() -> None:
    assert site_of("zwgk.pingtan.gov.cn") == site_of("www.pingtan.gov.cn") == "pingtan.gov.cn"
    assert site_of(None) is None


def test_host_of() -> None:
    assert host_of("https://WWW.Example.gov.cn:8080/a") == "example.gov.cn"
    assert host_of("fixtures/a.html") is None and host_of(None) is None
