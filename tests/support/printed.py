"""PDFs and .docx files printed from the HTML fixtures, shipped so CI needs no browser or office suite.

For every ``fixtures/NAME.html`` (NAME keeps any ``.page`` suffix, e.g. ``pingtan_2024.page``):

* ``fixtures/pdf/printed/NAME.chromium.pdf``    — Chromium's own print path (Skia/PDF);
* ``fixtures/pdf/printed/NAME.libreoffice.pdf`` — LibreOffice's HTML import, exported to PDF;
* ``fixtures/docx/printed/NAME.libreoffice.docx`` — LibreOffice's HTML import, saved as Word 2007+.

The HTML is printed unmodified (the pingtan pages with their whole site chrome). Their stylesheets,
scripts and images are root-relative (``/images/…``) or remote, so offline they are missing: the
pages print unstyled, as a browser shows them with the network down.

How the shipped files were made (Debian 12 bookworm, as root, ``LANG=C.UTF-8``)::

    apt-get install -y chromium fonts-noto-cjk            # chromium 156.0.8078.108-1~deb12u1
    apt-get install -y --no-install-recommends libreoffice-writer-nogui   # LibreOffice 7.4.7.2
    python -m tests.support.printed                       # from the repository root

which runs, per fixture (``IN`` the absolute path of the HTML, ``TMP`` a fresh temporary folder
holding throwaway profiles)::

    chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \\
        --user-data-dir=TMP/chromium-profile --host-resolver-rules="MAP * ~NOTFOUND" \\
        --virtual-time-budget=10000 --print-to-pdf=OUT file://IN          # 120 s timeout
    soffice -env:UserInstallation=file://TMP/lo-profile --headless --infilter="HTML (StarWriter)" \\
        --convert-to pdf --outdir TMP IN                                  # 300 s timeout
    soffice -env:UserInstallation=file://TMP/lo-profile --headless --infilter="HTML (StarWriter)" \\
        --convert-to "docx:MS Word 2007 XML" --outdir TMP IN

``--host-resolver-rules`` makes every host name fail to resolve, so no request leaves the machine and
nothing waits on the network; ``--virtual-time-budget`` lets the page's (missing) scripts settle
without a real-time wait. ``--infilter="HTML (StarWriter)"`` opens the HTML in Writer (File > Open as
"HTML Document (Writer)"); without it soffice opens .html in Writer/Web, whose PDF export
(``writer_web_pdf_Export``) drops the shanghai fixture's title paragraph and leaves page 1 blank.

What the printers do (what a reader of these files must cope with, or cannot):

* Chromium prints on US Letter (its default; no command-line flag changes it) and fits every table
  inside the page; LibreOffice keeps the HTML's fixed cell widths, even past the page's edge: on A4
  portrait, shanghai's part 三 (``nowrap`` cells of fixed pixel widths) was laid out centred past
  both edges, its label column cut and three columns not in the PDF at all. LibreOffice therefore
  prints each page twice: on its default A4 portrait (``NAME.libreoffice.pdf``) and on A4
  landscape (``NAME.libreoffice-landscape.pdf``: :func:`landscape_copy` adds an ``@page`` rule to a
  copy of the page, as a user picks landscape in the print dialog); the .docx are saved as they are.
* Chromium (Skia) embeds Noto Sans CJK (JP face) as Type 3 fonts (~110 per file, most of each
  file's ~750 KiB) whose ToUnicode maps some ideographs to look-alike Kangxi / CJK-radical code
  points (人 → U+2F08 ⼈, 日 → U+2F47 ⽇, 行 → U+2F8F ⾏, 网 → U+2F79 ⽹, 民 → U+2EA0 ⺠ …): NFKC folds
  the Kangxi block (U+2F00–U+2FD5) but not the CJK Radicals Supplement ones seen here (⺠ ⻄ ⻅ ⻓
  ⻚ ⻛ ⻰), which need a table. Digits and Latin text (Liberation Serif) come through as is.
  pdfminer warns "Could not get FontBBox from font descriptor" for those fonts (harmless).
* In Chromium's PDFs a Latin run sits ~3 pt lower (``top``) than the CJK run beside it on the same
  line, so pdfplumber's default ``y_tolerance=3`` splits ``1.属于国家秘密`` into ``属于国家秘密\\n1.``
  inside a cell; ``y_tolerance=6`` keeps it whole.
* LibreOffice embeds Noto Serif/Sans CJK JP as Type 1 subsets with clean ToUnicode.
* Both break the long tables across pages (a header row can end one page and its data row start
  the next); the pingtan pages' unstyled site chrome (link lists, search boxes, footer) prints
  before and after the report, and pdfplumber finds a few small ruled boxes in it (search inputs
  on Chromium's page 1, a 1x2 footer box in LibreOffice's).

The files are not byte-for-byte reproducible (creation dates, font subset tags), only in content.
Nothing here is imported by the library; the tests list the shipped files with :func:`printed_pdfs`
and :func:`printed_docx`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.support import FIXTURES

PDF_DIR = FIXTURES / "pdf" / "printed"
DOCX_DIR = FIXTURES / "docx" / "printed"
PRINTERS = ("chromium", "libreoffice")

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
SOFFICE_NAMES = ("soffice", "libreoffice")
CHROMIUM_TIMEOUT = 120
SOFFICE_TIMEOUT = 300
# Writer's HTML import. soffice's default for .html is Writer/Web, whose PDF export drops the
# shanghai fixture's title paragraph (page 1 comes out blank); Writer's keeps it.
SOFFICE_IMPORT_FILTER = "HTML (StarWriter)"


def html_fixtures() -> list[Path]:
    """The HTML fixtures that get printed: ``fixtures/*.html``."""
    return sorted(FIXTURES.glob("*.html"))


def fixture_name(path: Path) -> str:
    """``pingtan_2024.page.libreoffice.pdf`` → ``pingtan_2024.page`` (the HTML fixture's stem)."""
    name = path.name
    for printer in PRINTERS:
        marker = f".{printer}."
        if marker in name:
            return name[: name.index(marker)]
    return path.stem


def printer_of(path: Path) -> str:
    """``chromium`` or ``libreoffice``: which program made a shipped file."""
    for printer in PRINTERS:
        if f".{printer}." in path.name or f".{printer}-" in path.name:
            return printer
    raise ValueError(f"not a printed fixture: {path.name}")


def printed_pdfs() -> list[Path]:
    """The shipped PDFs, ``fixtures/pdf/printed/NAME.{chromium,libreoffice,libreoffice-landscape}.pdf``, sorted."""
    return sorted(PDF_DIR.glob("*.pdf"))


def printed_docx() -> list[Path]:
    """The shipped Word files, ``fixtures/docx/printed/NAME.libreoffice.docx``, sorted."""
    return sorted(DOCX_DIR.glob("*.docx"))


def _which(names: tuple[str, ...]) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def _chromium(exe: str, html: Path, out: Path, tmp: Path) -> None:
    cmd = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-pdf-header-footer",
        f"--user-data-dir={tmp / 'chromium-profile'}",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--virtual-time-budget=10000",
        f"--print-to-pdf={out}",
        html.resolve().as_uri(),
    ]
    subprocess.run(cmd, check=True, timeout=CHROMIUM_TIMEOUT, stdin=subprocess.DEVNULL, capture_output=True)
    if not out.is_file() or out.stat().st_size == 0:
        raise RuntimeError(f"chromium wrote no PDF for {html.name}")


#: The page LibreOffice prints on: A4 landscape, as a user prints a report whose tables are
#: wider than a portrait page (Writer keeps an HTML table's fixed cell widths, even past the edge).
LANDSCAPE_STYLE = b"<style>@page { size: 297mm 210mm; margin: 10mm }</style>"


def landscape_copy(html: Path, tmp: Path) -> Path:
    """A copy of ``html`` (same name, in ``tmp``) that asks for :data:`LANDSCAPE_STYLE`."""
    data = html.read_bytes()
    at = data.lower().find(b"<head>")
    at = at + len(b"<head>") if at >= 0 else 0
    folder = tmp / "landscape"
    folder.mkdir(exist_ok=True)
    copy = folder / html.name
    copy.write_bytes(data[:at] + LANDSCAPE_STYLE + data[at:])
    return copy


def _soffice(exe: str, html: Path, out: Path, tmp: Path, convert_to: str) -> None:
    outdir = tmp / "soffice-out"
    outdir.mkdir(exist_ok=True)
    cmd = [
        exe,
        f"-env:UserInstallation={(tmp / 'lo-profile').as_uri()}",
        "--headless",
        f"--infilter={SOFFICE_IMPORT_FILTER}",
        "--convert-to",
        convert_to,
        "--outdir",
        str(outdir),
        str(html.resolve()),
    ]
    subprocess.run(cmd, check=True, timeout=SOFFICE_TIMEOUT, stdin=subprocess.DEVNULL, capture_output=True)
    made = outdir / f"{html.stem}.{convert_to.split(':')[0]}"
    if not made.is_file() or made.stat().st_size == 0:
        raise RuntimeError(f"soffice wrote no {convert_to} for {html.name}")
    shutil.move(str(made), out)


def _summary(path: Path) -> str:
    size = f"{path.stat().st_size / 1024:.0f} KiB"
    if path.suffix != ".pdf":
        return f"{path.relative_to(FIXTURES)}  {size}"
    import logging

    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    with pdfplumber.open(path) as pdf:
        tables = [len(page.find_tables()) for page in pdf.pages]
    return f"{path.relative_to(FIXTURES)}  {size}  {len(tables)} pages  tables per page {tables}"


def main() -> int:
    chromium = _which(CHROMIUM_NAMES)
    soffice = _which(SOFFICE_NAMES)
    missing = [what for what, exe in (("chromium", chromium), ("soffice (LibreOffice)", soffice)) if exe is None]
    if missing:
        print(
            f"printed fixtures need {' and '.join(missing)} on PATH; on Debian: apt-get install -y chromium fonts-noto-cjk "
            "&& apt-get install -y --no-install-recommends libreoffice-writer-nogui",
            file=sys.stderr,
        )
        return 2
    assert chromium is not None and soffice is not None
    PDF_DIR.mkdir(parents=True, exist_ok=True)
    DOCX_DIR.mkdir(parents=True, exist_ok=True)
    for html in html_fixtures():
        name = html.name[: -len(".html")]
        with tempfile.TemporaryDirectory(prefix="gkparse-printed-") as tmp_name:
            tmp = Path(tmp_name)
            pdf_chromium = PDF_DIR / f"{name}.chromium.pdf"
            _chromium(chromium, html, pdf_chromium, tmp)
            pdf_lo = PDF_DIR / f"{name}.libreoffice.pdf"
            _soffice(soffice, html, pdf_lo, tmp, "pdf")
            pdf_landscape = PDF_DIR / f"{name}.libreoffice-landscape.pdf"
            _soffice(soffice, landscape_copy(html, tmp), pdf_landscape, tmp, "pdf")
            docx_lo = DOCX_DIR / f"{name}.libreoffice.docx"
            _soffice(soffice, html, docx_lo, tmp, "docx:MS Word 2007 XML")
        for out in (pdf_chromium, pdf_lo, pdf_landscape, docx_lo):
            print(_summary(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
