"""Issue 11, from a reader's side: what a person sees on pages built from the real shared data.

Each test follows what a person does (open a list, follow its links, read a page's headings) through
HTTP on a store made by `retractkg ingest` from files under ../shared.
"""

from __future__ import annotations

import gzip
import html as entities
import re
from pathlib import Path

import pytest

from retractkg.cli import main
from retractkg.config import Settings

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
COVID = SHARED / "retraction-watch" / "rw_covid19_subset_dev_rawformat.csv"
# A Nature notice naming its article only as "Scientific Reports, published online 13 January 2021".
SCIREP = SHARED / "notices" / "pages" / "nature_scirep_s41598-022-15749-8.txt"
CROSSREF = SHARED / "crossref" / "open_retractions_api_records.jsonl.gz"
# A Lancet retraction that a Retraction Watch row names by title and a Crossref update record by its DOI alone.
LANCET = "10.1016/s0140-6736(20)31324-6"
pytestmark = pytest.mark.skipif(not all(p.exists() for p in (COVID, SCIREP, CROSSREF)),
                                reason="../shared is not beside the checkout")
BASE = Settings().base
HASH = re.compile(r"\b[0-9a-f]{16}\b")
LOG = f"GRAPH <{BASE}graph/changes>"
AS = "https://www.w3.org/ns/activitystreams#"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("realdata")
    path, updates = folder / "store", folder / "lancet_updates.jsonl"
    with gzip.open(CROSSREF, "rt", encoding="utf-8") as lines:  # the Crossref update records of that notice
        updates.write_text("".join(line for line in lines if LANCET in line), encoding="utf-8")
    # Small batches: the change log holds several publication times, as a large ingest's does.
    assert main(["ingest", str(COVID), str(SCIREP), str(updates), "--quiet", "--batch-quads", "4000",
                 "--store", str(path)]) == 0
    return path


def links(html: str, prefix: str) -> list[tuple[str, str]]:
    return re.findall(rf'<a href="({re.escape(prefix)}[^"]+)"[^>]*>([^<]+)</a>', html)


@pytest.mark.parametrize("kind", ["subjects", "countries"])
def test_every_entry_of_the_subject_and_country_lists_opens_with_the_count_it_was_listed_with(client, kind):
    """A subject with a slash in its name ("(HSC) Biostatistics/Epidemiology") is linked as %2F; its page opens."""
    listing = client.get(f"/browse/{kind}").text
    rows = re.findall(rf'<a href="(/browse/{kind}/[^"]+)">([^<]+)</a></td><td class="count">([\d,]+)</td>', listing)
    assert rows
    if kind == "subjects":
        assert any("%2F" in href for href, _, _ in rows)
    for href, label, count in rows:
        page = client.get(href)
        assert page.status_code == 200, (href, page.status_code)
        assert f"<h1>{label}</h1>" in page.text
        if int(count.replace(",", "")) < 50:  # one page of the list holds them all
            assert page.text.count("<tr><td>") == int(count), href


def test_an_article_known_by_a_citation_is_named_by_it_not_by_a_hash(client, store):
    """The notice names its article "Scientific Reports, published online 13 January 2021": the notice's page,
    the article's own page and the notice's label read so, never as the IRI's hash."""
    [row] = list(store.query("SELECT DISTINCT ?n ?a WHERE { ?n <http://purl.org/spar/cito/updates> ?a . "
                             "?a <https://w3id.org/retractkg/ontology#citation> ?c }"))
    notice, article = (row["n"].value, row["a"].value)
    citation = "Scientific Reports, published online 13 January 2021"
    article_page = client.get(article.replace(BASE + "id/", "/doc/")).text
    assert f"<h1>{citation}</h1>" in article_page
    notice_page = client.get(notice.replace(BASE + "id/", "/doc/")).text
    shown = re.sub(r"<script.*?</script>|<head>.*?</head>", "", notice_page, flags=re.S)
    assert f"<strong>{citation}</strong></a>" in shown
    words = re.sub(r"https?://\S+", "", re.sub(r"<[^>]+>", " ", shown))  # the page's own IRI is shown whole
    assert not HASH.search(words), words[HASH.search(words).start() - 100:][:200]
    # A search lists it by its citation too, not by its IRI.
    found = client.get("/search", params={"q": "Nasrullah Khan"}, headers={"Accept": "application/json"}).json()
    assert {r["label"] for r in found["results"] if r["iri"] == article} == {citation}


def logged_in_order(store, newest_first: bool) -> list[str]:
    """The change log in the feed's documented order, as SPARQL sorts it."""
    order = "DESC(?t) DESC(?c)" if newest_first else "?t ?c"
    return [s["c"].value for s in store.query(
        f"SELECT ?c WHERE {{ {LOG} {{ ?c <{AS}published> ?t }} }} "
        f"ORDER BY {order}")]


def test_the_change_feed_and_the_recent_changes_page_keep_the_logs_order_across_batches(client, store):
    """Every page of /changes (oldest first) and of /recent-changes (newest first) holds the log's changes in
    the order SPARQL's ORDER BY gives, across the ingest's several batches; /recent-changes names each notice
    by its label."""
    oldest_first = logged_in_order(store, newest_first=False)
    times = {s["t"].value for s in store.query(
        f"SELECT DISTINCT ?t WHERE {{ {LOG} {{ ?c <{AS}published> ?t }} }}")}
    assert len(times) > 2 and len(oldest_first) > 200
    fed, page = [], 1
    feed = {"Accept": "application/activity+json"}
    while (response := client.get(f"/changes?page={page}", headers=feed)).status_code == 200:
        fed += [item["id"] for item in response.json()["orderedItems"]]
        page += 1
    assert fed == oldest_first
    labels = {s["n"].value: s["l"].value for s in store.query(
        "SELECT ?n (MIN(?x) AS ?l) WHERE { ?n a <https://w3id.org/retractkg/ontology#Notice> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?x } GROUP BY ?n")}
    newest_first = logged_in_order(store, newest_first=True)
    objects = {s["c"].value: s["o"].value for s in store.query(
        f"SELECT ?c ?o WHERE {{ {LOG} {{ ?c <{AS}object> ?o }} }}")}
    shown, sources, page = [], [], 1
    while True:
        html = client.get(f"/recent-changes?page={page}").text
        shown += re.findall(r'<tr><td><time datetime="[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC</time></td>'
                            r'<td><a href="[^"]+">([^<]+)</a>', html)
        sources += re.findall(r'<td><a href="/graph/[^"]+">([^<]+)</a></td></tr>', html)
        if 'rel="next"' not in html:
            break
        page += 1
    assert [entities.unescape(text) for text in shown] == [labels[objects[c]] for c in newest_first]
    assert set(sources) == {"Retraction Watch database export record", "notice text record",
                            "Crossref update records (open-retractions dump) record"}


def test_each_nature_on_the_home_page_links_to_a_page_listing_that_many_of_its_notices(client, store):
    """"243 × Retraction" on the home page opens the nature's page, whose list pages through exactly the
    notices SPARQL finds of that nature (a nature's page listed none)."""
    totals = re.findall(r'<li>([\d,]+) × <a href="(/doc/nature/[^"]+)">([^<]+)</a></li>', client.get("/").text)
    assert len(totals) >= 3
    for count, href, label in totals:
        nature = BASE + "id/" + href.removeprefix("/doc/")
        expected = {s["n"].value for s in store.query(
            f"SELECT DISTINCT ?n WHERE {{ ?n <https://w3id.org/retractkg/ontology#nature> <{nature}> }}")}
        listed, page = [], 1
        while True:
            html = client.get(f"{href}?page={page}").text
            assert f"<h1>{label}</h1>" in html and "Notices of this nature" in html
            rows = re.findall(r'<tr><td>[^<]*</td><td><a href="/doc/([^"]+)"', html)
            listed += [BASE + "id/" + path for path in rows]
            if 'rel="next"' not in html:
                break
            page += 1
        assert int(count.replace(",", "")) == len(expected) == len(listed)
        assert set(listed) == expected, href


def test_a_notice_row_names_its_article_once(client):
    """A journal's rows read "Retraction of: ‹title›" and link the article without printing its title again."""
    journal_href = links(client.get("/browse/journals").text, "/doc/journal/")[0][0]
    html = client.get(journal_href).text
    rows = re.findall(r"<tr><td>[^<]*</td><td>(.*?)</td>", html)
    assert rows and all('<small>about: <a href="/doc/' in row for row in rows)
    for row in rows:
        text = entities.unescape(re.sub(r"<[^>]+>", " ", row))
        title = text.split("about:")[0].split(": ", 1)[-1].strip()
        assert len(title) < 20 or text.count(title) == 1, text


def test_a_notice_named_by_title_in_one_record_is_not_also_shown_named_by_a_doi(client):
    """The Retraction Watch row labels the Lancet notice "Retraction of: ‹title›"; the Crossref update record,
    knowing only the article's DOI, "Retraction of: 10.1016/…": the page shows the first, not both."""
    html = client.get(f"/doc/notice/{LANCET}").text
    known = re.findall(r'<p class="known-as">([^<]*)</p>', html)
    assert any("Hydroxychloroquine" in k for k in known) or "Hydroxychloroquine" in html.split("<h1>")[1][:300]
    assert not any(entities.unescape(k).endswith(": 10.1016/s0140-6736(20)31180-6") for k in known), known


def test_a_search_export_labels_that_notice_by_the_label_naming_its_article_by_title(client):
    """The export's label (from the statistics) is the one naming the article by title, as the page's."""
    response = client.get("/search/export", params={"q": "macrolide registry", "format": "json"})
    assert response.status_code == 200, response.text
    (row,) = [r for r in response.json()["notices"] if r["id"] == f"{BASE}id/notice/{LANCET}"]
    assert row["label"].startswith("Retraction of: Hydroxychloroquine"), row


def test_the_browse_page_lists_its_lists_without_an_empty_count_column(client):
    html = client.get("/browse").text
    assert len(re.findall(r'<tr><td><a href="/browse/[a-z]+">[^<]+</a></td></tr>', html)) == 6
    assert "<th>Notices</th>" not in html and '<td class="count"></td>' not in html
    assert "<th>Notices</th>" in client.get("/browse/journals").text  # lists that count keep their column


def test_a_natures_page_shows_no_hidden_label_and_says_which_notation_is_crossrefs(client):
    """A hidden label is a misspelling kept for matching ("retration"), not shown; the nature's two notations,
    retractkg's and Crossref's update type, read apart rather than "retraction retraction"."""
    text = re.sub(r"<[^>]+>", " ", client.get("/doc/nature/retraction").text)
    assert "retration" not in text and "hiddenLabel" not in text
    assert "retraction (CrossrefUpdateType)" in text

