"""PDF notices: the text is extracted with pypdf, normalised once, and read like a plain-text notice.

`Notice.text` is the extracted text, so evidence offsets refer to it. The document information
dictionary adds what publishers put there (Springer: /Subject "Journal ..., doi:10.1186/..." is the
notice's own DOI) when the page itself does not say.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from retractkg.config import DEFAULT_LIMITS, ReadLimits
from retractkg.ingest.errors import IngestError
from retractkg.ingest.model import Notice, SourceRecord
from retractkg.ingest.readers.bounded import read_bounded
from retractkg.ingest.readers.sidecar import sidecar_of
from retractkg.ingest.readers.text_notice import normalize, read_notice
from retractkg.ingest.reading.citation import find_dois
from retractkg.ingest.reading.notice_layout import TITLE_PREFIX

FORMAT = "pdf"
MAX_PAGES = 50  # notices are a page or two; a long PDF is an article or an issue, read only its start


def extract_text(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> tuple[str, dict[str, str]]:
    """The PDF's text (pages joined by blank lines) and its document information, as strings."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-but-readable files warn on every page
    data = read_bounded(path, limits.record_bytes * limits.DOCUMENT_SCALE, "a PDF")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(str(path), "the PDF is encrypted with a password")
        pages = [page.extract_text() or "" for page in reader.pages[:MAX_PAGES]]
        info = {str(k).lstrip("/"): str(v) for k, v in (reader.metadata or {}).items() if v}
    except IngestError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as e:
        raise IngestError(str(path), f"not a readable PDF: {e}") from e
    return "\n\n".join(pages), info


def parse(path: Path, *, limits: ReadLimits = DEFAULT_LIMITS, sidecar: bool = False) -> Iterator[SourceRecord]:
    """The one notice of a PDF file; with `sidecar`, what its sidecar (`readers/sidecar.py`) adds."""
    raw, info = extract_text(path, limits)
    text = normalize(raw)
    if len(re.findall(r"[A-Za-z]{2,}", text)) < 5:
        raise IngestError(str(path), "the PDF has no extractable text (a scanned image?)")
    notice = Notice()
    dois = find_dois(info.get("Subject", "")) or find_dois(info.get("doi", ""))
    if dois:
        notice.doi = dois[0][0]
    given, warned = sidecar_of(path) if sidecar else ([], [])
    notice = read_notice(text, notice, sidecar=given)
    title = " ".join(info.get("Title", "").split())
    if not notice.title and TITLE_PREFIX.match(title):  # the page's own title line wins: metadata is often cut
        notice.title = title
    yield SourceRecord(notice=notice, source=str(path), format=FORMAT, warnings=warned)
