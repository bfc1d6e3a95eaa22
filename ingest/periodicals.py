"""One periodical per journal, ISSN first, then normalised name; one publisher per normalised name (the spellings
the curated publisher list gives one publisher are one, named as the list names it: `iris.publisher_name`).

ISSNs that one record gives a journal (print, electronic, ISSN-L) are one journal's, and so are all the
ISSNs linked that way across records; such a journal is `id/journal/issn/{its smallest ISSN}`. A journal a
record names without an ISSN (Retraction Watch gives none) is the ISSN journal that records give that
normalised name (`name_key`: case, accents, punctuation, a leading "The", "&" read as "and", an abbreviation
of its own initials dropped) with ISSNs,
when exactly one does; otherwise it is keyed by its name. Each journal and publisher has one `schema:name`,
chosen among every spelling its records give and its stored description holds (`_preferred`: one not all in
capitals, not all in lower case, with the fewest capitals, then the least), so that it is the same whichever
records came first, in one run or several; the other spellings are `schema:alternateName`s.

Like people and shared DOIs, this is decided over every record of the run (noted by `add` in the pass that
reads them before mapping) and what the store holds (`learn_stored`), whatever the order records are read;
records of earlier runs whose journal now has another IRI (its name met an ISSN, or its ISSNs another
journal's) are read again from their files (`outdated_graphs`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from retractkg.ingest.iris import Minter, name_key, publisher_name, publisher_parent
from retractkg.ingest.model import Journal, SourceRecord
from retractkg.ingest.reading.lexicon import title_function_words
from retractkg.ingest.stored_records import records_stating
from retractkg.ontology import SCHEMA
from retractkg.ontology.identifiers import normalize_issn, stable_hash
from retractkg.store import GraphStore


def issns(journal: Journal) -> list[str]:
    return sorted({issn for issn in map(normalize_issn, journal.issn) if issn})


class Periodicals:
    """The IRI and names of every journal and publisher of a run's records."""

    def __init__(self, minter: Minter) -> None:
        self.minter = minter
        self._parent: dict[str, str] = {}  # ISSN -> an ISSN of the same journal (union-find)
        self._issns_of_name: dict[str, set[str]] = defaultdict(set)  # name key -> ISSNs records give with it
        self._written: dict[str, set[str]] = defaultdict(set)  # name key -> its spellings
        self._publishers: dict[str, set[str]] = defaultdict(set)  # publisher IRI -> its spellings
        self._stored_journals: dict[str, set[str]] = defaultdict(set)  # stored journal IRI -> its ISSNs
        # Decided by `resolve`:
        self._name_journal: dict[str, str] = {}  # name key -> the ISSN journal it stands for
        self._abbreviated: dict[str, str] = {}  # abbreviated name key -> the name key it abbreviates
        self._names: dict[str, str] = {}  # journal or publisher IRI -> its schema:name

    # -- noting ------------------------------------------------------------------------------------------

    def add(self, record: SourceRecord) -> None:
        notice = record.notice
        for journal in (notice.journal, *(article.journal for article in notice.articles)):
            self._add_journal(journal.name, issns(journal))
            if journal.publisher:
                self._add_publisher(journal.publisher)
        if notice.publisher:
            self._add_publisher(notice.publisher)

    def _add_publisher(self, name: str) -> None:
        """A publisher's spelling, and its parent's where it names an imprint ("Springer - Biomed Central (BMC)")."""
        self._publishers[self.minter.publisher(name)].add(name)
        parent = publisher_parent(name)
        if parent:
            self._publishers[self.minter.publisher(parent)].add(parent)

    def _add_journal(self, name: str, numbers: list[str]) -> None:
        for number in numbers:
            self._parent.setdefault(number, number)
            self._union(numbers[0], number)
        if name:
            key = name_key(name)
            self._written[key].add(name)
            self._note_issns(name, numbers)

    def _note_issns(self, name: str, numbers: Iterable[str]) -> None:
        """The ISSNs a name is given with, and its title proper's (`title_proper`)."""
        self._issns_of_name[name_key(name)].update(numbers)
        proper = title_proper(name) if numbers else ""
        if proper:
            self._issns_of_name[name_key(proper)].update(numbers)

    def learn_stored(self, store: GraphStore) -> None:
        """The store's journals (their ISSNs are one journal's, their names given with those ISSNs) and every
        name journals and publishers were stored with."""
        for s in store.query(f"SELECT DISTINCT ?j ?issn WHERE {{ ?j a <{SCHEMA}Periodical> ; <{SCHEMA}issn> ?issn }}"):
            number = normalize_issn(s["issn"].value)
            if number:
                self._stored_journals[s["j"].value].add(number)
        for numbers in self._stored_journals.values():
            ordered = sorted(numbers)
            for number in ordered:
                self._parent.setdefault(number, number)
                self._union(ordered[0], number)
        # The publishers first, then their names: each work naming a publisher joined to its name as every
        # record's graph states it ran for minutes on the full-size store (unfinished after 160 s CPU; 12 s so).
        for s in store.query(f"""SELECT DISTINCT ?x ?name ?kind WHERE {{
                {{ ?x a <{SCHEMA}Periodical> ; <{SCHEMA}name>|<{SCHEMA}alternateName> ?name BIND("journal" AS ?kind) }}
                UNION {{ {{ SELECT DISTINCT ?x WHERE {{ ?j <{SCHEMA}publisher> ?x }} }}
                         ?x <{SCHEMA}name>|<{SCHEMA}alternateName> ?name BIND("publisher" AS ?kind) }} }}"""):
            iri, name = s["x"].value, s["name"].value
            if s["kind"].value == "journal":
                self._written[name_key(name)].add(name)
                self._note_issns(name, self._stored_journals.get(iri, ()))
            else:
                self._publishers[iri].add(name)

    # -- deciding ----------------------------------------------------------------------------------------

    def resolve(self) -> None:
        """Which ISSN journal each name stands for, which name each abbreviated one abbreviates, and every journal's
        and publisher's `schema:name` (an abbreviation names a journal only when nothing else does)."""
        for key in self._written:
            journals = {self._find(number) for number in self._issns_of_name.get(key, ())}
            if len(journals) == 1:
                self._name_journal[key] = journals.pop()
        self._abbreviated = abbreviated_titles([key for key in self._written if key not in self._name_journal],
                                               list(self._written))
        spellings: dict[str, set[str]] = defaultdict(set)  # journal IRI -> its spellings
        full: dict[str, set[str]] = defaultdict(set)  # journal IRI -> its spellings that abbreviate nothing
        for key, written in self._written.items():
            iri = self._journal_iri(key, [])
            spellings[iri].update(written)
            if key not in self._abbreviated:
                full[iri].update(written)
        for iri, written in spellings.items():
            self._names[iri] = _preferred(full.get(iri) or written)
        for iri, written in self._publishers.items():
            self._names[iri] = publisher_name(_preferred(written))
        self._written.clear()
        self._publishers.clear()

    def _journal_iri(self, key: str, numbers: list[str]) -> str:
        if numbers:
            return f"{self.minter.base}id/journal/issn/{self._find(numbers[0])}"
        key = self._abbreviated.get(key, key)  # "indian j dermatol": "indian journal of dermatology"
        root = self._name_journal.get(key)
        if root is not None:
            return f"{self.minter.base}id/journal/issn/{root}"
        return f"{self.minter.base}id/journal/{stable_hash(key)}"  # `name_hash` of its names

    def journal(self, name: str, issn: list[str]) -> tuple[str, str]:
        """A journal's IRI and `schema:name`, as a record names it."""
        numbers = [number for number in map(normalize_issn, issn) if number]
        for number in numbers:
            self._parent.setdefault(number, number)  # an ISSN no record noted (a record mapped again)
        iri = self._journal_iri(name_key(name) if name else "", numbers)
        return iri, self._names.get(iri, name)

    def publisher(self, name: str) -> tuple[str, str]:
        """A publisher's IRI and `schema:name`."""
        iri = self.minter.publisher(name)
        return iri, self._names.get(iri, name)

    def outdated_graphs(self, store: GraphStore) -> dict[str, set[str]]:
        """Stored records naming a journal by an IRI that is no longer its own, as {source file: graphs}."""
        moved = set()
        for iri, numbers in self._stored_journals.items():
            if iri != f"{self.minter.base}id/journal/issn/{self._find(min(numbers))}":
                moved.add(iri)
        for key in (*self._name_journal, *self._abbreviated):
            moved.add(f"{self.minter.base}id/journal/{stable_hash(key)}")
        return records_stating(store, moved, f"?y <{SCHEMA}isPartOf> ?x")

    # -- union-find over ISSNs --------------------------------------------------------------------------

    def _find(self, number: str) -> str:
        parent = self._parent.get(number, number)
        while parent != number:
            grand = self._parent[parent]
            self._parent[number] = grand
            number, parent = grand, self._parent[grand]
        return number

    def _union(self, one: str, other: str) -> None:
        a, b = self._find(one), self._find(other)
        if a != b:  # the smaller ISSN is the root: a journal's IRI is its smallest ISSN's
            a, b = min(a, b), max(a, b)
            self._parent[b] = a


# The Library of Medicine catalogues a journal as "Title proper : other title information" and qualifies a title
# proper that others share by place or date: "Lung India : Official Organ of Indian Chest Society", "Journal of
# Clinical Neurology (Seoul, Korea)", "Irish Journal of Medical Science (1971 -)".
_OTHER_TITLE_INFORMATION = re.compile(r"\s+:\s+\S.*$")
_QUALIFIER = re.compile(r"\s*\((?:[^(),]+,[^(),]+|(?:1[6-9]|20)\d\d\s*-?\s*(?:(?:1[6-9]|20)\d\d)?)\)$")


def title_proper(name: str) -> str:
    """The title proper of a journal name written as catalogued, without its other title information or its
    qualifier ("Lung India"), or "" when the name has neither or the rest is a single word (an abbreviation:
    "JSLS : Journal of …"). A name with an ISSN is also its title proper's, so a source that writes the title
    proper alone, without an ISSN, names that journal (when no other ISSN journal has that title proper)."""
    proper = _QUALIFIER.sub("", _OTHER_TITLE_INFORMATION.sub("", name)).strip()
    return proper if proper != name.strip() and len(proper.split()) >= 2 else ""


def abbreviated_titles(keys: Iterable[str], among: Iterable[str]) -> dict[str, str]:
    """{key: the one name key of `among` it abbreviates}, for the name keys given without an ISSN journal of their
    own: a title abbreviates another when, the words titles leave out aside (`lexicon/title_function_words.txt`),
    both have as many words (two or more), each of its words is the other's word in that place or its beginning
    with two letters or more cut off (`_cut`), and they differ ("indian j dermatol": "indian journal of
    dermatology", "mol med rep": "molecular medicine reports"). A title that abbreviates two (a misspelling of the
    other beside it) abbreviates none."""
    skipped = title_function_words()

    def words(key: str) -> tuple[str, ...]:
        return tuple(word for word in key.split() if word not in skipped)

    by_shape: dict[tuple[int, str], list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    for key in among:
        spelled = words(key)
        if spelled:
            by_shape[len(spelled), spelled[0][0]].append((key, spelled))
    found: dict[str, str] = {}
    for key in keys:
        short = words(key)
        if len(short) < 2:
            continue  # "Cell" is not "Cells", nor "Gene" "Genetics"
        matches = {other for other, long in by_shape.get((len(short), short[0][0]), ()) if long != short
                   and all(_cut(part, whole) for part, whole in zip(short, long, strict=True))}
        if len(matches) == 1:
            found[key] = matches.pop()
    return found


def _cut(part: str, whole: str) -> bool:
    """Whether a title's word `part` is `whole` or begins it as an abbreviation does, two letters or more cut off
    ("dermatol", "j"): a letter less is another word ("cell", "cells")."""
    return part == whole or (whole.startswith(part) and len(whole) - len(part) >= 2)


def _preferred(spellings: Iterable[str]) -> str:
    """The name among a journal's or publisher's spellings: one not all in capitals ("CUREUS"), not all in lower
    case, with the fewest capitals ("Journal of" before "Journal Of"), then the least. It depends on the spellings
    alone, not on how often each is given: a store keeps which spellings were seen, not how often, so counting
    would name a journal by the records of its first run."""
    return min(spellings, key=lambda name: (name.isupper(), name.islower(), sum(c.isupper() for c in name), name))
