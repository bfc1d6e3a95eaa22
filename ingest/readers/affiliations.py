"""The organizations a record's authors name, each written affiliation once (Crossref, PubMed).

Authors point to their organizations by index (`Person.affiliations`), so an affiliation written the same
way for several authors is one organization of the article, in the order of its first mention.
"""

from __future__ import annotations

from retractkg.ingest.model import Organization


class Affiliations:
    def __init__(self, organizations: list[Organization]) -> None:
        self.organizations = organizations
        self._index: dict[str, int] = {}

    def index(self, written: str) -> int:
        """The index of the organization written so, added at the end when it is new."""
        if written not in self._index:
            self._index[written] = len(self.organizations)
            self.organizations.append(Organization(name=written))
        return self._index[written]
