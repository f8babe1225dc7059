"""gkparse.batch.link: the same report from two sources (a page and its attachment)."""

from __future__ import annotations

import json
from pathlib import Path

import gkparse
from gkparse.batch import convert
from gkparse.batch.link import MIN_SHARED_CELLS, Fingerprint, Linker, fingerprint
from tests.support import FIXTURES

PAGE = FIXTURES / "pingtan_2024.page.html"
PRINTED = FIXTURES / "pdf" / "printed" / "pingtan_2024.page.libreoffice.pdf"


def _print(report_id: str, agency: str | None, values: list[object], year: int = 2023) -> Fingerprint:
    return Fingerprint(report_id, f"{report_id}.html", agency, year, "2021", tuple(values))  # type: ignore[arg-type]


COUNTS = list(range(1, MIN_SHARED_CELLS + 1))  # nonzero cells: real evidence
ZEROS = [0] * (MIN_SHARED_CELLS + 10)


def test_a_page_and_its_printed_pdf_are_one_report(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    stats = convert([str(PAGE), str(PRINTED)], str(out), workers=1)
    first, second = (json.loads(line) for line in out.read_text("utf-8").splitlines())
    assert stats.linked == 1 and "1 the same report as an earlier input" in stats.line()
    assert first["same_as"] is None
    assert second["same_as"]["source"] == str(PAGE) and second["same_as"]["disagreements"] == []
    assert second["same_as"]["report_id"] == first["source"]["sha256"]


def test_fingerprint_keeps_certain_cells_only() -> None:
    report = gkparse.parse(PAGE)
    print_ = fingerprint(report, "id")
    assert print_ is not None and (print_.year, print_.template) == (2024, "2021")
    assert len(print_.values) == 200 and "?" not in print_.values  # every cell of the page is certain


def test_same_agency_links_and_lists_disagreements() -> None:
    linker = Linker()
    assert linker.match(_print("a", "淮安市洪泽区人民政府", [1, 2, 3])) is None
    found = linker.match(_print("b", "洪泽区人民政府", [1, 5, "?"]))  # the short name, one cell differs
    assert found is not None and found[0].report_id == "a" and found[1] == [1]


def test_the_disagreement_is_an_issue_on_the_later_report() -> None:
    report = gkparse.parse(PAGE)
    first = fingerprint(report, "first")
    assert first is not None
    changed = list(first.values)
    changed[0] = 999
    linker = Linker()
    assert linker.amend(report.model_dump_json(), first) is None
    amended = linker.amend(report.model_dump_json(), Fingerprint("second", "x.pdf", first.agency, 2024, "2021", tuple(changed)))
    assert amended is not None
    again = gkparse.Report.model_validate_json(amended.model_dump_json())  # as the batch writes it
    assert again.same_as is not None and again.same_as.disagreements == ["disclosure/rules/issued"]
    assert again.issues[-1].rule == "sources-disagree" and "999 here" in again.issues[-1].message


def test_other_agencies_are_other_reports_whatever_their_cells() -> None:
    linker = Linker()
    linker.match(_print("a", "某某县交通运输局", COUNTS))
    assert linker.match(_print("b", "某某县教育局", COUNTS)) is None


def test_unnamed_reports_need_agreeing_nonzero_cells() -> None:
    linker = Linker()
    linker.match(_print("a", None, ZEROS))
    assert linker.match(_print("b", None, ZEROS)) is None  # all-zero tables are printed by thousands of offices
    linker.match(_print("c", None, COUNTS))
    assert linker.match(_print("d", "某某县交通运输局", COUNTS)) is not None


def test_other_years_are_other_reports() -> None:
    linker = Linker()
    linker.match(_print("a", "某某县交通运输局", COUNTS, year=2023))
    assert linker.match(_print("b", "某某县交通运输局", COUNTS, year=2024)) is None


def test_memory_is_bounded() -> None:
    linker = Linker(limit=1)
    linker.match(_print("a", "某某县交通运输局", COUNTS))
    linker.match(_print("b", "某某县教育局", COUNTS))
    assert linker.match(_print("c", "某某县交通运输局", COUNTS)) is None  # "a" was forgotten


def test_linking_matches_a_scan_of_every_earlier_report() -> None:
    """The linker indexes its reports by year and template and gives up on a comparison as
    soon as it cannot agree: it links exactly as comparing every earlier report whole does
    (random reports: agencies or none, near-copies, unknown cells, a report read twice,
    a small memory so that the oldest are forgotten)."""
    import random
    from collections import OrderedDict

    from gkparse.batch.link import MIN_AGREEMENT, MIN_NONZERO_AGREEING, _same_agency

    def reference(seen: OrderedDict[str, Fingerprint], print_: Fingerprint, limit: int) -> object:
        found = None
        for earlier in reversed(seen.values()):
            if (earlier.year, earlier.template) != (print_.year, print_.template) or earlier.report_id == print_.report_id:
                continue
            same = _same_agency(print_.agency, earlier.agency)
            if same is False:
                continue
            both = [(i, a, b) for i, (a, b) in enumerate(zip(print_.values, earlier.values)) if "?" not in (a, b)]
            shared, differ = len(both), [i for i, a, b in both if a != b]
            nonzero = sum(1 for _, a, b in both if a == b and a not in (0, None))
            if same is None and (
                shared < MIN_SHARED_CELLS or nonzero < MIN_NONZERO_AGREEING or shared - len(differ) < MIN_AGREEMENT * shared
            ):
                continue
            found = (earlier.report_id, differ)
            break
        seen[print_.report_id] = print_
        seen.move_to_end(print_.report_id)
        while len(seen) > limit:
            seen.popitem(last=False)
        return found

    rng = random.Random(17)
    bases = [[rng.choice([0, 0, 1, 2, 5, 30]) for _ in range(120)] for _ in range(6)]
    bases += [["?" if i % 9 < 5 else rng.choice([0, 4, 8]) for i in range(120)], [rng.choice([0] * 12 + [9]) for _ in range(120)]]
    for limit in (5, 40):
        linker, seen = Linker(limit), OrderedDict()  # type: ignore[var-annotated]
        for i in range(600):
            values = list(rng.choice(bases))
            for _ in range(rng.choice([0, 1, 5, 14, 40])):
                values[rng.randrange(len(values))] = rng.choice([0, 3, 7, "?"])
            report_id = f"r{rng.randrange(i + 1)}" if rng.random() < 0.05 else f"r{i}"
            agency = rng.choice([None, None, "甲县人民政府", "乙县人民政府", "某市甲县人民政府"])
            print_ = _print(report_id, agency, values, year=rng.choice([2022, 2023]))
            got = linker.match(print_)
            assert (None if got is None else (got[0].report_id, got[1])) == reference(seen, print_, limit)
