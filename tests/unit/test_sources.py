"""gkparse.batch.sources: input expansion (one walk), jobs, archive reading and the pre-filter."""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from pathlib import Path

import pytest

import gkparse
import gkparse.read.decode
from gkparse.batch import convert, sources
from gkparse.batch.sources import Job, expand_inputs, iter_archive, iter_jobs, looks_like_report, read_job
from gkparse.vocabulary import REPORT_BYTE_MARKERS
from tests.support.warc import (
    NOT_A_REPORT,
    PARTIAL,
    PDF,
    PINGYANG,
    PNG,
    WARC_SKIPPED,
    WARC_SKIPPED_BY,
    WARC_SOURCES,
    WEATHER,
    build_damaged,
    build_garbage,
    build_truncated,
    build_warc,
    gzip_members,
)

FIXTURES = PINGYANG.parent


def test_job_id_is_the_sha256_computed_at_creation():
    job = Job(b"abc", "a.txt")
    assert job.report_id == hashlib.sha256(b"abc").hexdigest()
    job.data = b"changed"  # the id is the one computed when the job was made, not recomputed
    assert job.report_id == hashlib.sha256(b"abc").hexdigest()
    assert Job(b"", "x.warc.gz", report_id="f" * 64).report_id == "f" * 64


def test_marker_prefilter_checks_both_encodings():
    for encoding in ("utf-8", "gb18030"):
        assert looks_like_report("<td>申请人情况</td>".encode(encoding))
        assert looks_like_report("四、政府信息公开的收费及减免情况".encode(encoding))  # a pre-2019 report's part 四
        # The words of a disclosure column's chrome and titles are on every page: no marker.
        assert not looks_like_report("政府信息公开 | 政府信息公开年报 | 2024年政府信息公开工作年度报告".encode(encoding))
    # A UTF-8 page with one bad byte is looked at in both encodings.
    assert looks_like_report("\u9500 申请人情况".encode("utf-8")[:2] + "申请人情况".encode("utf-8"))
    assert looks_like_report(b"\xff" + "结果维持".encode("gb18030"))
    assert not looks_like_report(WEATHER)
    assert not looks_like_report(PDF)
    encodings = ("utf-8", "gb18030", *sources.WIDE_ENCODINGS)
    assert set(sources.MARKERS) == {m.encode(e) for m in REPORT_BYTE_MARKERS for e in encodings}


def test_marker_prefilter_reads_wide_encodings():
    """A report saved as UTF-16 or UTF-32 (either byte order, with or without a byte-order
    mark) passed no marker check before: skipped as no-report-marker, though the parser
    reads it."""
    for encoding in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"):
        assert looks_like_report("<td>申请人情况</td>".encode(encoding)), encoding
        assert not looks_like_report("<p>政府信息公开工作年度报告</p>".encode(encoding)), encoding


#: Every report among the fixtures, in each form gkparse reads as text: the pre-filter must
#: let each through in UTF-8 and in GB18030.
_REPORT_FIXTURES = sorted(
    p for pattern in (
        "*.html", "*.txt", "partial/*.txt", "cases/text/*.txt", "cases/text/[0-9]*.md", "cases/html-and-archives/*.html",
        "cases/html-and-archives/*.txt", "cases/variants/*.html",
    )
    for p in FIXTURES.glob(pattern) if not p.name.endswith(".expect.md")
)


@pytest.mark.parametrize("path", _REPORT_FIXTURES, ids=[str(p.relative_to(FIXTURES)) for p in _REPORT_FIXTURES])
def test_every_report_fixture_holds_a_table_marker_in_every_encoding(path):
    text = gkparse.read.decode.decode_bytes(path.read_bytes()).text
    assert looks_like_report(text.encode("utf-8")) and looks_like_report(text.encode("gb18030", "replace"))
    for encoding in ("utf-16", "utf-16-be", "utf-32-le"):
        assert looks_like_report(text.encode(encoding, "replace")), encoding


def test_a_wide_report_in_an_archive_is_read(tmp_path):
    """The whole way: a report page in UTF-16 (with a byte-order mark or without, either
    byte order) or UTF-32 among UTF-8 chrome passes the sniffing and the pre-filter and
    parses to the same cells as its UTF-8 original."""
    from warcio.warcwriter import WARCWriter

    from tests.support.warc import write_response

    page = (FIXTURES / "shanghai_govoffice_2019.html").read_bytes()
    encodings = ["utf-16", "utf-16-le", "utf-16-be", "utf-32"]
    archive = tmp_path / "site.warc"
    with open(archive, "wb") as fh:
        writer = WARCWriter(fh, gzip=False)
        write_response(writer, "http://x.gov.cn/0.html", WEATHER, "text/html; charset=utf-8")
        for i, encoding in enumerate(encodings, 1):
            wide = page.decode("utf-8").encode(encoding)
            write_response(writer, f"http://x.gov.cn/{i}.html", wide, f"text/html; charset={encoding}")
    skipped: list[tuple[str, str]] = []
    jobs = list(iter_archive(str(archive), lambda uri, reason: skipped.append((uri, reason))))
    assert skipped == [("http://x.gov.cn/0.html", "no-report-marker")]
    assert [j.source for j in jobs] == [f"http://x.gov.cn/{i}.html" for i in range(1, len(encodings) + 1)]
    original = gkparse.parse(page)
    for job in jobs:
        wide_report = gkparse.parse(job.data, encoding=job.encoding)
        assert list(wide_report.cells()) == list(original.cells()) and wide_report.template == "2019", job.source


def test_pages_about_reports_without_their_tables_are_skipped_as_no_marker(tmp_path):
    """A notice about compiling the reports and a list of reports (look-alikes) hold no word
    of the tables; a pre-2019 report holds its own and is read (as ``pre-2019``)."""
    from warcio.warcwriter import WARCWriter

    from tests.support.warc import write_response

    notice = ("<title>关于做好2024年度政府信息公开工作年度报告编制发布工作的通知</title><p>各部门：请严格按照年度报告格式，"
              "准确填报主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况。</p>")
    listing = "".join(f"<li><a href='/{y}'>{y}年政府信息公开工作年度报告</a></li>" for y in range(2008, 2025))
    old = ("某某县2015年政府信息公开工作年度报告\n一、概述\n二、主动公开政府信息情况\n三、依申请公开政府信息情况\n"
           "四、政府信息公开的收费及减免情况\n五、因政府信息公开申请行政复议、提起行政诉讼的情况\n")
    archive = tmp_path / "site.warc"
    with open(archive, "wb") as fh:
        writer = WARCWriter(fh, gzip=False)
        for i, (body, encoding) in enumerate([(notice, "utf-8"), (listing, "gb18030"), (old, "gb18030"), (old, "utf-8")]):
            write_response(writer, f"http://x.gov.cn/{i}.html", body.encode(encoding), f"text/html; charset={encoding}")
    skipped: list[tuple[str, str]] = []
    jobs = list(iter_archive(str(archive), lambda uri, reason: skipped.append((uri, reason))))
    assert skipped == [("http://x.gov.cn/0.html", "no-report-marker"), ("http://x.gov.cn/1.html", "no-report-marker")]
    assert [j.source for j in jobs] == ["http://x.gov.cn/2.html", "http://x.gov.cn/3.html"]
    report = gkparse.parse(jobs[0].data, encoding=jobs[0].encoding)
    assert report.template is None and [i.rule for i in report.issues] == ["pre-2019"]


def test_expand_folder_sorted_documents_only(tmp_path):
    found = expand_inputs([str(PARTIAL)])
    assert found == sorted(found) and len(found) == 12 and all(f.endswith(".txt") for f in found)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "1.html").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "notes.md").write_text("x")  # not a document suffix
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.html").write_text("x")  # hidden
    assert expand_inputs([str(tmp_path)]) == [str(tmp_path / "a.txt"), str(tmp_path / "b" / "1.html")]


def test_expand_glob_stdin_and_missing(tmp_path):
    assert expand_inputs([str(FIXTURES / "pingtan_202*.page.html")]) == [
        str(FIXTURES / f"pingtan_{y}.page.html") for y in (2022, 2024, 2025)
    ]
    assert expand_inputs(["-", str(PINGYANG)]) == ["-", str(PINGYANG)]
    with pytest.raises(gkparse.GkparseError, match="no such file or folder") as missing:
        expand_inputs([str(PINGYANG), str(tmp_path / "nope.txt")])
    assert missing.value.source == str(tmp_path / "nope.txt")
    with pytest.raises(gkparse.GkparseError, match="no file matches"):
        expand_inputs([str(tmp_path / "*.nothing")])


def test_each_folder_is_walked_once_by_convert(tmp_path, monkeypatch):
    walked: list[Path] = []
    real_walk = sources._walk

    def counting_walk(folder: Path) -> list[str]:
        walked.append(folder)
        return real_walk(folder)

    monkeypatch.setattr(sources, "_walk", counting_walk)
    stats = convert([str(PARTIAL)], str(tmp_path / "o.jsonl"), workers=1)
    assert walked == [PARTIAL] and stats.done == 12


def test_missing_input_fails_before_the_output_is_touched(tmp_path):
    out = tmp_path / "o.jsonl"
    out.write_bytes(b"kept\n")
    with pytest.raises(gkparse.GkparseError, match="no such file"):
        convert([str(PINGYANG), str(tmp_path / "nope")], str(out), workers=1)
    assert out.read_bytes() == b"kept\n"


def test_iter_jobs_files_stdin_and_unreadable(tmp_path):
    jobs = list(iter_jobs([str(PINGYANG), "-", str(tmp_path)], stdin=io.BytesIO(b"from stdin")))
    assert [j.source for j in jobs] == [str(PINGYANG), "-", str(tmp_path)]
    assert jobs[0].data == PINGYANG.read_bytes() and jobs[0].error is None
    assert jobs[1].data == b"from stdin" and jobs[1].report_id == hashlib.sha256(b"from stdin").hexdigest()
    assert jobs[2].error is not None and jobs[2].error[0] == "UnreadableInputError"
    assert jobs[2].error[1].startswith("cannot read the file")
    # Its id is derived from the path: never the id of an empty input, nor of another unreadable one.
    assert jobs[2].report_id == hashlib.sha256(b"unreadable:" + str(tmp_path).encode()).hexdigest()
    assert jobs[2].report_id != hashlib.sha256(b"").hexdigest()


def test_warc_jobs_skips_dates_and_charsets(tmp_path):
    warc = build_warc(tmp_path / "crawl.warc.gz")
    skipped: list[tuple[str, str]] = []
    jobs = list(iter_jobs([str(warc)], on_skip=lambda uri, reason: skipped.append((uri, reason))))
    assert [j.source for j in jobs] == WARC_SOURCES
    assert len(skipped) == WARC_SKIPPED and ("http://example.gov.cn/gone.html", "http-404") in skipped
    assert Counter(reason for _, reason in skipped) == WARC_SKIPPED_BY
    assert ("http://example.gov.cn/png-as-html", "image") in skipped  # an image served as text/html
    assert all(j.archive == str(warc) and j.offset is not None for j in jobs)
    assert jobs[0].date == "2024-05-01T10:00:00Z" and jobs[0].encoding == "utf-8"
    assert jobs[2].data == NOT_A_REPORT
    assert jobs[3].encoding == "gbk" and jobs[3].date == "2024-05-02T00:00:00Z"
    assert all(j.error is None for j in jobs)


def test_truncated_archive_ends_with_one_error_job(tmp_path, monkeypatch):
    cut = build_truncated(tmp_path / "cut.warc.gz")
    members = gzip_members(cut)
    # The error job's id is the archive's digest, read in chunks: never the whole file at once.
    monkeypatch.setattr(sources, "HASH_CHUNK", 1024)

    def no_whole_read(self: Path) -> bytes:
        raise AssertionError(f"{self} read whole")

    monkeypatch.setattr(Path, "read_bytes", no_whole_read)
    jobs = list(iter_archive(str(cut)))
    *records, error = jobs
    assert [j.source for j in records] == ["http://cut.gov.cn/a.txt"]
    assert error.source == str(cut) and error.data == b"" and error.archive == str(cut)
    assert error.error is not None and error.error[0] == "TruncatedArchiveError"
    assert error.error[1].endswith("(http://cut.gov.cn/b.html)")
    assert records[0].offset == 0 and error.offset == members[1]  # the cut member
    with open(cut, "rb") as fh:
        assert error.report_id == hashlib.sha256(fh.read()).hexdigest()


def test_damaged_archive_gives_the_records_before_the_damage_then_one_error_job(tmp_path):
    bad = build_damaged(tmp_path / "bad.warc.gz")
    good, error = list(iter_archive(str(bad)))
    assert good.source == "http://bad.gov.cn/a.txt" and good.data == PINGYANG.read_bytes()
    assert error.source == str(bad) and error.error is not None
    assert error.error[0] == "DamagedArchiveError" and error.error[1].startswith("corrupt gzip member at offset ")
    assert error.report_id == hashlib.sha256(bad.read_bytes()).hexdigest()
    assert "\\x" not in error.error[1] and "junk" not in error.error[1]  # no raw bytes in a reason
    garbage = build_garbage(tmp_path / "garbage.warc")
    (only,) = list(iter_archive(str(garbage)))
    assert only.source == str(garbage) and only.error is not None and only.error[0] == "DamagedArchiveError"
    assert only.offset == 0


def test_unreadable_archive_is_one_error_job(tmp_path):
    folder = tmp_path / "dir.warc"
    folder.mkdir()
    (job,) = list(iter_archive(str(folder)))
    assert job.error is not None and job.error[1].startswith("cannot read the file")


@pytest.mark.parametrize(
    ("head", "content_type", "name", "form"),
    [
        (b"%PDF-1.7\n", None, "", "pdf"),
        (b"  \r\n%PDF-1.4", "text/html", "x.html", "pdf"),  # a PDF served as a page
        (b"PK\x03\x04" + bytes(30) + b"word/document.xml", None, "", "docx"),
        (b"PK\x03\x04" + bytes(30), None, "a.xlsx", "excel"),
        (b"PK\x03\x04" + bytes(30), None, "a.zip", "compressed"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(8), "application/msword", "", "doc"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(8) + "WordDocument".encode("utf-16-le"), None, "", "doc"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(8), None, "a.wps", "wps"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(8), None, "", "office"),
        (b"\x89PNG\r\n\x1a\n", None, "", "image"),
        (b"\x00\x01\x02", "image/x-icon", "", "image"),  # binary: the type names it
        (b"\x00\x01\x02", None, "http://x.gov.cn/a.doc?id=1", "doc"),  # binary: the URL suffix names it
        (b"<html><body>report</body></html>", "application/msword", "a.doc", None),  # HTML saved as .doc
        (b"\xff\xfe<\x00h\x00", None, "a.txt", None),  # UTF-16 text
        (b"plain text", None, "a.pdf", None),
    ],
)
def test_sniff_form(head, content_type, name, form):
    assert sources.sniff_form(head, content_type, name) == form


def test_folder_walk_takes_the_forms_it_counts(tmp_path):
    for name in ("a.txt", "b.pdf", "c.docx", "d.JPG", "e.md", "f.css"):
        (tmp_path / name).write_bytes(b"x")
    assert [Path(p).name for p in expand_inputs([str(tmp_path)])] == ["a.txt", "b.pdf", "c.docx", "d.JPG"]


def test_files_in_forms_not_read_are_skipped_by_name(tmp_path):
    png = tmp_path / "chart.png"
    png.write_bytes(PNG)
    renamed = tmp_path / "report.html"  # an image whatever its name
    renamed.write_bytes(PNG)
    wps = tmp_path / "report.wps"
    wps.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    skipped: list[tuple[str, str]] = []
    jobs = list(iter_jobs([str(png), str(renamed), str(wps), str(PINGYANG)], on_skip=lambda s, r: skipped.append((s, r))))
    assert [j.source for j in jobs] == [str(PINGYANG)]
    assert skipped == [(str(png), "image"), (str(renamed), "image"), (str(wps), "wps")]


def test_pdf_and_word_files_are_jobs(tmp_path):
    """Files in the forms gkparse reads become jobs whatever their name; parse() reads them."""
    pdf = tmp_path / "report.html"  # a PDF served or saved under a page's name
    pdf.write_bytes(PDF)
    doc = tmp_path / "report.bin"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(9000) + "WordDocument".encode("utf-16-le"))
    skipped: list[tuple[str, str]] = []
    jobs = list(iter_jobs([str(pdf), str(doc)], on_skip=lambda s, r: skipped.append((s, r))))
    assert [j.source for j in jobs] == [str(pdf), str(doc)] and skipped == []


def test_broken_links_are_inputs_that_fail_never_left_out(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"x")
    (tmp_path / "b.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "c.html").symlink_to("c.html")  # a loop
    (tmp_path / "d.xyz").symlink_to(tmp_path / "missing.xyz")  # not a walked suffix
    paths = expand_inputs([str(tmp_path)])
    assert paths == [str(tmp_path / n) for n in ("a.txt", "b.txt", "c.html")]
    assert expand_inputs([str(tmp_path / "b.txt")]) == [str(tmp_path / "b.txt")]  # named: an input too
    jobs = list(iter_jobs(paths))
    assert [j.error[0] if j.error else None for j in jobs] == [None, "UnreadableInputError", "UnreadableInputError"]
    assert jobs[1].error is not None and jobs[1].error[1] == "cannot read the file: No such file or directory (a link to a missing file)"
    assert len({j.report_id for j in jobs}) == 3
    assert jobs[2].report_id == sources.unreadable_id(str(tmp_path / "c.html"))


def test_deferred_jobs_name_files_and_read_as_iter_jobs_reads_them(tmp_path):
    png = tmp_path / "chart.html"  # an image whatever its name
    png.write_bytes(PNG)
    missing = tmp_path / "gone.txt"
    missing.symlink_to(tmp_path / "nowhere.txt")
    warc = build_warc(tmp_path / "crawl.warc.gz")
    paths = [str(PINGYANG), str(png), str(missing), "-", str(warc)]
    skipped: list[tuple[str, str]] = []
    eager = list(iter_jobs(paths, stdin=io.BytesIO(b"from stdin"), on_skip=lambda s, r: skipped.append((s, r))))
    deferred = list(iter_jobs(paths, stdin=io.BytesIO(b"from stdin"), on_skip=lambda s, r: skipped.append((s, r)), deferred=True))
    # Files are named, not read: no bytes, no id, no skip yet; stdin and archives are read here.
    assert [(j.path, j.data, j.report_id) for j in deferred[:3]] == [(p, b"", "") for p in paths[:3]]
    assert [j.source for j in deferred[:3]] == paths[:3]
    assert all(j.path is None for j in deferred[3:]) and deferred[3:] == eager[2:]
    assert len(skipped) == 2 * WARC_SKIPPED + 1  # the image: once, by the eager reading
    read = [read_job(j) for j in deferred]
    assert read == [eager[0], "image", eager[1], *eager[2:]]  # the skip's reason in place of a job
    assert deferred[0].identity() == hashlib.sha256(PINGYANG.read_bytes()).hexdigest() == eager[0].identity()
    assert deferred[2].identity() == sources.unreadable_id(str(missing))


def test_file_names_that_are_not_utf8_are_escaped_in_sources():
    assert sources.display_path("plain/路径.txt") == "plain/路径.txt"
    assert sources.display_path("a\udcff.txt") == "a\\xff.txt"
