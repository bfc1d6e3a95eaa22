"""Notices built through the public model, for tests that exercise mapping and stores directly."""

from __future__ import annotations

from retractkg.ingest.model import (
    Article,
    Journal,
    Nature,
    Notice,
    Organization,
    Person,
    ReasonClaim,
    Role,
    SourceRecord,
    Span,
    Stance,
)

TEXT = "The Editors-in-Chief have retracted this article. The authors found errors in Fig. 4c."


def sample_notice(*, nature: Nature = Nature.RETRACTION, doi: str = "10.1186/s12951-022-01520-8",
                  title: str = "Copper-based metal organic framework impedes metastasis") -> Notice:
    evidence = Span(50, len(TEXT), TEXT[50:])
    return Notice(
        title=f"Retraction Note: {title}",
        nature=nature,
        date="2024-05-31",
        journal=Journal(name="Journal of Nanobiotechnology"),
        publisher="Springer Nature",
        license="http://creativecommons.org/licenses/by/4.0/",
        text=TEXT,
        retracted_by=[Role.EDITOR_IN_CHIEF],
        reasons=[ReasonClaim("Error in Image", evidence=[evidence])],
        affected_items=["Fig. 4c"],
        articles=[Article(
            title=title, doi=doi, journal=Journal(name="Journal of Nanobiotechnology"), year="2022",
            volume="20", article_number="313",
            organizations=[Organization(name="Zhengzhou University", locality="Zhengzhou", postal_code="450001",
                                        country="China")],
            authors=[Person(name="Sijie Wang", affiliations=[0], stance=Stance.AGREES),
                     Person(name="Xingming Guo", affiliations=[0], corresponding=True, email="guoxm@cqu.edu.cn")],
        )],
    )


def sample_record(**kwargs) -> SourceRecord:
    return SourceRecord(sample_notice(**kwargs), source="/tmp/sample.txt", format="text")
