"""Check a whole reference list at once: which entries are retracted, corrected or under concern.

`POST /api/check` takes the list as the body (DOIs/PMIDs one a line or as JSON, CSL-JSON, BibTeX or
RIS: `retractkg.api.reference_lists`), `/check` is the same for people (paste or upload). All entries
are looked up together (`Works.lookup`, VALUES lists of a few hundred), never one query per entry.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from retractkg.api.deps import get_settings, get_store
from retractkg.api.errors import ProblemError
from retractkg.api.pages import render
from retractkg.api.reference_lists import MAX_BYTES, MAX_ENTRIES, Entry, ReferenceListError, read_list
from retractkg.api.resources import local_path
from retractkg.api.routing import get_and_head
from retractkg.api.works import Work, Works
from retractkg.config import Settings
from retractkg.store import GraphStore

router = APIRouter(tags=["works and notices (JSON API)"])
StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
# The most serious standing first: an article retracted and also corrected is reported as retracted.
STATUSES = ("retracted", "expression_of_concern", "corrected")
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and headers around the list


def check_entries(entries: list[Entry], store: GraphStore) -> list[dict]:
    works = Works(store).lookup([e.iri for e in entries if e.iri])
    return [answer(entry, works.get(entry.iri) if entry.iri else None) for entry in entries]


def answer(entry: Entry, work: Work | None) -> dict:
    out = {"entry": entry.number, "line": entry.line, "key": entry.key, "identifier": entry.identifier or None}
    if not entry.identifier:
        return {**out, "status": "no_identifier"}
    if work is None:
        return {**out, "status": "not_found"}
    status = next((s for s in STATUSES if s in work.statuses), "found")
    return {**out, "status": status, **work.as_json(), "query": entry.identifier}


def checked(text: str, store: GraphStore) -> dict:
    try:
        fmt, entries = read_list(text)
    except ReferenceListError as e:
        raise ProblemError(e.status, "bad-reference-list", str(e)) from e
    results = check_entries(entries, store)
    counts: dict[str, int] = {}
    for result in results:
        counts[result["status"]] = counts.get(result["status"], 0) + 1
    return {"format": fmt, "entries": len(results), "counts": counts, "results": results}


async def body_text(request: Request) -> str:
    """The request body as text, refused (413) beyond `MAX_BYTES` before it is all read."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BYTES:
            raise ProblemError(413, "too-large", f"the list is larger than {MAX_BYTES // (1024 * 1024)} MB")
        chunks.append(chunk)
    try:
        return b"".join(chunks).decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ProblemError(400, "bad-reference-list", f"the list is not UTF-8 (byte {e.start})") from e


@router.post("/api/check", summary=f"Check a reference list (at most {MAX_ENTRIES:,} entries, "
             f"{MAX_BYTES // (1024 * 1024)} MB): DOIs/PMIDs one a line or as a JSON list, CSL-JSON, BibTeX or RIS",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "text/plain": {"example": "10.1007/s11356-022-20387-8\n34976537"},
                 "application/json": {"example": ["10.1007/s11356-022-20387-8", "34976537"]},
                 "application/x-bibtex": {}, "application/x-research-info-systems": {},
                 "application/vnd.citationstyles.csl+json": {}}}},
             responses={400: {"description": "An entry could not be read; the message names it and its line."},
                        413: {"description": "Too many entries, or too many bytes."}})
async def check_api(request: Request, store: StoreDep) -> dict:
    text = await body_text(request)
    return checked(text, store)


@get_and_head(router, "/check", response_class=HTMLResponse, summary="Check a reference list: the form")
def check_form() -> HTMLResponse:
    return page(text="")


@router.post("/check", response_class=HTMLResponse, summary="Check a reference list: the answer, as a page",
             openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                 "type": "object", "properties": {"text": {"type": "string", "description": "the list, pasted"},
                                                  "file": {"type": "string", "format": "binary"}}}}}}})
async def check_page(request: Request, store: StoreDep, settings: SettingsDep) -> HTMLResponse:
    """The form is read here, not by FastAPI, so a body beyond the limit is refused before it is read."""
    length = request.headers.get("content-length", "")
    if not length.isdigit() or int(length) > MAX_BYTES + FORM_OVERHEAD:
        return page(text="", error=f"send at most {MAX_BYTES // (1024 * 1024)} MB (and a Content-Length)",
                    status=413)
    async with request.form(max_files=1, max_fields=2, max_part_size=MAX_BYTES + 1) as form:
        text, upload = form.get("text") or "", form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            text = (await upload.read(MAX_BYTES + 1)).decode("utf-8-sig", errors="replace")
    text = text if isinstance(text, str) else ""
    try:
        report = checked(text, store)
    except ProblemError as e:
        return page(text=text, error=e.detail, status=e.status)
    for result in report["results"]:
        result["href"] = local_path(result["id"], settings) if result.get("id") else None
        for notice in result.get("notices", []):
            notice["href"] = local_path(notice["id"], settings)
    return page(text=text, report=report)


def page(*, text: str, report: dict | None = None, error: str | None = None, status: int = 200) -> HTMLResponse:
    body = render("check.html", title="Check a reference list", text=text[:20_000], report=report, error=error)
    return HTMLResponse(body, status_code=status)
