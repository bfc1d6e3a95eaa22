"""A small published graph for the linked-data tests: the seed notice as its parsers should read it,
two Retraction Watch rows of the COVID-19 subset, an expression of concern and a correction.

Built through the public model, mapping and pipeline (`write_batch`) into a real Oxigraph store, so the
web app is tested on exactly the RDF that ingest writes.
"""

from __future__ import annotations

from pathlib import Path

from retractkg.config import Settings
from retractkg.ingest.batches import write_batch
from retractkg.ingest.mapping import RecordMapper
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
from retractkg.ingest.periodical_graphs import write_descriptions
from retractkg.ingest.pipeline import IngestReport, ensure_vocabulary
from retractkg.store import OxigraphStore

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "000_40cc8947771e1945.txt"

SEED_TITLE = ("Copper-based metal organic framework impedes triple-negative breast cancer metastasis via local "
              "estrogen deprivation and platelets blockade")
SEED_TEXT = (
    "The Editors-in-Chief have retracted this article. After publication, the authors found errors in Figs. 4c, "
    "7h and 7j. Further checks by the publisher found background inconsistencies in the data presented in Figs. "
    "3m and 4c and g and 7c. The Editors-in-Chief therefore no longer have confidence in the presented data.\n\n"
    "Junjie Liu has stated on behalf of all authors that they agree to this retraction."
)
SEED_AUTHORS = ["Sijie Wang", "Na Yin", "Yongjuan Li", "Tingting Xiang", "Wenxiao Jiang", "Xiu Zhao", "Wei Liu",
                "Zhenzhong Zhang", "Jinjin Shi", "Kaixiang Zhang", "Xingming Guo", "Pilei Si", "Junjie Liu"]
# Affiliation indexes per author, from the superscripts (1 lost its marker in the PDF text).
SEED_MARKERS = [[0], [0], [4], [0], [0], [0], [0], [0], [0], [0], [1], [2, 3], [0, 3]]
AWKWARD_DOI = "10.5555/(sici)1097-4636(199912)47:4-hydrogel-é"
NANOBIOTECH = Journal(name="Journal of Nanobiotechnology", issn=["1477-3155"], publisher="Springer Nature")
ESPR = Journal(name="Environmental Science and Pollution Research", publisher="Springer")


def span(text: str, exact: str) -> Span:
    start = text.index(exact)
    return Span(start, start + len(exact), exact)


def seed_notice() -> Notice:
    orgs = [
        Organization("Zhengzhou University", label="School of Pharmaceutical Sciences, Zhengzhou University, "
                     "Zhengzhou 450001, China", locality="Zhengzhou", postal_code="450001", country="China"),
        Organization("Chongqing University", label="College of Bioengineering, Chongqing University, Chongqing, "
                     "People's Republic of China", locality="Chongqing", country="People's Republic of China"),
        Organization("Henan Provincial People's Hospital", label="Department of Breast Surgery, Henan Provincial "
                     "People's Hospital, People's Hospital of Zhengzhou University, People's Hospital of Henan "
                     "University, Zhengzhou, Henan 450003, China", locality="Zhengzhou", region="Henan",
                     postal_code="450003", country="China"),
        Organization("Henan Provincial Engineering Research Center of Breast Cancer Precise Prevention and "
                     "Treatment", locality="Zhengzhou", region="Henan", postal_code="450003", country="China"),
        Organization("Zhengzhou University", label="Academy of Medical Sciences, Zhengzhou University, Zhengzhou "
                     "450052, China", locality="Zhengzhou", postal_code="450052", country="China"),
    ]
    agree = span(SEED_TEXT, "Junjie Liu has stated on behalf of all authors that they agree to this retraction.")
    authors = [Person(name=name, given_name=name.split()[0], family_name=name.split()[-1], affiliations=markers,
                      stance=Stance.AGREES, stance_evidence=agree)
               for name, markers in zip(SEED_AUTHORS, SEED_MARKERS, strict=True)]
    authors[10].corresponding = True
    authors[10].email = "guoxm@cqu.edu.cn"
    image = span(SEED_TEXT, "the authors found errors in Figs. 4c, 7h and 7j")
    data = span(SEED_TEXT, "background inconsistencies in the data presented in Figs. 3m and 4c and g and 7c")
    checks = span(SEED_TEXT, "Further checks by the publisher")
    return Notice(
        title=f"Retraction Note: {SEED_TITLE}",
        doi="10.1186/s12951-024-02589-z",
        nature=Nature.RETRACTION,
        date="2024-05-31",
        journal=NANOBIOTECH,
        publisher="Springer Nature",
        license="http://creativecommons.org/licenses/by/4.0/",
        text=SEED_TEXT,
        language="en",
        retracted_by=[Role.EDITOR_IN_CHIEF],
        # Confidences as the calibrated reader gives them (one a whole number: a double all the same).
        reasons=[ReasonClaim("Error in Image", evidence=[image], confidence=0.764),
                 ReasonClaim("Concerns/Issues about Image", evidence=[data], confidence=0.25),
                 ReasonClaim("Concerns/Issues about Data", evidence=[data]),
                 ReasonClaim("Investigation by Journal/Publisher", evidence=[checks], confidence=1.0)],
        nature_confidence=0.9,
        affected_items=["Fig. 3m", "Fig. 4c", "Fig. 4g", "Fig. 7c", "Fig. 7h", "Fig. 7j"],
        articles=[Article(title=SEED_TITLE, doi="10.1186/s12951-022-01520-8", journal=NANOBIOTECH, year="2022",
                          volume="20", article_number="313", article_type="Research",
                          citation="Journal of Nanobiotechnology (2022) 20:313",
                          authors=authors, organizations=orgs)],
    )


def rw_notice(record_id: str, title: str, authors: list[str], institution: str, date: str, doi: str, pmid: str,
              article_date: str, article_doi: str, article_pmid: str, reasons: list[str]) -> Notice:
    org = Organization(institution.split(",")[0], label=institution)
    return Notice(
        title=f"Retraction Note: {title}", doi=doi, pmid=pmid, nature=Nature.RETRACTION, date=date,
        journal=ESPR, publisher="Springer", paywalled=False, record_ids={"retraction-watch": record_id},
        reasons=[ReasonClaim(label) for label in reasons],
        articles=[Article(title=title, doi=article_doi, pmid=article_pmid, journal=ESPR, date=article_date,
                          article_type="Research Article", organizations=[org],
                          authors=[Person(name=name, affiliations=[0]) for name in authors])],
    )


def other_notices() -> list[Notice]:
    concern_text = "The editors are issuing this expression of concern because questions were raised about Fig. 2."
    return [
        rw_notice("54680", "Sustainable impact of COVID-19 on education projects: aspects of naturalism",
                  ["Song Pu", "Jamshid Ali Turi", "Wang Bo", "Chen Zheng", "Dandan Tang", "Wasim Iqbal"],
                  "Guiyang Preschool Education College, Guiyang, China", "2024-07-08", "10.1007/s11356-024-34290-x",
                  "38972950", "2022-05-14", "10.1007/s11356-022-20387-8", "35567688",
                  ["+Concerns/Issues About Results", "+Fake Peer Review", "+Investigation by Journal/Publisher"]),
        rw_notice("54499", "Impact of the COVID-19 outbreak on China's tourism economy and green finance efficiency",
                  ["Zhaolin Hu", "Suting Zhu"], "Henan Polytechnic, Zhengzhou, 450000, China", "2024-07-01",
                  "10.1007/s11356-024-34156-2", "38951404", "2023-02-14", "10.1007/s11356-023-25406-w", "36787070",
                  ["+Author Unresponsive", "+Fake Peer Review", "+Unreliable Results"]),
        Notice(title="Expression of Concern: Gene expression in zebrafish fins", doi="10.1371/journal.pone.0300001",
               nature=Nature.EXPRESSION_OF_CONCERN, date="2023-03-02", text=concern_text,
               journal=Journal(name="PLOS ONE", issn=["1932-6203"], publisher="Public Library of Science"),
               reasons=[ReasonClaim("Concerns/Issues about Image", evidence=[span(concern_text, "Fig. 2")])],
               articles=[Article(title="Gene expression in zebrafish fins", doi="10.1371/journal.pone.0200001",
                                 journal=Journal(name="PLOS ONE", issn=["1932-6203"]), year="2018",
                                 authors=[Person(name="Ana Souza")])]),
        # A DOI with SICI punctuation and a non-ASCII letter: minted IRIs keep it percent-encoded.
        Notice(title="Retraction: Hydrogel scaffolds", nature=Nature.RETRACTION, date="1999-12-01",
               journal=Journal(name="Journal of Biomedical Materials Research"),
               articles=[Article(title="Hydrogel scaffolds", doi=AWKWARD_DOI, year="1999", volume="47", issue="4",
                                 pages="505-512", journal=Journal(name="Journal of Biomedical Materials Research"),
                                 authors=[Person(name="José Álvarez-Núñez")])]),
        Notice(title="Correction: Soil microbes under drought", doi="10.1371/journal.pone.0300002",
               nature=Nature.CORRECTION, date="2021-11-20",
               journal=Journal(name="PLOS ONE", issn=["1932-6203"], publisher="Public Library of Science"),
               articles=[Article(title="Soil microbes under drought", doi="10.1371/journal.pone.0200002",
                                 journal=Journal(name="PLOS ONE", issn=["1932-6203"]), year="2020",
                                 authors=[Person(name="Li Wei")])]),
    ]


def records() -> list[SourceRecord]:
    found = [SourceRecord(seed_notice(), source=str(SEED), format="text")]
    for index, notice in enumerate(other_notices()):
        found.append(SourceRecord(notice, source="tests/ld_graph.py", format="test", record_key=str(index)))
    return found


def published_store(settings: Settings, path: Path | None = None, *, with_seed: bool = True) -> OxigraphStore:
    """A store holding the vocabulary and the records above, as `retractkg ingest` would leave it
    (`with_seed=False` leaves the seed to `retractkg ingest --demo`)."""
    store = OxigraphStore(path)
    ensure_vocabulary(store)
    mapper = RecordMapper(settings.base)
    chosen = records() if with_seed else records()[1:]
    write_batch(store, [mapper.map(record) for record in chosen], IngestReport(), settings)
    write_descriptions(store, mapper.descriptions)
    return store


def notice_iri(settings: Settings, record: int = 0) -> str:
    return RecordMapper(settings.base).map(records()[record]).notice
