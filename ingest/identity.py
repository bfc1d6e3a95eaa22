"""DOIs for articles that a record names by PMID, PMCID or title alone, and for the article of a notice that
names none, so that every source meets on one IRI.

Article IRIs are keyed by DOI when there is one (`retractkg.ingest.iris`). A PubMed notice, or a JATS
notice whose related-article gives only a PMID, would otherwise make a second resource for an
article that the Retraction Watch export or Crossref already holds under its DOI. The DOI is learnt
from records read earlier in the same run and from what the store holds (articles stating both the
PMID and the DOI); a PMID that leads to two DOIs is left alone. An article a record names by nothing but its
citation (the Retraction Watch website export leaves some articles' DOIs out where its scrape gives them) takes
the DOI of the article of the same title in the same journal (`title_in_journal`), likewise. The learnt DOI
keys the IRI only (`Article.known_doi`): the record's graph still states just the identifiers its source gives.
Likewise a notice is the resource of its own DOI, and a record that names a notice by its article
alone (a PubMed notice, a Retraction Watch row without the notice's DOI) takes the DOI that other
records give the notice of that kind about that article (`Notice.known_doi`), when they give one
only: two expressions of concern with DOIs of their own about one article leave a third without one
alone.

The run's records are learnt from in the pass that reads them before any is mapped (`pipeline.people_of`), so
each of them is mapped once, with every DOI the run gives (a first ingest rewrites nothing). A record of an
earlier run was stored under its PMID-keyed IRI when no source of the DOI had been ingested yet. So at the end
of a run, the stored records that still name a resource by a key this run gave a DOI are found
(`KnownDois.outdated_graphs`), and the pipeline reads them again from their source files and stores
them as they now map: the order in which sources are ingested does not change the graph. A store that held
no records before the run has none: the run's own records are mapped after every DOI they give is learnt,
and mapping learns nothing, so none of them names a resource by a key the run gives a DOI.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from urllib.parse import unquote

from retractkg.ingest.iris import NOTICE_NATURES, Minter, fold, name_key, notice_of
from retractkg.ingest.mapping import literal
from retractkg.ingest.model import Article, Journal, Notice, SourceRecord
from retractkg.ontology import CITO, NATURE, RKG, SCHEMA
from retractkg.ontology.identifiers import stable_hash
from retractkg.store import GraphStore

# A run into a non-empty store looks this many keys up in the store one query each (a small file's run costs a
# few queries); past them it reads every stored key once (`StoredKeys`): one query per record cost the 53,068
# Crossref records ingested beside 814 stored ones over 5 minutes, the whole read about a second.
LOOKUPS_BEFORE_READING_ALL = 200
# An article no record names by an identifier is known by its title in its journal, where the title is this many
# words or more: shorter ones ("Editorial", "Letter to the editor", "Retraction") name no one work in a journal.
TITLE_WORDS_AT_LEAST = 6
# ... and each name of the journal an article ?x is part of (through its issue and volume, if any), as ?journal.
_JOURNAL_NAMES = f"?x <{SCHEMA}isPartOf>+ ?j . ?j <{SCHEMA}name>|<{SCHEMA}alternateName> ?journal ."


class KnownDois:
    """What one ingest run knows of articles' DOIs: learnt from its records, looked up in the store once each."""

    def __init__(self, store: GraphStore, *, lookups_before_reading_all: int = LOOKUPS_BEFORE_READING_ALL) -> None:
        self.store = store
        # ("pmid", "123") / ("pmcid", "PMC123") -> the article's DOI, ("notice", "concern/10.x/y") -> the DOI of
        # the notice of that kind about that article ("" when none or ambiguous)
        self._dois: dict[tuple[str, str], str] = {}
        self._learnt: set[tuple[str, str]] = set()  # the keys this run's records gave a DOI
        self._ambiguous: set[tuple[str, str]] = set()  # ... and those they gave two
        # The source formats that gave the DOI of each notice key: a record takes a notice's DOI from other
        # sources only, since two records of one source are two notices (two rows of one export).
        self._notice_formats: dict[str, set[str]] = defaultdict(set)
        # Whether the store held source records before this run. If not, it has no DOI to tell that this run's
        # records did not, and no record that a DOI learnt in this run outdates.
        self._stored_before = bool(store.query(f"ASK {{ GRAPH ?g {{ ?g <{RKG}sourceFormat> ?format }} }}"))
        self._lookups = 0  # the store's, one key each; past `lookups_before_reading_all`, `StoredKeys` reads all
        self._lookups_at_most = lookups_before_reading_all
        self._stored: StoredKeys | None = None
        self._stored_titles: dict[str, set[str]] | None = None  # title in journal -> DOIs, read at the first question
        # Notices with a DOI of their own about an article named by PMID or PMCID alone, with that DOI and the
        # format: the DOI other records give the article keys the notice too, once they are all read (`settle`).
        self._unsettled: list[tuple[Notice, str, str]] = []

    def learn(self, record: SourceRecord) -> None:
        """Remember the DOI of every article the record names with a DOI and a PMID or PMCID, and the
        DOI of a notice about one article that states its own DOI."""
        notice = record.notice
        for article in notice.articles:
            if article.doi:
                for key in _keys(article):
                    self._remember(key, article.doi)
        if notice.own_doi and len(notice.articles) == 1:
            self._remember(("notice", value := notice_of(notice)), notice.own_doi)
            self._notice_formats[value].add(record.format)
            article = notice.articles[0]
            if not (article.doi or article.known_doi) and _keys(article):
                about = Article(pmid=article.pmid, pmcid=article.pmcid, title=article.title,
                                journal=Journal(name=article.journal.name))
                self._unsettled.append((Notice(nature=notice.nature, articles=[about]), notice.own_doi, record.format))

    def settle(self) -> None:
        """After `learn` has read every record: a notice learnt about an article named by PMID or PMCID alone is
        also the notice about the DOI other records give that article (a JATS notice naming its article by PMID,
        a Retraction Watch row by DOI), whichever record was read first."""
        for notice, doi, format in self._unsettled:
            notice.articles[0].known_doi = self.article_doi(notice.articles[0])
            if notice.articles[0].known_doi:
                self._remember(("notice", value := notice_of(notice)), doi)
                self._notice_formats[value].add(format)
        self._unsettled.clear()

    def _remember(self, key: tuple[str, str], doi: str) -> None:
        """Records that give one key two DOIs leave it without one, as the store lookup does."""
        if self._dois.get(key) not in (None, "", doi):
            self._ambiguous.add(key)
        self._dois[key] = "" if key in self._ambiguous else doi
        self._learnt.add(key)

    def complete(self, record: SourceRecord) -> None:
        """Give each article named without a DOI the DOI that other records give it, and a notice named by its
        article alone the DOI other records give that notice, where known."""
        notice = record.notice
        for article in notice.articles:
            if not article.doi:
                article.known_doi = self.article_doi(article)
        if not notice.own_doi and len(notice.articles) == 1:
            notice.known_doi = self._notice_doi(notice_of(notice), record.format)

    def article_doi(self, article: Article) -> str:
        """The DOI records give an article that this one names by PMID or PMCID alone (by PMID first), or by its
        title in its journal, or ""."""
        return next((doi for key in _keys(article) if (doi := self._lookup(key))), "")

    def forget_titles_of(self, dois: Collection[str]) -> None:
        """A DOI records give works of different titles (a supplement's: `retractkg.ingest.shared_dois`) is no one
        work's, so no title leads to it."""
        for key, doi in self._dois.items():
            if key[0] == "title" and doi in dois:
                self._dois[key] = ""

    def _notice_doi(self, value: str, format: str) -> str:
        """The DOI other sources than `format` give the notice of this `{kind}/{article key}`, or ""."""
        doi = self._lookup(("notice", value))
        return doi if doi and self._notice_formats[value] - {format} else ""

    def _lookup(self, key: tuple[str, str]) -> str:
        if key not in self._dois:
            if not self._stored_before:  # the run's own records are all there is, and `learn` read them
                return ""
            kind, value = key
            if kind == "title":
                return self._stored_title_doi(key)
            self._lookups += 1
            if self._stored is None and self._lookups > self._lookups_at_most:
                self._stored = StoredKeys(self.store)
            if kind == "notice":
                return self._stored_notice_doi(value)
            if self._stored is not None:
                found = set(self._stored.article_dois.get(key, ()))
            else:
                pattern = f"?a a <{RKG}Article> ; <{RKG}{kind}> {literal(value)} ; <{RKG}doi> ?doi"
                query = f"SELECT DISTINCT ?doi WHERE {{ {pattern} }} LIMIT 2"
                found = {s["doi"].value for s in self.store.query(query)}
            self._dois[key] = found.pop() if len(found) == 1 else ""
        return self._dois[key]

    def _stored_title_doi(self, key: tuple[str, str]) -> str:
        """The DOI the store gives the article of this title in its journal, when it gives one. Every stored article
        with a DOI, a title and a journal is read at the first such question (the store finds a literal at once only
        as written, and sources write one title in different cases and punctuation): 1.2 s for 8,369 records."""
        if self._stored_titles is None:
            self._stored_titles = defaultdict(set)
            for s in self.store.query(f"""SELECT DISTINCT ?title ?journal ?doi WHERE {{
                    ?x a <{RKG}Article> ; <{RKG}doi> ?doi ; <{SCHEMA}name> ?title . {_JOURNAL_NAMES} }}"""):
                self._stored_titles[title_in_journal(s["title"].value, s["journal"].value)].add(s["doi"].value)
        found = self._stored_titles.get(key[1], set())
        self._dois[key] = next(iter(found)) if len(found) == 1 else ""
        return self._dois[key]

    def _stored_notice_doi(self, value: str) -> str:
        """The DOI the store's records give the notice of this key, remembered with the formats that give it."""
        if self._stored is not None:
            found = self._stored.notice_dois.get(_notice_key(value), set())  # a citation's key (None): none
        else:
            pattern = _notice_pattern(value)
            found = {(s["doi"].value, s["format"].value) for s in self.store.query(
                f"SELECT DISTINCT ?doi ?format WHERE {{ GRAPH ?g {{ {pattern} }} "
                f"?g <{RKG}sourceFormat> ?format }} LIMIT 20")} if pattern else set()
        dois = set()
        for doi, format in found:
            dois.add(doi)
            self._notice_formats[value].add(format)
        self._dois["notice", value] = dois.pop() if len(dois) == 1 else ""
        return self._dois["notice", value]

    def outdated_graphs(self, minter: Minter) -> dict[str, set[str]]:
        """Stored records naming a resource by an IRI that a key learnt in this run replaces, as
        {source: graphs}: read again, they take the DOI-keyed IRI. A source is the file's path for a record
        of this run, the file's name (`rkg:sourceFile`) for one the store held.

        None in a store that held no records before the run (see the module's docstring). Otherwise, one pass
        over what graphs name without a DOI (the only resources that can have such an IRI: an article with a
        PMID or PMCID and no DOI, a notice with its own DOI that updates nothing), kept where the IRI is one of
        those keys', and one over articles keyed by their citation, kept where their title in their journal is a
        key learnt with a DOI. Not a lookup per learnt key: the store
        evaluates a VALUES list joined with a graph pattern by scanning every quad, once per list (6 s for the
        89,757 keys of the full export, against 1.5 s for this).
        """
        if not self._stored_before:
            return {}
        found: dict[str, set[str]] = defaultdict(set)
        iris = {_keyed_iri(minter, *key): key for key in self._learnt if key[0] != "title" and self._dois[key]}
        if iris:
            for row in self.store.query(f"""SELECT ?x ?g ?source ?format WHERE {{
                    {{ GRAPH ?g {{ ?x <{RKG}pmid> ?id MINUS {{ ?x <{RKG}doi> ?doi }} }} }}
                    UNION {{ GRAPH ?g {{ ?x <{RKG}pmcid> ?id MINUS {{ ?x <{RKG}doi> ?doi }} }} }}
                    UNION {{ GRAPH ?g {{ ?x a <{RKG}Notice> ; <{CITO}updates> ?id MINUS {{ ?x <{RKG}doi> ?doi }} }} }}
                    ?g <{RKG}sourceFile> ?source ; <{RKG}sourceFormat> ?format }}"""):
                key = iris.get(row["x"].value)
                if key and self._learnt_for(key, row["format"].value):
                    found[row["source"].value].add(row["g"].value)
        if any(kind == "title" and self._dois[kind, value] for kind, value in self._learnt):
            # Articles stored by their citation's hash (`iris.article_key`) that this run's titles give a DOI.
            for row in self.store.query(f"""SELECT DISTINCT ?g ?title ?journal ?source WHERE {{
                    GRAPH ?g {{ ?x a <{RKG}Article> ; <{SCHEMA}name> ?title
                        FILTER(STRSTARTS(STR(?x), "{minter.base}id/article/h/")) }}
                    {_JOURNAL_NAMES} ?g <{RKG}sourceFile> ?source }}"""):
                key = ("title", title_in_journal(row["title"].value, row["journal"].value))
                if key in self._learnt and self._dois[key]:
                    found[row["source"].value].add(row["g"].value)
        return dict(found)


    def _learnt_for(self, key: tuple[str, str], format: str) -> str:
        """The DOI this run learnt for a key, as a record of `format` would take it."""
        return self._dois.get(key, "") if key[0] != "notice" else self._notice_doi(key[1], format)


def _keyed_iri(minter: Minter, kind: str, value: str) -> str:
    """The IRI a record minted for the resource of this key while its DOI was unknown."""
    if kind == "notice":
        return f"{minter.base}id/notice/{value}"  # a notice named by its kind and article
    return minter.article(Article(pmid=value) if kind == "pmid" else Article(pmcid=value))


class StoredKeys:
    """Every key the store gives a DOI, read at once: articles' PMIDs and PMCIDs with their DOIs, and notices'
    (kind, identifier kind, article identifier) with their DOIs and the formats that state them, each notice
    and its article as one record's graph states them (what the one-key queries of `KnownDois` ask)."""

    def __init__(self, store: GraphStore) -> None:
        self.article_dois: dict[tuple[str, str], set[str]] = defaultdict(set)
        for row in store.query(f"""SELECT DISTINCT ?kind ?value ?doi WHERE {{
                ?a a <{RKG}Article> ; <{RKG}doi> ?doi .
                {{ ?a <{RKG}pmid> ?value BIND("pmid" AS ?kind) }}
                UNION {{ ?a <{RKG}pmcid> ?value BIND("pmcid" AS ?kind) }} }}"""):
            self.article_dois[row["kind"].value, row["value"].value].add(row["doi"].value)
        kinds = {NATURE + nature.value: kind for kind, natures in NOTICE_NATURES.items() for nature in natures}
        self.notice_dois: dict[tuple[str, str, str], set[tuple[str, str]]] = defaultdict(set)
        for row in store.query(f"""SELECT DISTINCT ?nature ?doi ?format ?by ?id WHERE {{
                GRAPH ?g {{ ?n a <{RKG}Notice> ; <{RKG}nature> ?nature ; <{RKG}doi> ?doi ; <{CITO}updates> ?a .
                    {{ ?a <{RKG}doi> ?id BIND("doi" AS ?by) }} UNION {{ ?a <{RKG}pmid> ?id BIND("pmid" AS ?by) }}
                    UNION {{ ?a <{RKG}pmcid> ?id BIND("pmcid" AS ?by) }} }}
                ?g <{RKG}sourceFormat> ?format }}"""):
            kind = kinds.get(row["nature"].value)
            if kind:
                self.notice_dois[kind, row["by"].value, row["id"].value].add((row["doi"].value, row["format"].value))


def _notice_key(value: str) -> tuple[str, str, str] | None:
    """`{kind}/{article key}` as (kind, identifier kind, identifier), as `StoredKeys` holds notices (None for an
    article keyed by its citation's hash, which the store does not hold)."""
    kind, article = value.split("/", 1)
    if article.startswith("pmid/"):
        return kind, "pmid", article[5:]
    if article.startswith("pmc/"):
        return kind, "pmcid", article[4:]
    if article.startswith("h/"):
        return None
    return kind, "doi", unquote(article)


def _notice_pattern(value: str) -> str:
    """The pattern binding ?doi to the DOI of the notice of this `{kind}/{article key}` in the store ("" when the
    article key is a citation's hash, which the store does not hold)."""
    key = _notice_key(value)
    if key is None:
        return ""
    kind, by, identifier = key
    natures = " ".join(f"<{NATURE}{nature.value}>" for nature in NOTICE_NATURES[kind])
    return (f"VALUES ?nature {{ {natures} }} ?n a <{RKG}Notice> ; <{RKG}nature> ?nature ; <{RKG}doi> ?doi ; "
            f"<{CITO}updates> ?a . ?a <{RKG}{by}> {literal(identifier)}")


def title_in_journal(title: str, journal: str) -> str:
    """What names an article by its title in its journal: a hash of its folded title and the journal's name as
    journals are compared (`iris.name_key`); "" for a title too short to name one work or no journal."""
    if not journal or len(fold(title).split()) < TITLE_WORDS_AT_LEAST:
        return ""
    return stable_hash(title, name_key(journal))


def _keys(article: Article) -> list[tuple[str, str]]:
    """The keys an article is known by besides its DOI: PMID, PMCID, its title in its journal."""
    return [(kind, value) for kind, value in (("pmid", article.pmid), ("pmcid", article.pmcid.upper()),
                                              ("title", title_in_journal(article.title, article.journal.name)))
            if value]
