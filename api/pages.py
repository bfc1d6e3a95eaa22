"""HTML for people: one page per kind of resource, browse lists, search and the home page.

Every page embeds its schema.org JSON-LD (`<script type="application/ld+json">`: the schema.org
statements of the same description, so it says exactly what the data says) and links its RDF
alternates. Pages about scholarly works (notices, articles) also carry Highwire `citation_*` meta
tags for scholarly harvesters; pages about people, organizations, journals and concepts do not,
since those tags would make harvesters index them as papers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response
from pyoxigraph import Triple

from retractkg import formats as rep
from retractkg.api import views
from retractkg.api.caching import RepresentationCache, cached_response
from retractkg.api.catalog import PAGE_SIZE, Catalog, NoticeRow
from retractkg.api.charts import Chart, ranked_bars, stacked_by_year
from retractkg.api.deps import get_catalog, get_representations, get_settings, get_store
from retractkg.api.errors import ProblemError
from retractkg.api.provenance import Provenance
from retractkg.api.resources import local_path
from retractkg.api.route_limits import slots
from retractkg.api.routing import get_and_head
from retractkg.api.templating import render
from retractkg.api.void import dataset_jsonld
from retractkg.config import Settings
from retractkg.descriptions import Description
from retractkg.jsonld import CompactionContext, dumps, frame
from retractkg.ontology import CITO, DCT, OWL, RDF, RKG, SCHEMA, SKOS
from retractkg.store import GraphStore
from retractkg.store.base import xsd_datetime
from retractkg.store.change_log import ChangeLog

router = APIRouter(tags=["pages"])
StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
CacheDep = Annotated[RepresentationCache | None, Depends(get_representations)]
PAGE_QUERY = Query(1, ge=1, le=10_000, description="Page of the list, from 1.")
HTML_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {"text/html": {}}, "description": "An HTML page."}}

SCHEMA_ORG = CompactionContext({"@vocab": SCHEMA}, {"@vocab": SCHEMA})
RDF_TYPE = RDF + "type"


def schema_org_jsonld(triples: Iterable[Triple], root: str | None) -> str:
    """The schema.org statements of a description as JSON-LD, safe inside a <script> element."""
    kept = [t for t in triples if t.predicate.value.startswith(SCHEMA)
            or (t.predicate.value == RDF_TYPE and t.object.value.startswith(SCHEMA))]
    return script_json(frame(kept, root, context=SCHEMA_ORG, repeat_leaves=True))


# Inside <script>, `</script`, `<!--` and `<script` end or change the element whatever JSON means by
# them; as JSON escapes they are the same strings and the HTML parser sees no `<` at all.
SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def script_json(document: Any) -> str:
    """JSON to embed in a <script> element: the same data, with no character the HTML parser acts on."""
    return dumps(document).decode().translate(SCRIPT_SAFE)


def _html(request: Request, body: bytes) -> Response:
    return cached_response(request, body, rep.content_type(rep.HTML), headers={"Vary": "Accept"})


def data_page(request: Request, store: GraphStore, settings: Settings, cache: RepresentationCache | None,
               build: Callable[[], bytes], *, reuse: bool = True) -> Response:
    """A page drawn from the whole graph, Last-Modified at the newest change in the change log (as the dumps).
    With `reuse` it is kept in the app's document cache, which exists only when the data cannot change
    behind the app (see `RepresentationCache`); search results are not, so as not to crowd documents out."""
    def built() -> tuple[bytes, datetime | None]:
        with slots(request, "page" if reuse else "search").held():
            newest = ChangeLog(store, settings).newest()
            return build(), xsd_datetime(newest) if newest else None

    key = (str(request.url), rep.HTML)  # with the host: pages may carry absolute URLs
    if cache is not None and reuse:
        try:
            found = cache.get_or_build(key, built, wait=settings.query_timeout)
        except TimeoutError as e:
            raise ProblemError(503, "busy", f"{e}; retry later", headers={"Retry-After": "2"}) from e
    else:
        found = built()
    return cached_response(request, found[0], rep.content_type(rep.HTML), last_modified=found[1],
                           headers={"Vary": "Accept"})


def highwire_date(value: str) -> str:
    return value.replace("-", "/")


def work_citation(item: dict[str, Any], authors: list[dict[str, Any]]) -> list[tuple[str, str]]:
    tags = [("citation_title", item["label"])]
    tags += [("citation_author", a["label"]) for a in authors]
    if item.get("date"):
        tags.append(("citation_publication_date", highwire_date(item["date"])))
    if item.get("journal"):
        tags.append(("citation_journal_title", item["journal"]["label"]))
    if item.get("publisher"):
        tags.append(("citation_publisher", item["publisher"]["label"]))
    for field in ("doi", "pmid"):
        if item.get(field):
            tags.append((f"citation_{field}", item[field]))
    for field, name in (("volume", "citation_volume"), ("issue", "citation_issue"), ("number", "citation_firstpage")):
        if item.get(field):
            tags.append((name, item[field]))
    return tags


def alternates(request: Request) -> list[tuple[str, str]]:
    path = request.url.path
    return [(media, f"{path}?format={name}") for name, media in
            (("jsonld", rep.JSONLD), ("ttl", rep.TURTLE), ("nt", rep.NTRIPLES), ("rdf", rep.RDFXML))]


def _rows(rows: list[NoticeRow], settings: Settings) -> list[dict[str, str]]:
    """Rows of a notice list. A notice's label mostly names its article ("Retraction of: ‹title›"): its row
    then links the article as "the article" rather than print the title twice."""
    return [{**row.__dict__, "href": local_path(row.iri, settings) or row.iri,
             "article_href": local_path(row.article, settings) or row.article,
             "article_text": "the article" if " ".join(row.article_title.split()) in " ".join(row.title.split())
             else row.article_title} for row in rows]


def page_number(request: Request) -> int:
    try:
        return max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        return 1


def listing_facet(description: Description, settings: Settings) -> str:
    """The facet of the statistics a journal's, publisher's, reason's or nature's page lists notices by; "" for
    others."""
    types = views.View(description.triples, settings).types(description.iri)
    if SCHEMA + "Periodical" in types:
        return "journal"
    if SKOS + "Concept" in types and RKG + "Reason" in types:
        return "reason"
    if SKOS + "Concept" in types and RKG + "NoticeNature" in types:
        return "nature"
    if description.iri.startswith(settings.base + "id/publisher/"):
        return "publisher"
    return ""


def listed_notices(description: Description, catalog: Catalog, settings: Settings,
                   page: int) -> list[NoticeRow] | None:
    """The notices a journal's or a reason's page lists (its `page`th page), from the catalogue; None for others."""
    facet = listing_facet(description, settings)
    return catalog.notices(**{facet: description.iri}, page=page) if facet else None


def entity_charts(description: Description, catalog: Catalog, settings: Settings) -> list[Chart]:
    """The timeline of a journal's, publisher's or reason's notices, by year and nature (none for others)."""
    facet = listing_facet(description, settings)
    if not facet:
        return []
    chart = stacked_by_year(f"timeline-{facet}", f"Notices per year ({facet}), by nature",
                                   catalog.timeline(facet, description.iri))
    return [chart] if chart else []


def description_page(description: Description, settings: Settings, request: Request,
                     listed: list[NoticeRow] | None = None, charts: Sequence[Chart] = (),
                     provenance: Provenance | None = None) -> bytes:
    """The HTML page of one described resource (see `retractkg.descriptions`); `listed` are the notices
    a journal's or reason's page lists (`listed_notices`), `charts` their timeline (`entity_charts`),
    `provenance` the source records it was read from."""
    view = views.View(description.triples, settings)
    iri = description.iri
    common = {"iri": iri, "alternates": alternates(request), "provenance": provenance,
              "json_ld": schema_org_jsonld(description.triples, iri), "title": view.label(iri), "charts": charts}
    types = view.types(iri)

    def more(kind: str) -> list[dict[str, Any]]:
        return views.properties(view, iri, views.SHOWN[kind])

    if RKG + "Notice" in types:
        notice = views.notice(view, iri)
        article = notice["articles"][0] if notice["articles"] else {}
        notice.setdefault("publisher", notice["publisher_link"])
        byline = notice["signatories"] or article.get("authors", [])
        return render("notice.html", n=notice, citation=work_citation(notice, byline), statements=more("notice"),
                      **common)
    if RKG + "Article" in types or SCHEMA + "ScholarlyArticle" in types:
        article = views.article(view, iri)
        return render("article.html", a=article, citation=work_citation(article, article["authors"]),
                      statements=more("article"), **common)
    if SCHEMA + "Person" in types:
        return render("person.html", p=views.person(view, iri), works=_works(view, iri), statements=more("person"),
                      **common)
    if iri.startswith(settings.base + "id/org/") or (
            SCHEMA + "Organization" in types and view.subjects(SCHEMA + "affiliation", iri)):
        members = [{**view.link(p), "works": [view.link(w) for w in view.subjects(SCHEMA + "author", p)]}
                   for p in view.subjects(SCHEMA + "affiliation", iri)]
        works = [view.link(w) for w in view.subjects(SCHEMA + "sourceOrganization", iri)]
        return render("organization.html", o=views.organization(view, iri), members=members, works=works,
                      statements=more("organization"), **common)
    page = page_number(request)
    if iri.startswith(settings.base + "id/publisher/"):
        rows = listed or []
        facts = [("Also named", name) for name in view.texts(iri, SCHEMA + "name") if name != view.label(iri)]
        facts += [("Imprint of", view.link(p)) for p in view.iris(iri, SCHEMA + "parentOrganization")]
        facts += [("Also written", name) for name in view.texts(iri, SCHEMA + "alternateName")]
        return render("listing.html", kind="Publisher", heading=view.label(iri), facts=facts, counts=None,
                      rows=_rows(rows, settings), rows_heading="Notices", page=page,
                      more=len(rows) == PAGE_SIZE, pager_base="?", statements=more("publisher"),
                      statements_heading="More statements", **common)
    if SCHEMA + "Periodical" in types:
        rows = listed or []
        return render("listing.html", kind="Journal", heading=view.label(iri), facts=journal_facts(view, iri),
                      counts=None, rows=_rows(rows, settings), rows_heading="Notices", page=page,
                      more=len(rows) == PAGE_SIZE, pager_base="?", statements=more("journal"),
                      statements_heading="More statements", **common)
    if SKOS + "Concept" in types:
        facet = listing_facet(description, settings)  # a reason's or a nature's page lists its notices
        rows = (listed or []) if facet else None
        schemes = view.links(iri, SKOS + "inScheme")
        facts = [("Scheme", schemes[0])] if schemes else []
        facts += [("Also worded", label) for label in view.texts(iri, SKOS + "altLabel")]
        return render("listing.html", kind=facet.capitalize() or "Concept", heading=view.label(iri),
                      facts=facts, definition=view.text(iri, SKOS + "definition"), counts=None,
                      rows=_rows(rows, settings) if rows is not None else None,
                      rows_heading="Notices with this reason" if facet == "reason" else "Notices of this nature",
                      page=page if rows is not None else 0, more=rows is not None and len(rows) == PAGE_SIZE,
                      pager_base="?", statements=views.properties(view, iri), **common)
    if SKOS + "ConceptScheme" in types:
        concepts = sorted((view.link(c) for c in view.subjects(SKOS + "inScheme", iri)
                           + view.iris(iri, SKOS + "hasTopConcept")), key=lambda c: c["label"])
        unique = list({c["iri"]: c for c in concepts}.values())
        return render("listing.html", kind="Concept scheme", heading=view.label(iri), counts=None, rows=None,
                      definition=view.text(iri, DCT + "description"), concepts=unique,
                      **common)
    if OWL + "Ontology" in types:
        return render("listing.html", kind="Ontology", heading=view.label(iri), counts=None, rows=None,
                      definition=view.text(iri, DCT + "description"), terms=views.terms(view, iri), **common)
    return render("listing.html", kind="Resource", heading=view.label(iri), counts=None, rows=None,
                  statements=views.properties(view, iri), **common)


def journal_facts(view: views.View, iri: str) -> list[tuple[str, Any]]:
    """A journal's names, ISSNs (with the ISSN portal's record), publishers, and the volumes and issues the
    graph knows (a volume or issue is a journal page of its own, with its number)."""
    label = view.label(iri)
    facts: list[tuple[str, Any]] = [("Also named", name) for name in view.texts(iri, SCHEMA + "name") if name != label]
    facts += [("ISSN", {"href": s, "label": s.rsplit("/", 1)[-1], "external": True})
              for s in view.iris(iri, SCHEMA + "sameAs") if "portal.issn.org" in s]
    listed = {f[1]["label"] for f in facts if f[0] == "ISSN"}
    facts += [("ISSN", number) for number in view.texts(iri, SCHEMA + "issn") if number not in listed]
    facts += [("Same as", {"href": s, "label": s, "external": True})
              for s in view.iris(iri, SCHEMA + "sameAs") if "portal.issn.org" not in s]
    facts += [("Publisher", view.link(p)) for p in view.iris(iri, SCHEMA + "publisher")]
    facts += [("Part of", view.link(p)) for p in view.iris(iri, SCHEMA + "isPartOf")]
    parts = []
    for part in view.subjects(SCHEMA + "isPartOf", iri):
        kind = "Volume" if SCHEMA + "PublicationVolume" in view.types(part) else "Issue"
        numbers = view.texts(part, SCHEMA + "volumeNumber") + view.texts(part, SCHEMA + "issueNumber")
        parts.append((kind, {**view.link(part), "label": ", ".join(numbers) or view.label(part)}))
    # Volumes, then issues, each in number order ("9" before "10"): the page names each kind once.
    return facts + sorted(parts, key=lambda f: (f[0] != "Volume", _number_order(f[1]["label"])))


def _number_order(label: str) -> tuple[int, str]:
    digits = label.split(",")[0].strip()
    return (int(digits), label) if digits.isdigit() else (1 << 62, label)


def _works(view: views.View, person: str) -> list[dict[str, Any]]:
    works = []
    for work in view.subjects(SCHEMA + "author", person):
        position, corresponding = "", False
        for authorship in view.iris(work, RKG + "authorship"):
            if person in view.iris(authorship, RKG + "agent"):
                position = view.text(authorship, RKG + "position")
                corresponding = view.text(authorship, RKG + "isCorresponding") == "true"
        works.append({**view.work_link(work), "position": position, "corresponding": corresponding,
                      "notices": [views.notice_summary(view, n) for n in view.iris(work, CITO + "isUpdatedBy")]})
    return works


# -- routes ------------------------------------------------------------------------------------------

def years_chart(catalog: Catalog) -> Chart | None:
    return stacked_by_year("notices-per-year", "Notices per year, by nature", catalog.timeline())


def reasons_chart(catalog: Catalog, *, top: int) -> Chart | None:
    return ranked_bars("top-reasons", f"The {top} reasons given most", [(c.label, c.count)
                                                                         for c in catalog.reasons()[:top]])


def collection_jsonld(name: str, parts: list[tuple[str, str]]) -> str:
    return script_json({"@context": {"@vocab": SCHEMA}, "@type": "CollectionPage", "name": name,
                        "hasPart": [{"@id": iri, "name": label} for iri, label in parts]})


@get_and_head(router, "/", response_class=Response, responses=HTML_RESPONSES,
              summary="Home page, with the dataset description")
def home(request: Request, store: StoreDep, settings: SettingsDep, cache: CacheDep) -> Response:
    def build() -> bytes:
        catalog = get_catalog(request)
        totals = [{"href": local_path(c.iri, settings), "label": c.label, "count": c.count} for c in catalog.totals()]
        body = render("home.html", title="Home", totals=totals,
                      charts=[c for c in (years_chart(catalog), reasons_chart(catalog, top=10)) if c],
                      json_ld=script_json(dataset_jsonld(settings, str(request.base_url))))
        return body

    return data_page(request, store, settings, cache, build)


@get_and_head(router, "/browse", response_class=Response, responses=HTML_RESPONSES, summary="Browse lists")
def browse(request: Request) -> Response:
    lists = [("/browse/reasons", "Notices by reason"), ("/browse/years", "Notices by year"),
             *((f"/browse/{kind}", heading) for kind, (heading, *_) in COUNT_LISTS.items())]
    counts = [{"href": href, "label": label, "count": ""} for href, label in lists]
    body = render("listing.html", kind="Browse", heading="Browse the graph", title="Browse", counts=counts,
                  count_heading="List", rows=None, json_ld=collection_jsonld("Browse", []))
    return _html(request, body)


@get_and_head(router, "/browse/reasons", response_class=Response, responses=HTML_RESPONSES,
              summary="Reasons, with counts")
def browse_reasons(request: Request, store: StoreDep, settings: SettingsDep, cache: CacheDep) -> Response:
    def build() -> bytes:
        catalog = get_catalog(request)
        counts = catalog.reasons()
        items = [{"href": local_path(c.iri, settings), "label": c.label, "count": c.count} for c in counts]
        body = render("listing.html", kind="Browse", heading="Notices by reason", title="Reasons", counts=items,
                      charts=[c for c in (reasons_chart(catalog, top=20),) if c],
                      count_heading="Reason", rows=None,
                      json_ld=collection_jsonld("Notices by reason", [(c.iri, c.label) for c in counts]))
        return body

    return data_page(request, store, settings, cache, build)


@get_and_head(router, "/browse/years", response_class=Response, responses=HTML_RESPONSES, summary="Years, with counts")
def browse_years(request: Request, store: StoreDep, settings: SettingsDep, cache: CacheDep) -> Response:
    def build() -> bytes:
        catalog = get_catalog(request)
        counts = catalog.years()
        items = [{"href": f"/browse/years/{c.label}", "label": c.label, "count": c.count} for c in counts]
        body = render("listing.html", kind="Browse", heading="Notices by year", title="Years", counts=items,
                      charts=[c for c in (years_chart(catalog),) if c],
                      count_heading="Year", rows=None, json_ld=collection_jsonld("Notices by year", []))
        return body

    return data_page(request, store, settings, cache, build)


@get_and_head(router, "/browse/years/{year}", response_class=Response, responses=HTML_RESPONSES,
              summary="Notices published in one year")
def browse_year(year: str, request: Request, store: StoreDep, settings: SettingsDep, cache: CacheDep,
                page: int = PAGE_QUERY) -> Response:
    def build() -> bytes:
        rows = get_catalog(request).notices(year=year, page=page)
        body = render("listing.html", kind="Year", heading=f"Notices of {year}", title=year, counts=None,
                      rows=_rows(rows, settings), rows_heading="Notices", page=page, more=len(rows) == PAGE_SIZE,
                      pager_base="?", json_ld=collection_jsonld(f"Notices of {year}", [(r.iri, r.title) for r in rows]))
        return body

    return data_page(request, store, settings, cache, build)


# Lists counting notices through the article they are about: {path: (heading, title, count heading, Catalog method)}
COUNT_LISTS = {"journals": ("Notices by journal", "Journals", "Journal", Catalog.journals),
               "publishers": ("Notices by publisher", "Publishers", "Publisher", Catalog.publishers),
               "countries": ("Notices by country", "Countries", "Country", Catalog.countries),
               "subjects": ("Notices by subject", "Subjects", "Subject", Catalog.subjects)}


@get_and_head(router, "/browse/{kind}", response_class=Response, responses=HTML_RESPONSES,
              summary="Journals, publishers, countries or subjects, with the notices about their articles counted")
def browse_counts(kind: str, request: Request, store: StoreDep, settings: SettingsDep, cache: CacheDep,
                  page: int = PAGE_QUERY) -> Response:
    if kind not in COUNT_LISTS:
        raise ProblemError(404, "not-found", f"no list /browse/{kind}; try {', '.join(COUNT_LISTS)}")
    heading, title, count_heading, counts_of = COUNT_LISTS[kind]

    def build() -> bytes:
        counts = counts_of(get_catalog(request), page)
        items = [{"href": local_path(c.iri, settings) or f"/browse/{kind}/{quote(c.iri, safe='')}", "label": c.label,
                  "count": c.count} for c in counts]
        return render("listing.html", kind="Browse", heading=heading, title=title, counts=items,
                      count_heading=count_heading, rows=None, page=page, more=len(counts) == PAGE_SIZE,
                      pager_base="?", json_ld=collection_jsonld(heading, [(c.iri, c.label) for c in counts]))

    return data_page(request, store, settings, cache, build)


# `name:path`: a subject may hold a slash ("(HSC) Radiology/Imaging"), which the client sends as %2F and the
# server decodes before routing.
@get_and_head(router, "/browse/{kind}/{name:path}", response_class=Response, responses=HTML_RESPONSES,
              summary="Notices about articles of one country or subject (as written by the sources)")
def browse_named(kind: str, name: str, request: Request, store: StoreDep, settings: SettingsDep, cache: CacheDep,
                 page: int = PAGE_QUERY) -> Response:
    if kind not in ("countries", "subjects"):
        raise ProblemError(404, "not-found", f"no list /browse/{kind}/…; try countries or subjects")

    def build() -> bytes:
        rows = get_catalog(request).notices(**{"country" if kind == "countries" else "subject": name}, page=page)
        return render("listing.html", kind=COUNT_LISTS[kind][2], heading=name, title=name, counts=None,
                      rows=_rows(rows, settings), rows_heading="Notices", page=page, more=len(rows) == PAGE_SIZE,
                      pager_base="?", json_ld=collection_jsonld(name, [(r.iri, r.title) for r in rows]))

    return data_page(request, store, settings, cache, build)
