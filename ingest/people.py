"""Conservative author disambiguation: which author mentions of a run's records are one person.

Two mentions on different articles are one person only when their names agree AND something else
corroborates it, as bibliometric disambiguation does it (never the name alone: two unrelated "Wei
Wang"s stay two):
- the name: family names equal and given names compatible, once folded (case, diacritics,
  punctuation), an initial matching a full given name ("V. Grech" and "Victor Grech"), never two
  different full given names in one person ("Victor" and "Vincent");
- the evidence: a shared ORCID (decisive), or a shared co-author (an author whose name agrees in the
  same way on both articles), or a shared affiliation (the organization of the person, or, where the
  source does not say whose it is, as Retraction Watch does not, of the article).

Mentions of one name on one article are one person already (two sources of one article). The person
IRI depends only on the set of mentions joined, not on the order records are read: `id/person/orcid/{orcid}`
when one has an ORCID, else a hash of the name and of the smallest article of the person; a person
named on one article only keeps the IRI it always had (`Minter.person` of that article and name). Why mentions were
joined is stated in the graph `{base}graph/people` (`rkg:identityEvidence`).

A notice's own signatories (its JATS or PubMed byline: the authors who "agree with this retraction", or its
editors) are not the article's authors by being named: a signatory is the author of an article the notice is
about whose name agrees (family name, compatible given name) when exactly one of those authors' does, the article's
authors being the evidence (`signatory`); any other signatory stays a person of the notice alone.

The run's records are read once before they are mapped (`PeopleIndex.add`), so the joins are those of
all the records given together; see the README for what a later run can and cannot join.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from itertools import repeat

from retractkg.ingest.iris import Minter, article_key, doi_path, fold, name_hash
from retractkg.ingest.model import Article, Journal, Organization, Person, SourceRecord
from retractkg.ingest.ntriples import escape
from retractkg.ingest.shared_dois import title_key
from retractkg.ontology import RDF, RKG

Node = tuple[str, str]  # (article key, person name key): one person on one article
# A byline longer than this (a consortium's) says nothing about who works with whom: its co-authors are no
# evidence (and would cost the square of its length).
MAX_BYLINE = 50
EVIDENCE_ORDER = ("orcid", "co-author", "affiliation")  # which shared evidence a person states, first



@dataclass(frozen=True, slots=True)
class Name:
    family: str
    given: str  # the first given name, folded: a full name or an initial

    @property
    def block(self) -> str:
        """Names that may be one person share it: family name and first initial."""
        return f"{self.family} {self.given[:1]}"

    @property
    def key(self) -> str:
        return f"{self.family} {self.given}"


def person_name(person: Person) -> Name | None:
    """The folded family name and first given name of an author ("" when the name is not a person's)."""
    if person.family_name:
        family, given = fold(person.family_name), fold(person.given_name).split()
    else:
        words = fold(person.name).split()
        if len(words) < 2:
            return None
        family, given = words[-1], words[:-1]
    if not family or not given:
        return None
    return Name(family.replace(" ", "-"), given[0])


def compatible(one: str, other: str) -> bool:
    """Given names of one person: equal, or one the initial of the other."""
    return one == other or (len(one) == 1 and other.startswith(one)) or (len(other) == 1 and one.startswith(other))


@dataclass(frozen=True, slots=True)
class StoredMention:
    """An author mention as a stored record states it: on which article, by which person IRI, with the person's
    own organizations and the article's (those whose person it does not say), as (IRI, name as written)."""

    article: str
    iri: str
    person: Person
    orgs: list[tuple[str, str]]
    article_orgs: list[tuple[str, str]]


@dataclass(slots=True)
class _Mention:
    name: Name
    orcid: str
    organizations: tuple[str, ...]  # organization keys (name + country)
    written: str = ""  # the name as written (the least spelling: the same whatever the order of records)


class PeopleIndex:
    """The person IRI of every author mention of one run's records."""

    def __init__(self, minter: Minter) -> None:
        self.minter = minter
        # article key -> its authors (name key -> mention), and the article's organizations
        self._articles: dict[str, dict[str, _Mention]] = {}
        self._article_orgs: dict[str, set[str]] = defaultdict(set)
        self._records: dict[str, tuple] = {}  # graph -> the articles of its last record, as `add` keeps them
        self.run_graphs: set[str] = set()  # the graphs of the run's own records
        # graph -> its stored mentions (article key, name key, person IRI, ORCID, name as written)
        self._stored: dict[str, list[tuple[str, str, str, str, str]]] = {}
        self._iris: dict[Node, str] = {}  # mentions joined with another: their person's IRI
        self.evidence: dict[str, list[tuple[str, str, str, str]]] = {}  # IRI -> (kind, value, article, article)
        self._written: dict[str, str] = {}  # name or organization key -> how a source writes it (the least, so
        # the same whatever the order of records)
        # Notice signatories: graph -> (its notice, its signatories' names), graph -> the notice its articles'
        # authors are of, notice -> its articles; decided by `resolve`: (notice, signatory name key) -> author IRI.
        self._signers: dict[str, tuple[str, tuple[tuple[Name, str], ...]]] = {}
        self._notice_of: dict[str, str] = {}
        self._notice_articles: dict[str, set[str]] = defaultdict(set)
        self._signer_iris: dict[tuple[str, str], str] = {}

    def add(self, record: SourceRecord, graph: str) -> None:
        """Note the author mentions of a record (before any record is mapped); a later record of the same
        graph replaces it, as it does in the store. Kept as names and keys only: a run has millions."""
        compact = []
        for article in record.notice.articles:
            orgs = [self._note(_org_key(org), org.name or org.label) for org in article.organizations]
            linked = {i for person in article.authors for i in person.affiliations}
            people = []
            for person in article.authors:
                name = person_name(person)
                if name is not None:
                    self._note(name.key, person.name)
                    people.append((name, person.orcid,
                                   tuple(orgs[i] for i in person.affiliations if 0 <= i < len(orgs)), person.name))
            # Which work under its DOI an article is, is known once every record is read (`resolve`).
            work = title_key(article.title) if article.doi and article.title else ""
            # ... and so is the DOI other records give an article named without one (its PMID or PMCID kept).
            ids = (() if article.doi or not (article.pmid or article.pmcid or article.title) else
                   (article.pmid, article.pmcid, article.title, article.journal.name))
            compact.append((article_key(article, known=False), article.doi, work, ids,
                            tuple(o for i, o in enumerate(orgs) if i not in linked), tuple(people)))
        self._records[graph] = tuple(compact)
        self.run_graphs.add(graph)
        self._stored.pop(graph, None)
        self._signers.pop(graph, None)
        self._notice_of.pop(graph, None)
        signers = tuple((name, person.name) for person in record.notice.authors if not person.orcid
                        and (name := person_name(person)) is not None)
        if signers or any(people for *_, people in compact):  # only then is the notice's key needed
            notice = self.minter.notice(record.notice, known=False)
            self._notice_of[graph] = notice
            if signers:
                self._signers[graph] = (notice, signers)

    def add_stored(self, graph: str, mentions: list[StoredMention]) -> None:
        """Note the mentions of a record an earlier run stored (`retractkg.ingest.stored_people`), as `add` notes
        a record's: the run's own record of the graph replaces it."""
        if graph in self.run_graphs:
            return
        prefix, org_prefix = f"{self.minter.base}id/article/", f"{self.minter.base}id/org/"
        articles: dict[str, tuple[list, list]] = {}  # article key -> (its organizations, its people)
        kept = []
        for mention in mentions:
            if not mention.article.startswith(prefix):
                continue
            key = mention.article[len(prefix):]
            orgs, people = articles.setdefault(key, ([], []))
            orgs.extend(self._note(org[len(org_prefix):], written) for org, written in mention.article_orgs
                        if org.startswith(org_prefix))
            name = person_name(mention.person)
            if name is None:
                continue
            self._note(name.key, mention.person.name)
            own = tuple(self._note(org[len(org_prefix):], written) for org, written in mention.orgs
                        if org.startswith(org_prefix))
            people.append((name, mention.person.orcid, own, mention.person.name))
            kept.append((key, name.key, mention.iri, mention.person.orcid, mention.person.name))
        self._records[graph] = tuple((key, "", "", _stored_ids(key), tuple(dict.fromkeys(orgs)), tuple(people))
                                     for key, (orgs, people) in articles.items())
        self._stored[graph] = kept

    def moved_mentions(self) -> dict[str, dict[str, str]]:
        """Stored mentions whose person IRI the joins changed: {graph: {stored IRI: new IRI}} (after `resolve`)."""
        moved: dict[str, dict[str, str]] = {}
        for graph, mentions in self._stored.items():
            for key, name, stored, orcid, written in mentions:
                if orcid:  # a person with an ORCID is its IRI, whatever is joined to it
                    continue
                now = self._iris.get((key, name)) or self.minter.person(self._article_iri(key), written)
                if now != stored:
                    moved.setdefault(graph, {})[stored] = now
        return moved

    def _read(self, shared: Collection[str], known_doi: Callable[[Article], str] | None) -> None:
        for graph, articles in self._records.items():
            notice = self._notice_of.get(graph)
            for key, doi, work, ids, orgs, people in articles:
                if work and doi in shared:  # as `mention_key` keys it once `SharedDois.complete` gave it its work
                    key = f"{key}/work/{work}"
                elif ids and known_doi is not None:  # named by PMID, PMCID or title: keyed as its IRI is
                    found = known_doi(Article(pmid=ids[0], pmcid=ids[1], title=ids[2], journal=Journal(name=ids[3])))
                    key = doi_path(found) if found else key
                authors = self._articles.setdefault(key, {})
                self._article_orgs[key].update(orgs)
                if notice is not None and people:
                    self._notice_articles[notice].add(key)
                for name, orcid, own, written in people:
                    found = authors.get(name.key)
                    if found is None:
                        authors[name.key] = _Mention(name, orcid, own, written)
                    else:
                        found.orcid = found.orcid or orcid
                        found.organizations = tuple(sorted({*found.organizations, *own}))
                        found.written = min(found.written, written)
        self._records.clear()

    def _note(self, key: str, written: str) -> str:
        known = self._written.get(key)
        if known is None or written < known:
            self._written[key] = written
        return key

    def resolve(self, shared_dois: Collection[str] = (), known_doi: Callable[[Article], str] | None = None) -> None:
        """Join the mentions that the evidence says are one person, and mint each person's IRI; `shared_dois`
        are DOIs several works share (`retractkg.ingest.shared_dois`), under which each work is its own article;
        `known_doi` gives the DOI other records give an article named by PMID or PMCID alone (`KnownDois`), under
        which it is stored and keyed, whichever record gave the DOI.

        Block by block (family name and initial), each in the order of its mentions, so that memory holds one
        block's evidence at a time and the joins do not depend on the order records were read. Mentions and
        evidence are numbered (`_Numbered`) so that the joins compare and hash integers, not tuples of strings."""
        self._read(shared_dois, known_doi)
        numbered = _Numbered(self._articles, self._article_orgs)
        joins = _Joins(numbered)
        for nodes in numbered.blocks:  # one block's evidence in memory at a time
            _link(joins, nodes, {node: numbered.evidence(node) for node in nodes})
        # Once more, with co-authors known as people: "Li Zhang" with "Wei Wang" on one article and with
        # "W. Wang" on another share a co-author when those two were joined above.
        # mention -> its person, for mentions joined to others (only those a co-author may be: not of a byline
        # too long to be evidence, `_Numbered.evidence`), and article -> those people, once per mention
        person_of: dict[int, int] = {}
        article_people: dict[int, list[int]] = defaultdict(list)
        joined = [(root, members) for root, members in joins.members.items() if len(members) > 1]
        persons = numbered.number_people([root for root, _ in joined])
        for root, members in joined:
            person = persons[root]
            for node in members:
                article = numbered.article_of[node]
                if numbered.byline(article) <= MAX_BYLINE:
                    person_of[node] = person
                    article_people[article].append(person)
        # article -> its co-author people as evidence, and how many of its mentions each person is
        offered: dict[int, tuple[frozenset[int], Counter[int]]] = {}
        for nodes in numbered.blocks:  # only the new evidence: the rest was offered above
            known: dict[int, frozenset[int]] = {}
            for node in nodes:
                article = numbered.article_of[node]
                people = article_people.get(article)
                if not people:
                    continue
                if (found := offered.get(article)) is None:
                    found = offered[article] = (frozenset(people), Counter(people))
                keys, mentions = found
                own = person_of.get(node)
                if own is not None and mentions[own] == 1:  # a mention is not its own co-author
                    keys = keys - {own}
                if keys:
                    known[node] = keys
            if known:
                _link(joins, [node for node in nodes if node in known], known, again=True)
        keys, names, article_of = numbered.keys, numbered.names, numbered.article_of
        for members, common in joins.people():
            iri = self._person_iri(numbered, members)
            articles = sorted({keys[article_of[node]] for node in members})
            for node in members:
                self._iris[keys[article_of[node]], names[node]] = iri
            kind, value = min(map(numbered.term.__getitem__, common),
                              key=lambda why: (EVIDENCE_ORDER.index(why[0]), why[1]))
            self.evidence[iri] = (kind, self._shown(value), list(map(self._article_iri, articles)))  # one prefix
        self._join_signatories()
        # Only the joined mentions' IRIs are needed from here on: the rest would stay in memory all the ingest.
        self._articles.clear()
        self._article_orgs.clear()
        self._written.clear()

    def _join_signatories(self) -> None:
        """Each notice signatory whose name agrees with exactly one author's of the notice's articles (as every
        record of the run gives them) is that author, as its article's records name it."""
        for notice, signers in self._signers.values():
            keys = sorted(self._notice_articles.get(notice, ()))
            for name, written in signers:
                found = {self._author_iri(key, mention) for key in keys
                         for mention in self._articles.get(key, {}).values()
                         if _same_family(mention.name.family, name.family)
                         and compatible(mention.name.given, name.given)}
                if len(found) == 1:
                    iri = self._signer_iris[notice, name.key] = found.pop()
                    if iri not in self.evidence:  # why the notice's signatory is this author: the name it signs
                        # with, the articles whose author it is and the notice
                        self.evidence[iri] = ("notice-signatory", written, [*map(self._article_iri, keys), notice])
        self._signers.clear()
        self._notice_of.clear()
        self._notice_articles.clear()

    def _author_iri(self, key: str, mention: _Mention) -> str:
        """The IRI a record mapping this author mention of article `key` gives it (`RecordMapper._person_iri`)."""
        if mention.orcid:
            return self.minter.person("", "", mention.orcid)
        article = self._article_iri(key)
        return self._iris.get((key, mention.name.key)) or self.minter.person(article, mention.written)

    def signatory(self, notice: str, person: Person) -> str | None:
        """The IRI of the article author a notice's signatory is (`notice`: its key, `Minter.notice` with
        known=False), or None for a signatory who is no author of the notice's articles."""
        if not self._signer_iris or person.orcid:
            return None
        name = person_name(person)
        return self._signer_iris.get((notice, name.key)) if name else None

    def _shown(self, value: str) -> str:
        """Evidence as a source writes it: a name, an organization, or a co-author person (one of its mentions,
        "{article key} {name key}")."""
        if value in self._written:
            return self._written[value]
        return self._written.get(value.partition(" ")[2], value)

    def _person_iri(self, numbered: _Numbered, members: list[int]) -> str:
        orcids = sorted({numbered.mentions[node].orcid for node in members} - {""})
        if orcids:
            return self.minter.person("", "", orcids[0])
        article, name = numbered.node(members[0])  # the first in (article, name) order: members are sorted
        return self.minter.person(self._article_iri(article), "person " + name)  # never one article's mention

    def _article_iri(self, key: str) -> str:
        return f"{self.minter.base}id/article/{key}"

    def iri(self, article: Article, person: Person) -> str | None:
        """The IRI of a person joined across articles, or None for one named on one article only."""
        if not self._iris:
            return None
        name = person_name(person)
        return self._iris.get((mention_key(article), name.key)) if name else None

    def evidence_nquads(self, iri: str, graph: str) -> Iterator[str]:
        """Why mentions were joined into this person, as N-Quads of `graph`: what every one of its articles
        shares (an ORCID, else a co-author, else an affiliation), and those articles."""
        kind, value, articles = self.evidence[iri]
        node = f"{iri}#joined"
        yield f"<{iri}> <{RKG}identityEvidence> <{node}> <{graph}> .\n"
        yield f"<{node}> <{RDF}type> <{RKG}IdentityEvidence> <{graph}> .\n"
        yield f'<{node}> <{RKG}evidenceKind> "{kind}" <{graph}> .\n'
        yield f'<{node}> <{RKG}evidenceValue> "{escape(value)}" <{graph}> .\n'
        for article in articles:
            yield f"<{node}> <{RKG}joins> <{article}> <{graph}> .\n"


class _Numbered:
    """The run's mentions and evidence as integers, for `resolve`: a mention is its place in (article key, name
    key) order, so that comparing two numbers compares the mentions; a piece of evidence is its place in (kind,
    value) order, so that sorting numbers sorts the evidence (`_link` offers joins in that order). The mentions
    of one article are consecutive numbers."""

    def __init__(self, articles: dict[str, dict[str, _Mention]], article_orgs: dict[str, set[str]]) -> None:
        self.keys: list[str] = sorted(articles)  # article number -> article key
        self.names: list[str] = []  # mention -> its name key
        self.mentions: list[_Mention] = []
        self.article_of: list[int] = []  # mention -> its article's number
        self.starts: list[int] = []  # article number -> its first mention (and one past the last article's)
        by_block: dict[str, list[int]] = defaultdict(list)
        for number, key in enumerate(self.keys):
            self.starts.append(len(self.names))
            for name, mention in sorted(articles[key].items()):
                by_block[mention.name.block].append(len(self.names))
                self.names.append(name)
                self.mentions.append(mention)
                self.article_of.append(number)
        self.starts.append(len(self.names))
        # Blocks whose mentions are on two articles or more: only they can join anything.
        self.blocks = [nodes for nodes in by_block.values() if len({self.article_of[n] for n in nodes}) > 1]
        self.in_block = bytearray(len(self.names))  # 1: a mention that can be a co-author (its block is kept)
        for nodes in self.blocks:
            for node in nodes:
                self.in_block[node] = 1
        orgs = {org for found in article_orgs.values() for org in found}
        orgs.update(org for nodes in self.blocks for node in nodes for org in self.mentions[node].organizations)
        coauthors = {self.names[node] for nodes in self.blocks for node in nodes}
        orcids = {self.mentions[node].orcid for nodes in self.blocks for node in nodes} - {""}
        self.term: list[tuple[str, str]] = []  # evidence number -> (kind, value)
        numbers = []
        for kind, values in sorted({"affiliation": orgs, "co-author": coauthors, "orcid": orcids}.items()):
            numbers.append({value: len(self.term) + i for i, value in enumerate(sorted(values))})
            self.term.extend((kind, value) for value in sorted(values))
        self._affiliation, self._coauthor, self._orcid = numbers
        self._article_orgs = article_orgs
        # article number -> the evidence its mentions share: its co-authors, and its organizations
        self._shared: dict[int, tuple[frozenset[int], frozenset[int]]] = {}

    def node(self, number: int) -> tuple[str, str]:
        """A mention as (article key, name key)."""
        return self.keys[self.article_of[number]], self.names[number]

    def byline(self, article: int) -> int:
        return self.starts[article + 1] - self.starts[article]

    def evidence(self, node: int) -> frozenset[int]:
        """What a mention could share with a mention of the same name on another article: its ORCID, its co-authors
        that occur on another article too (only they can be shared) unless the byline is too long to say anything
        about who worked with whom, and its organizations (else its article's). What its article gives every
        mention is gathered once per article."""
        article = self.article_of[node]
        shared = self._shared.get(article)
        if shared is None:
            start, end = self.starts[article], self.starts[article + 1]
            shared = self._shared[article] = (
                frozenset() if end - start > MAX_BYLINE else
                frozenset(self._coauthor[self.names[other]] for other in range(start, end) if self.in_block[other]),
                frozenset(self._affiliation[org] for org in self._article_orgs[self.keys[article]]))
        coauthors, affiliations = shared
        mention = self.mentions[node]
        found = coauthors - {self._coauthor[self.names[node]]}
        if mention.orcid:
            found |= {self._orcid[mention.orcid]}
        if mention.organizations:
            return found | {self._affiliation[org] for org in mention.organizations}
        return found | affiliations

    def number_people(self, roots: list[int]) -> dict[int, int]:
        """Evidence numbers for people as co-authors ("{article key} {name key}" of their first mention), after
        every other piece of evidence and in that order among themselves."""
        values = sorted((" ".join(self.node(root)), root) for root in roots)
        numbers = {root: len(self.term) + i for i, (_, root) in enumerate(values)}
        self.term.extend(("co-author", value) for value, _ in values)
        return numbers


class _Joins:
    """Union-find over mentions: a person's mentions all share one piece of evidence (never joined through a
    chain of collaborators that leaves two of them sharing nothing: stricter than complete linkage, and a set
    intersection per join rather than a comparison of every two mentions), and a person never holds two
    ORCIDs or two different full given names. Mentions and evidence are numbers (`_Numbered`)."""

    def __init__(self, numbered: _Numbered) -> None:
        self.numbered = numbered
        self.parent: list[int] = [-1] * len(numbered.names)  # -1: not offered yet
        self.given: dict[int, set[str]] = {}
        self.orcids: dict[int, set[str]] = {}
        self.members: dict[int, list[int]] = {}
        self.common: dict[int, frozenset[int]] = {}  # the evidence all of a person's mentions share

    def add(self, node: int, evidence: frozenset[int]) -> int:
        """A mention's person: itself if new (sharing `evidence`); the person it was joined to otherwise."""
        if self.parent[node] >= 0:
            return self.find(node)
        mention = self.numbered.mentions[node]
        self.parent[node] = node
        self.members[node] = [node]
        self.given[node] = {mention.name.given}
        self.orcids[node] = {mention.orcid} if mention.orcid else set()
        self.common[node] = evidence
        return node

    def find(self, node: int) -> int:
        parent = self.parent
        up = parent[node]
        while up != node:  # path halving
            grand = parent[up]
            parent[node] = grand
            node, up = grand, parent[grand]
        return node

    def union(self, a: int, b: int) -> int:
        """Join two people (roots) if the rules allow: the root of the result, `b` when refused."""
        if a == b:
            return b
        common = self.common[a] & self.common[b]
        if not common:
            return b
        # A person's names and ORCIDs already pass: only a join that adds some is checked (most add none).
        given, more = self.given[a], self.given[b]
        if more != given:
            given = given | more
            full = {g for g in given if len(g) > 1}
            if len(full) > 1 or any(not any(compatible(g, f) for f in full) for g in given if full):
                return b
        orcids, more = self.orcids[a], self.orcids[b]
        if more and more != orcids:
            orcids = orcids | more
            if len(orcids) > 1:
                return b
        if len(self.members[a]) < len(self.members[b]):  # the smaller into the larger
            a, b = b, a
        self.parent[b] = a
        self.given[a], self.orcids[a] = given, orcids
        self.members[a] += self.members.pop(b)
        self.common[a] = common
        del self.given[b], self.orcids[b], self.common[b]
        return a

    def people(self) -> Iterator[tuple[list[int], frozenset[int]]]:
        """Each person of mentions on two or more articles, with the evidence all of them share."""
        article_of = self.numbered.article_of
        for root, nodes in self.members.items():
            if len({article_of[node] for node in nodes}) > 1:
                yield sorted(nodes), self.common[root]


def _link(joins: _Joins, nodes: list[int], evidence: dict[int, frozenset[int]], *, again: bool = False) -> None:
    """Offer the joins of one block's mentions, in their order: each to the people of the mentions before it
    that share a piece of its evidence. Mentions of one name with the same evidence (copies of a byline) are
    offered once. `again`: the mentions were offered before, and this is more evidence about them."""
    if again:  # people now share also what all their mentions share of the new evidence
        none: frozenset[int] = frozenset()
        for root in {joins.find(node) for node in nodes}:
            joins.common[root] = joins.common[root] | frozenset.intersection(
                *(evidence.get(member, none) for member in joins.members[root]))
    names, article_of = joins.numbered.names, joins.numbered.article_of
    first: dict[int, int] = {}  # evidence -> the first mention that had it
    seen: dict[tuple[str, frozenset[int]], int] = {}
    for node in nodes:
        keys = evidence[node]
        root = joins.find(node) if again else joins.add(node, keys)
        twin = seen.setdefault((names[node], keys), node)
        if twin != node:
            if (other := joins.find(twin)) != root:  # most copies are one person already
                root = joins.union(other, root)
            continue
        # The first mention of each piece of evidence, in the evidence's order; one mention is offered once, and
        # a person once (a refused join stays refused: a person only gains names and ORCIDs and loses evidence).
        offered: set[int] = set()
        article = article_of[node]
        for earlier in dict.fromkeys(map(first.setdefault, sorted(keys), repeat(node))):
            if earlier != node and article_of[earlier] != article:
                other = joins.find(earlier)
                if other != root and other not in offered:  # most evidence repeats a join already made
                    offered.add(other)
                    root = joins.union(other, root)


def _same_family(one: str, other: str) -> bool:
    """Family names of one author of one article: equal, or one the last words of the other, as a source that
    gives a name whole reads it ("Libera Lo Presti": "presti") and one that gives the parts keeps it ("lo-presti")."""
    return one == other or one.endswith("-" + other) or other.endswith("-" + one)


def mention_key(article: Article) -> str:
    """The key of an article a record names, as its IRI is: with the DOI other records give it (`resolve` is given
    it too) and its work under a shared DOI."""
    return article_key(article)


def _stored_ids(key: str) -> tuple[str, str, str, str] | tuple[()]:
    """(PMID, PMCID, title, journal) of a stored article keyed by PMID or PMCID (`iris.article_key`), which a DOI
    this run learnt re-keys (one keyed by its citation is read again from its file: `KnownDois.outdated_graphs`)."""
    if key.startswith("pmid/"):
        return key[5:], "", "", ""
    if key.startswith("pmc/"):
        return "", key[4:], "", ""
    return ()


def _org_key(org: Organization) -> str:
    """An organization as compared: its IRI's key (`Minter.organization`), which a stored record states."""
    if org.ror:
        return f"ror/{org.ror.lower()}"
    return name_hash(org.name or org.label, org.country)  # remembered for recent names: institutions recur
