"""Regenerate ontology/reasons.ttl from Retraction Watch's published reason taxonomy.

    python -m retractkg.ontology.build_reasons ../shared/data/vocab/rw_reasons_appendixB_current.json \
        ../shared/data/vocab/rw_reasons_zotero_2023.json

One concept per reason of the current wording (Appendix B). Labels of the older wording (2023) become
`skos:altLabel`s of the concept they were renamed or merged into, so records from either era map to the
same concept; the one older reason that has no current successor is kept as a deprecated concept.
Other spellings met in real exports become `skos:hiddenLabel`s: found by lookup, never displayed.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS, XSD

from retractkg.ontology import REASON, REASON_SCHEME, REASONS_FILE, RKG
from retractkg.ontology.identifiers import fold

# Older wording (2023 Zotero export) -> current Appendix B label, where the wording changed.
# Chosen by comparing both definitions; merges (two old reasons into one) are noted.
OLD_TO_CURRENT: dict[str, str] = {
    "Concerns/Issues About Authorship": "Concerns/Issues about Authorship/Affiliation",
    "Concerns/Issues About Data": "Concerns/Issues about Data",
    "Concerns/Issues About Image": "Concerns/Issues about Image",
    "Concerns/Issues About Results": "Concerns/Issues about Results and/or Conclusions",
    "Contamination of Materials (General)": "Contamination of Materials",
    # The current definition names reagents among the contaminated materials: a merge.
    "Contamination of Reagents": "Contamination of Materials",
    "Date of Retraction/Other Unknown": "Date of Article and/or Notice Unknown",
    "Duplicate Publication through Error by Journal/Publisher":
        "Duplication of Content through Error by Journal/Publisher",
    "Duplication of Article": "Duplication of/in Article",
    "Duplication of Image": "Duplication of/in Image",
    "Error in Materials (General)": "Error in Materials",
    "Ethical Violations by Third Party": "Ethical Violations by Company/Institution/Third Party",
    # Same definition except "intentionally": the current reason covers the old one.
    "Fake Peer Review": "Compromised Peer Review",
    "Forged Authorship": "False/Forged Authorship",
    "Informed/Patient Consent \u2013 None/Withdrawn": "Informed/Patient Consent - None/Withdrawn",
    "Lack of IRB/IACUC Approval": "Lack of IRB/IACUC Approval and/or Compliance",
    "Legal Reasons/Legal Threats": "Legal Reasons and/or Threats",
    "Miscommunication by Author": "Miscommunication with/by Author",
    "Miscommunication by Company/Institution": "Miscommunication with/by Company/Institution",
    "Miscommunication by Journal/Publisher": "Miscommunication with/by Journal/Publisher",
    "Miscommunication by Third Party": "Miscommunication with/by Third Party",
    "Misconduct \u2013 Official Investigation/Finding": "Misconduct - Official Investigation(s) and/or Finding(s)",
    "Nonpayment of Fees/Refusal to Pay": "Nonpayment of Fees and/or Refusal to Pay",
    "Notice \u2013 Lack of": "Notice - Lack of",
    "Notice \u2013 Limited or No Information": "Notice - Limited or No Information",
    "Notice \u2013 Unable to Access via current resources": "Notice - Unable to Access via current resources",
    "Original Data not Provided": "Original Data and/or Images not Provided and/or not Available",
    "Plagiarism of Article": "Plagiarism of/in Article",
    # "Mathgen or Scigen" output is named in the current definition, which adds generative AI.
    "Randomly Generated Content": "Computer-Aided Content or Computer-Generated Content",
    "Sabotage of Materials": "Sabotage of Materials/Methods",
    "Sabotage of Methods": "Sabotage of Materials/Methods",
    "Transfer of Copyright/Ownership": "Transfer of Copyright and/or Ownership",
    "Unreliable Results": "Unreliable Results and/or Conclusions",
    "Upgrade/Update of Prior Notice": "Upgrade/Update of Prior Notice(s)",
    # The reason (not the nature): "the original article is removed from access", now called Removed.
    "Withdrawal": "Removed",
    "Withdrawn (out of date)": "Withdrawn as Out of Date",
}

# Older reasons with no current successor: kept as deprecated concepts, related to the nearest current ones.
RETIRED: dict[str, tuple[str, ...]] = {
    # The current taxonomy has "Breach of Policy by Author" only; third parties fall under ethical violations.
    "Breach of Policy by Third Party": ("Breach of Policy by Author",
                                       "Ethical Violations by Company/Institution/Third Party"),
}

# Spellings in real Retraction Watch exports that are in neither published list.
OTHER_SPELLINGS: dict[str, str] = {
    "Concerns/Issues with Peer Review": "Concerns/Issues about Peer Review",  # 2023 export, observed counts
    "Notice - No/Limited Information": "Notice - Limited or No Information",  # observed counts
    "False Affiliation": "False/Forged Affiliation",  # reasons-dev labels (old website scrape)
}

# The oldest wording, "Category - Subcategory", met in exports of the database's website (rows of before about
# 2018 carry only these). Where one current reason is that wording's successor, the label is its alternative:
OLDEST_TO_CURRENT: dict[str, str] = {
    "Results - Unreliable": "Unreliable Results and/or Conclusions",
    "Data - Falsification/Fabrication": "Falsification/Fabrication of Data",
    "Image - Falsification/Fabrication": "Falsification/Fabrication of Image",
    "Image - Manipulation": "Manipulation of Images",
    "Investigation - Company/Institution": "Investigation by Company/Institution",
    "Investigation - Journal/Publisher": "Investigation by Journal/Publisher",
    "Investigation - Third Party": "Investigation by Third Party",
    "Investigation - ORI": "Investigation by ORI",
    "Misconduct - Investigation/Finding": "Misconduct - Official Investigation(s) and/or Finding(s)",
    "Author - Objections": "Objections by Author(s)",
    "Author - Miscommunications": "Miscommunication with/by Author",
    "Methods - Protocol Error": "Error in Methods",
}
# ... and where the wording was split into several current reasons (or names no current one), it is a deprecated
# concept of its own, related to the reasons it was split into: nothing a record says is lost or guessed.
OLDEST_SPLIT: dict[str, tuple[str, ...]] = {
    "Data - Issues/Errors": ("Concerns/Issues about Data", "Error in Data"),
    "Image - Issues/Errors": ("Concerns/Issues about Image", "Error in Image"),
    "Data - Plagiarism/Duplication": ("Plagiarism of Data", "Duplication of Data"),
    "Image - Plagiarism/Duplication": ("Plagiarism of Image", "Duplication of/in Image"),
    "Plagiarism": ("Plagiarism of/in Article", "Plagiarism of Text", "Plagiarism of Data", "Plagiarism of Image"),
    "Duplication": ("Duplication of/in Article", "Duplication of Text", "Duplication of Data",
                    "Duplication of/in Image"),
    "Ethics/Breach of Policy": ("Breach of Policy by Author", "Ethical Violations by Author"),
    "Methods - Equipment Misuse/Error": ("Error in Methods",),
    "Author - Fraudulent": (),
    "Author - Other Issues": (),
    "Materials - All other": ("Error in Materials", "Contamination of Materials"),
}

SOURCE = URIRef("https://retractionwatch.com/retraction-watch-database-user-guide/")


def slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def concept_iri(label: str) -> URIRef:
    return URIRef(REASON + slug(label))


def build(current: dict[str, str], older: dict[str, str]) -> Graph:
    unmapped = sorted(set(older) - set(current) - set(OLD_TO_CURRENT) - set(RETIRED))
    if unmapped:
        raise ValueError(f"older reasons with no current concept: {unmapped}: add them to OLD_TO_CURRENT or RETIRED")
    stale = sorted(t for t in [*OLD_TO_CURRENT.values(), *OTHER_SPELLINGS.values(), *OLDEST_TO_CURRENT.values(),
                               *(r for related in OLDEST_SPLIT.values() for r in related)] if t not in current)
    if stale:
        raise ValueError(f"targets that are not current reasons: {stale}")

    g = Graph()
    g.bind("skos", SKOS)
    g.bind("rkg", Namespace(RKG))
    g.bind("dct", DCTERMS)
    g.bind("owl", OWL)
    scheme = URIRef(REASON_SCHEME)
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, SKOS.prefLabel, Literal("Retraction Watch reasons", lang="en")))
    title = "Retraction Watch reasons for retraction, correction and concern"
    g.add((scheme, DCTERMS.title, Literal(title, lang="en")))
    g.add((scheme, DCTERMS.description, Literal(
        "The reasons of the Retraction Watch Database taxonomy in its current wording (user guide, Appendix B), "
        "with the wording in use until 2023 as alternative labels.", lang="en")))
    g.add((scheme, DCTERMS.source, SOURCE))

    for label, definition in sorted(current.items()):
        concept = concept_iri(label)
        g.add((concept, RDF.type, SKOS.Concept))
        g.add((concept, RDF.type, URIRef(RKG + "Reason")))
        g.add((concept, SKOS.inScheme, scheme))
        g.add((concept, SKOS.topConceptOf, scheme))
        g.add((scheme, SKOS.hasTopConcept, concept))
        g.add((concept, SKOS.prefLabel, Literal(label, lang="en")))
        g.add((concept, SKOS.definition, Literal(definition, lang="en")))
        g.add((concept, SKOS.notation, Literal(label)))
    for label, related in sorted(RETIRED.items()):
        concept = concept_iri(label)
        g.add((concept, RDF.type, SKOS.Concept))
        g.add((concept, RDF.type, URIRef(RKG + "Reason")))
        g.add((concept, SKOS.inScheme, scheme))
        g.add((concept, SKOS.prefLabel, Literal(label, lang="en")))
        g.add((concept, SKOS.definition, Literal(older[label], lang="en")))
        g.add((concept, SKOS.notation, Literal(label)))
        g.add((concept, OWL.deprecated, Literal(True, datatype=XSD.boolean)))
        g.add((concept, SKOS.historyNote, Literal(
            "A reason of the taxonomy until 2023 with no successor in the current wording; kept so that older "
            "records map without loss. See the related concepts.", lang="en")))
        for target in related:
            g.add((concept, SKOS.related, concept_iri(target)))
    for label, definition in sorted(older.items()):
        if label in RETIRED:
            continue
        target = label if label in current else OLD_TO_CURRENT[label]
        concept = concept_iri(target)
        if target != label:
            g.add((concept, SKOS.altLabel, Literal(label, lang="en")))
        if target != label or definition.strip() != current[target].strip():
            g.add((concept, SKOS.historyNote, Literal(
                f"Until 2023 worded \u201c{label}\u201d, defined as: {definition.strip()}", lang="en")))
    oldest = "the database's oldest wording (\u201cCategory - Subcategory\u201d, in exports of its website)"
    for label, target in sorted(OLDEST_TO_CURRENT.items()):
        g.add((concept_iri(target), SKOS.altLabel, Literal(label, lang="en")))
        g.add((concept_iri(target), SKOS.historyNote, Literal(f"Worded \u201c{label}\u201d in {oldest}.", lang="en")))
    for label, related in sorted(OLDEST_SPLIT.items()):
        concept = concept_iri(label)
        for triple in [(RDF.type, SKOS.Concept), (RDF.type, URIRef(RKG + "Reason")), (SKOS.inScheme, scheme),
                       (SKOS.prefLabel, Literal(label, lang="en")), (SKOS.notation, Literal(label)),
                       (OWL.deprecated, Literal(True, datatype=XSD.boolean))]:
            g.add((concept, *triple))
        g.add((concept, SKOS.historyNote, Literal(
            f"A reason in {oldest}, with no one successor in the current wording; kept so that older records map "
            "without loss." + (" See the related concepts it was split into." if related else ""), lang="en")))
        for target in related:
            g.add((concept, SKOS.related, concept_iri(target)))
    for label, target in sorted(OTHER_SPELLINGS.items()):
        g.add((concept_iri(target), SKOS.hiddenLabel, Literal(label, lang="en")))
    _check_unambiguous(g)
    return g


def _check_unambiguous(g: Graph) -> None:
    """Lookup folds case, dashes and punctuation: no two concepts may share a folded label."""
    owner: dict[str, URIRef] = {}
    for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
        for concept, label in g.subject_objects(prop):
            key = fold(str(label))
            if owner.setdefault(key, concept) != concept:
                raise ValueError(f"label {label!r} folds onto two concepts: {owner[key]} and {concept}")


def main(argv: list[str]) -> None:
    current = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    older = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    build(current, older).serialize(REASONS_FILE, format="turtle")


if __name__ == "__main__":
    main(sys.argv[1:])
