"""Search: ranked pages of notices, articles and people, facets with counts, and the result set exported.

Words are matched in the full-text index and facets counted in the per-notice statistics of the same
file (`retractkg.store.text_index`, `retractkg.store.notice_statistics`): no request reads the graph
but a DOI lookup. Facet values chosen (`?reason=…&year=2021`, each repeatable) must all hold, and keep
only notices; with no words they list every notice that has them, newest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse

from retractkg.api.conneg import negotiate
from retractkg.api.deps import get_catalog, get_text_index
from retractkg.api.errors import ProblemError
from retractkg.api.pages import PAGE_QUERY, CacheDep, SettingsDep, StoreDep, data_page, script_json
from retractkg.api.resources import local_path
from retractkg.api.route_limits import slots
from retractkg.api.routing import get_and_head
from retractkg.api.search_export import EXPORT_AT_MOST, EXPORT_FORMATS, export_chunks
from retractkg.api.templating import render
from retractkg.jsonld import dumps
from retractkg.ontology import SCHEMA
from retractkg.ontology.identifiers import normalize_doi
from retractkg.store.notice_statistics import Count
from retractkg.store.text_index import COUNT_AT_MOST, FACET_WINDOW, RANK_AT_MOST, IndexMissing, TextIndex

router = APIRouter(tags=["pages"])
PAGE_SIZE = 50
FACET_TOP = 10  # values shown per facet
FACET_HEADINGS = {"nature": "Nature", "reason": "Reason", "year": "Year", "journal": "Journal",
                  "publisher": "Publisher", "country": "Country", "subject": "Subject"}
MAX_CHOSEN = 12  # facet values one search may combine


@dataclass(frozen=True)
class Filters:
    """The facet values a search keeps, as asked: [(facet, value)], in a stable order."""
    chosen: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, asked: dict[str, list[str]]) -> Filters:
        chosen = tuple(sorted({(facet, value) for facet, values in asked.items() for value in values if value}))
        if len(chosen) > MAX_CHOSEN:
            raise ProblemError(400, "bad-parameter", f"{len(chosen)} facet values: at most {MAX_CHOSEN} at once")
        return cls(chosen)

    def terms(self, index: TextIndex) -> list[int] | None:
        """The statistics' ids of the chosen values; None if one of them is no value of the graph."""
        statistics = index.statistics()
        terms = [t for facet, value in self.chosen for t in statistics.term(facet, [value])]
        return terms if len(terms) == len(self.chosen) else None

    def as_json(self) -> list[dict[str, str]]:
        return [{"facet": facet, "value": value} for facet, value in self.chosen]

    def query(self, q: str, **more: Any) -> str:
        return urlencode([("q", q), *self.chosen, *((k, v) for k, v in more.items())])

    def without(self, facet: str, value: str) -> Filters:
        return Filters(tuple(c for c in self.chosen if c != (facet, value)))

    def adding(self, facet: str, value: str) -> Filters:
        return Filters(tuple(sorted({*self.chosen, (facet, value)})))


def _values(facet: str, example: str) -> Any:
    return Annotated[list[str] | None, Query(description=f"Keep notices of this {facet} (repeatable; every value "
                                                         f"chosen must hold), as /search's facets give it: {example}.")]


NatureValues, ReasonValues = _values("nature", "its IRI"), _values("reason", "its IRI")
YearValues, JournalValues = _values("year", "four digits"), _values("journal", "its IRI")
PublisherValues = _values("publisher", "its IRI")
CountryValues, SubjectValues = _values("country", "as the sources write it"), _values("subject", "as written")


def chosen_filters(nature: NatureValues = None, reason: ReasonValues = None, year: YearValues = None,
                   journal: JournalValues = None, publisher: PublisherValues = None, country: CountryValues = None,
                   subject: SubjectValues = None) -> Filters:
    return Filters.of({"nature": nature or [], "reason": reason or [], "year": year or [], "journal": journal or [],
                       "publisher": publisher or [], "country": country or [], "subject": subject or []})


FiltersDep = Annotated[Filters, Depends(chosen_filters)]


@dataclass
class Results:
    total: int
    hits: list[dict[str, str]]
    facets: dict[str, list[Count]]
    facets_capped: bool = False  # counted among the newest `FACET_WINDOW` notices found only


def find(request: Request, q: str, filters: Filters, page: int, settings) -> Results:
    """One page of results and the facets of all of them."""
    doi_hits = get_catalog(request).by_doi(q) if normalize_doi(q.strip()) and not filters.chosen else None
    if doi_hits is not None:
        matches = [(hit.iri, hit.kind, hit.label, hit.detail) for hit in doi_hits]
        total, facets, capped = len(matches), {}, False
    else:
        try:
            index = get_text_index(request)
            terms = filters.terms(index)
            if terms is None:
                return Results(0, [], {})
            total, rows = index.search(q, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, terms=terms)
            facets, capped = index.facets(q, terms, top=FACET_TOP) if q.strip() or terms else ({}, False)
        except IndexMissing as e:
            raise ProblemError(503, "no-search-index", str(e)) from e
        matches = [(m.iri, m.kind, m.label, m.detail) for m in rows]
    hits = [{"iri": iri, "kind": kind, "label": label, "detail": detail, "href": local_path(iri, settings) or iri}
            for iri, kind, label, detail in matches]
    return Results(total, hits, facets, capped)


def newest_first(q: str, total: int) -> bool:
    """Whether the results are listed newest first rather than best first (`TextIndex.search`)."""
    return not q.strip() or total > RANK_AT_MOST


def facets_json(facets: dict[str, list[Count]]) -> dict[str, list[dict[str, Any]]]:
    return {facet: [{"value": c.value, "label": c.label, "count": c.count} for c in counts]
            for facet, counts in facets.items()}


def facets_view(q: str, filters: Filters, facets: dict[str, list[Count]]) -> list[dict[str, Any]]:
    """Each facet with its values as links that add (or, when chosen, remove) the value."""
    chosen = set(filters.chosen)
    view = []
    for facet, counts in facets.items():
        values = [{"label": c.label, "count": c.count, "chosen": (facet, c.value) in chosen,
                   "href": "/search?" + (filters.without(facet, c.value) if (facet, c.value) in chosen
                                         else filters.adding(facet, c.value)).query(q)} for c in counts]
        if values:
            view.append({"facet": facet, "heading": FACET_HEADINGS[facet], "options": values})
    return view


@get_and_head(router, "/search", response_class=Response,
              responses={200: {"content": {"text/html": {}, "application/json": {}},
                               "description": "A page of results, best first (newest first past 3,000 matches: "
                                              "`newestFirst`), "
                                              "with facet counts: HTML, or JSON for programs."}},
              summary="Search notices, articles and authors by DOI, title words, names or notice text; facets")
def search(request: Request, store: StoreDep, settings: SettingsDep, cache: CacheDep, filters: FiltersDep,
           q: str = Query("", max_length=300, description="A DOI (any form), or words of titles, names or notices."),
           page: int = PAGE_QUERY) -> Response:
    media_type = negotiate(request.headers.get("accept"), ["text/html", "application/json"])

    if media_type == "application/json":
        with slots(request, "search").held():
            results = find(request, q, filters, page, settings)
        body = dumps({"query": q, "filters": filters.as_json(), "page": page, "pageSize": PAGE_SIZE,
                      "total": results.total, "totalIsLowerBound": results.total >= COUNT_AT_MOST,
                      "newestFirst": newest_first(q, results.total),
                      "results": results.hits, "facets": facets_json(results.facets),
                      "facetsCountNewest": FACET_WINDOW if results.facets_capped else None,
                      "export": {fmt: "/search/export?" + filters.query(q, format=fmt) for fmt in EXPORT_FORMATS}})
        return Response(body, media_type="application/json", headers={"Vary": "Accept"})

    def build() -> bytes:
        results = find(request, q, filters, page, settings)
        total = results.total
        pages = min(-(-total // PAGE_SIZE), COUNT_AT_MOST // PAGE_SIZE)
        labels = {(c.facet, c.value): c.label for counts in results.facets.values() for c in counts}
        chosen = [{"heading": FACET_HEADINGS[f], "label": labels.get((f, v), v),
                   "href": "/search?" + filters.without(f, v).query(q)} for f, v in filters.chosen]
        return render("search.html", title="Search", query=q, hits=results.hits, total=total, page=page, pages=pages,
                      capped=total >= COUNT_AT_MOST, newest_first=newest_first(q, total),
                      facets=facets_view(q, filters, results.facets), chosen=chosen,
                      chosen_inputs=filters.chosen, facets_capped=results.facets_capped, facet_window=FACET_WINDOW,
                      searched=bool(q.strip() or filters.chosen),
                      page_href=lambda number: "/search?" + filters.query(q, page=number),
                      exports=[(fmt.upper(), "/search/export?" + filters.query(q, format=fmt))
                               for fmt in EXPORT_FORMATS] if results.facets else [],
                      json_ld=script_json({"@context": {"@vocab": SCHEMA}, "@type": "SearchResultsPage", "name": q,
                                           "hasPart": [{"@id": h["iri"], "name": h["label"]}
                                                       for h in results.hits]}))

    return data_page(request, store, settings, cache, build, reuse=False)


@router.get("/search/export", response_class=Response,
            responses={200: {"content": {"text/csv": {}, "application/json": {}},
                             "description": "Every notice of the search, newest first, streamed."},
                       413: {"description": f"More than {EXPORT_AT_MOST:,} notices: narrow the search."}},
            summary="The notices of a search (words and facet values) as CSV or JSON")
def export(request: Request, filters: FiltersDep,
           q: str = Query("", max_length=300, description="Words, as for /search."),
           format: str = Query("csv", pattern="^(csv|json)$", description="csv or json")) -> Response:
    with slots(request, "search").held():
        try:
            index = get_text_index(request)
        except IndexMissing as e:
            raise ProblemError(503, "no-search-index", str(e)) from e
        terms = filters.terms(index)
        ids = index.notice_ids(q, terms, at_most=EXPORT_AT_MOST + 1) if terms is not None else []
    if len(ids) > EXPORT_AT_MOST:
        raise ProblemError(413, "too-many", f"the search has more than {EXPORT_AT_MOST:,} notices: choose a facet "
                                            "value or more words")
    media_type, chunks = export_chunks(index, ids, format, {"query": q, "filters": filters.as_json()})
    return StreamingResponse(chunks, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="retractkg-notices.{format}"'})
