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

The run's records are read once before they are mapped (`PeopleIndex.add`), so the joins are those of
all the records given together; see the README for what a later run can and cannot join.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from itertools import repeat

from retractkg.ingest.iris import Minter, article_key, doi_path, fold, name_hash
from retractkg.ingest.model import Article, Organization, Person, SourceRecord
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
                                   tuple(orgs[i] for i in person.affiliations if 0 <= i < len(orgs))))
            # Which work under its DOI an article is, is known once every record is read (`resolve`).
            work = title_key(article.title) if article.doi and article.title else ""
            # ... and so is the DOI other records give an article named without one (its PMID or PMCID kept).
            ids = () if article.doi or not (article.pmid or article.pmcid) else (article.pmid, article.pmcid)
            compact.append((article_key(article, known=False), article.doi, work, ids,
                            tuple(o for i, o in enumerate(orgs) if i not in linked), tuple(people)))
        self._records[graph] = tuple(compact)
        self.run_graphs.add(graph)
        self._stored.pop(graph, None)

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
            people.append((name, mention.person.orcid, own))
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

    def vanished_people(self) -> set[str]:
        """Joined people of stored mentions whose IRI no mention has any more (their evidence is out of date)."""
        now = set(self._iris.values())
        return {stored for moved in self.moved_mentions().values() for stored in moved if stored not in now}

    def _read(self, shared: Collection[str], known_doi: Callable[[Article], str] | None) -> None:
        for articles in self._records.values():
            for key, doi, work, ids, orgs, people in articles:
                if work and doi in shared:  # as `mention_key` keys it once `SharedDois.complete` gave it its work
                    key = f"{key}/work/{work}"
                elif ids and known_doi is not None:  # named by PMID or PMCID: keyed as its IRI is
                    found = known_doi(Article(pmid=ids[0], pmcid=ids[1]))
                    key = doi_path(found) if found else key
                authors = self._articles.setdefault(key, {})
                self._article_orgs[key].update(orgs)
                for name, orcid, own in people:
                    found = authors.get(name.key)
                    if found is None:
                        authors[name.key] = _Mention(name, orcid, own)
                    else:
                        found.orcid = found.orcid or orcid
                        found.organizations = tuple(sorted({*found.organizations, *own}))
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
        block's evidence at a time and the joins do not depend on the order records were read."""
        self._read(shared_dois, known_doi)
        # article -> the evidence its mentions share: its co-authors (`_evidence`), and its organizations
        self._article_evidence: dict[str, tuple[set[tuple[str, str]], set[tuple[str, str]]]] = {}
        blocks: dict[str, list[Node]] = defaultdict(list)
        for key in sorted(self._articles):
            for name, mention in sorted(self._articles[key].items()):
                blocks[mention.name.block].append((key, name))
        blocks = {block: nodes for block, nodes in blocks.items() if len({a for a, _ in nodes}) > 1}
        joins = _Joins(self._articles)
        for nodes in blocks.values():  # one block's evidence in memory at a time
            _link(joins, nodes, {node: self._evidence(node, blocks) for node in nodes})
        # Once more, with co-authors known as people: "Li Zhang" with "Wei Wang" on one article and with
        # "W. Wang" on another share a co-author when those two were joined above.
        # article -> its authors joined to others (name -> their person), as the first round left them
        # (only those a co-author may be: not of a byline too long to be evidence, `_evidence`)
        joined: dict[str, dict[str, str]] = defaultdict(dict)
        for root, members in joins.members.items():
            if len(members) > 1:
                for article, other in members:
                    if len(self._articles[article]) <= MAX_BYLINE:
                        joined[article][other] = f"{root[0]} {root[1]}"
        # article -> its co-author people as evidence, and how many of its mentions each person is
        offered: dict[str, tuple[set[tuple[str, str]], Counter[str]]] = {}
        for nodes in blocks.values():  # only the new evidence: the rest was offered above
            known: dict[Node, set[tuple[str, str]]] = {}
            for node in nodes:
                article, name = node
                people = joined.get(article)
                if not people:
                    continue
                if (found := offered.get(article)) is None:
                    found = offered[article] = ({("co-author", person) for person in people.values()},
                                                Counter(people.values()))
                keys, mentions = found
                own = people.get(name)
                if own is not None and mentions[own] == 1:  # a mention is not its own co-author
                    keys = keys - {("co-author", own)}
                if keys:
                    known[node] = keys
            if known:
                _link(joins, [node for node in nodes if node in known], known, again=True)
        self._article_evidence.clear()
        for members, common in joins.people():
            iri = self._person_iri(members)
            for node in members:
                self._iris[node] = iri
            kind, value = min(common, key=lambda why: (EVIDENCE_ORDER.index(why[0]), why[1]))
            self.evidence[iri] = (kind, self._shown(value), sorted({self._article_iri(a) for a, _ in members}))
        # Only the joined mentions' IRIs are needed from here on: the rest would stay in memory all the ingest.
        self._articles.clear()
        self._article_orgs.clear()
        self._written.clear()

    def _evidence(self, node: Node, blocks: dict[str, list[Node]]) -> set[tuple[str, str]]:
        """What a mention could share with a mention of the same name on another article: its ORCID, its co-authors
        that occur on another article too (only they can be shared) unless the byline is too long to say anything
        about who worked with whom, and its organizations (else its article's). What its article gives every
        mention is gathered once per article."""
        article, name = node
        mention = self._articles[article][name]
        shared = self._article_evidence.get(article)
        if shared is None:
            authors = self._articles[article]
            shared = self._article_evidence[article] = (
                set() if len(authors) > MAX_BYLINE else
                {("co-author", other) for other, each in authors.items() if each.name.block in blocks},
                {("affiliation", org) for org in self._article_orgs[article]})
        coauthors, affiliations = shared
        found = coauthors - {("co-author", name)}
        if mention.orcid:
            found.add(("orcid", mention.orcid))
        found |= {("affiliation", org) for org in mention.organizations} if mention.organizations else affiliations
        return found

    def _shown(self, value: str) -> str:
        """Evidence as a source writes it: a name, an organization, or a co-author person (one of its mentions,
        "{article key} {name key}")."""
        if value in self._written:
            return self._written[value]
        return self._written.get(value.partition(" ")[2], value)

    def _person_iri(self, members: list[Node]) -> str:
        orcids = sorted({self._articles[a][n].orcid for a, n in members} - {""})
        if orcids:
            return self.minter.person("", "", orcids[0])
        article, name = min(members)
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


class _Joins:
    """Union-find over mentions: a person's mentions all share one piece of evidence (never joined through a
    chain of collaborators that leaves two of them sharing nothing: stricter than complete linkage, and a set
    intersection per join rather than a comparison of every two mentions), and a person never holds two
    ORCIDs or two different full given names."""

    def __init__(self, articles: dict[str, dict[str, _Mention]]) -> None:
        self.articles = articles
        self.parent: dict[Node, Node] = {}
        self.given: dict[Node, set[str]] = {}
        self.orcids: dict[Node, set[str]] = {}
        self.members: dict[Node, list[Node]] = {}
        self.common: dict[Node, set[tuple[str, str]]] = {}  # the evidence all of a person's mentions share

    def add(self, node: Node, evidence: set[tuple[str, str]]) -> Node:
        """A mention's person: itself if new (sharing `evidence`); the person it was joined to otherwise."""
        if node in self.parent:
            return self.find(node)
        mention = self.articles[node[0]][node[1]]
        self.parent[node] = node
        self.members[node] = [node]
        self.given[node] = {mention.name.given}
        self.orcids[node] = {mention.orcid} - {""}
        self.common[node] = evidence
        return node

    def find(self, node: Node) -> Node:
        parent = self.parent[node]
        while parent != node:  # path halving
            grand = self.parent[parent]
            self.parent[node] = grand
            node, parent = grand, self.parent[grand]
        return node

    def union(self, a: Node, b: Node) -> Node:
        """Join two people (roots) if the rules allow: the root of the result, `b` when refused."""
        if a == b:
            return b
        common = self.common[a] & self.common[b]
        if not common:
            return b
        given = self.given[a] | self.given[b]
        full = {g for g in given if len(g) > 1}
        if len(full) > 1 or any(not any(compatible(g, f) for f in full) for g in given if full) \
                or len(self.orcids[a] | self.orcids[b]) > 1:
            return b
        if len(self.members[a]) < len(self.members[b]):  # the smaller into the larger
            a, b = b, a
        self.parent[b] = a
        self.given[a], self.orcids[a] = given, self.orcids[a] | self.orcids[b]
        self.members[a] += self.members.pop(b)
        self.common[a] = common
        del self.given[b], self.orcids[b], self.common[b]
        return a

    def people(self) -> Iterator[tuple[list[Node], set[tuple[str, str]]]]:
        """Each person of mentions on two or more articles, with the evidence all of them share."""
        for root, nodes in self.members.items():
            if len({article for article, _ in nodes}) > 1:
                yield sorted(nodes), self.common[root]


def _link(joins: _Joins, nodes: list[Node], evidence: dict[Node, set[tuple[str, str]]], *, again: bool = False
          ) -> None:
    """Offer the joins of one block's mentions, in their order: each to the people of the mentions before it
    that share a piece of its evidence. Mentions of one name with the same evidence (copies of a byline) are
    offered once. `again`: the mentions were offered before, and this is more evidence about them."""
    if again:  # people now share also what all their mentions share of the new evidence
        for root in {joins.find(node) for node in nodes}:
            joins.common[root] = joins.common[root] | set.intersection(
                *(evidence.get(member, set()) for member in joins.members[root]))
    first: dict[tuple[str, str], Node] = {}  # evidence -> the first mention that had it
    seen: dict[tuple[str, frozenset], Node] = {}
    for node in nodes:
        keys = evidence[node]
        root = joins.add(node, keys)
        twin = seen.setdefault((node[1], frozenset(keys)), node)
        if twin is not node:
            if (other := joins.find(twin)) != root:  # most copies are one person already
                root = joins.union(other, root)
            continue
        # The first mention of each piece of evidence, in the evidence's order; one mention is offered once, and
        # a person once (a refused join stays refused: a person only gains names and ORCIDs and loses evidence).
        offered: set[Node] = set()
        for earlier in dict.fromkeys(map(first.setdefault, sorted(keys), repeat(node))):
            if earlier is not node and earlier[0] != node[0]:
                other = joins.find(earlier)
                if other != root and other not in offered:  # most evidence repeats a join already made
                    offered.add(other)
                    root = joins.union(other, root)


def mention_key(article: Article) -> str:
    """The key of an article a record names, as its IRI is: with the DOI other records give it (`resolve` is given
    it too) and its work under a shared DOI."""
    return article_key(article)


def _stored_ids(key: str) -> tuple[str, str] | tuple[()]:
    """(PMID, PMCID) of a stored article keyed by one (`iris.article_key`), which a DOI this run learnt re-keys."""
    if key.startswith("pmid/"):
        return key[5:], ""
    if key.startswith("pmc/"):
        return "", key[4:]
    return ()


def _org_key(org: Organization) -> str:
    """An organization as compared: its IRI's key (`Minter.organization`), which a stored record states."""
    if org.ror:
        return f"ror/{org.ror.lower()}"
    return name_hash(org.name or org.label, org.country)  # remembered for recent names: institutions recur
