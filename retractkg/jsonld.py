"""JSON-LD that reads naturally and means exactly the triples it was made from.

The output is compacted with the project's published context (`ontology/context.jsonld`, referenced by
its IRI) and shaped like a frame: the described resource is the top object and every node is
embedded where a reader looks for it first (notice -> article -> authors -> affiliations; reason
assignments with the quoted evidence). Each node is embedded once, where it is first reached in reading
order (a notice's reasons with their labels under `reason`; a reason assignment's `hasBody` is then the
concept's IRI): a program finds every node by its `id`, and the document is not bloated by repeats.
Pages' schema.org JSON-LD embeds leaves at every reference instead (`repeat_leaves`), as search
engines read no references.

Booleans, integers and doubles under a term typed `xsd:boolean`/`xsd:integer`/`xsd:double` are written as
native JSON values when their lexical form is canonical (`"paywalled": false`, `"position": 11`,
`"confidence": 0.764` for `"7.64E-1"^^xsd:double`), since a JSON-LD processor turns a native value back
into exactly that canonical literal; a non-canonical one (`"01"`) stays a string, which the term's type
still reads as the same literal. Stores write doubles in forms of their own (Oxigraph: "0.764"), so
documents are made of `canonical_doubles` of what the store returns: one lexical form in every format.
(A decimal could not be native: a JSON number with a fraction becomes an `xsd:double` in toRdf.)

Why not pyld's `frame`+`compact` on the request path: they take tens of milliseconds for one notice,
the budget is a few. Compaction here is a direct term selection over the parsed context (cached),
conservative where JSON-LD is subtle: a term is used only when its definition reproduces the exact
triple (IRI coercion, datatype, language), otherwise a compact IRI or a full IRI with an explicit
value object is written. Tests expand the output with pyld and with jsonld.js and compare the RDF
with the Turtle of the same description.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from retractkg.formats import JSONLD
from retractkg.ontology import CITO, CONTEXT_FILE, CONTEXT_IRI, OA, RDF, RKG, SCHEMA, SKOS, XSD

GEN_DELIMS = tuple(":/?#[]@")
RDF_TYPE_IRI = RDF + "type"
XSD_STRING = XSD + "string"
POSITION_IRI = RKG + "position"
AGENT_IRI = RKG + "agent"
_UNSET = object()
NODE, IRI, BNODE, LITERAL = range(4)  # kinds of objects
BARE, REFERENCE, EXPLICIT, NATIVE = range(1, 5)  # ways to write them (NODE: an embedded node object)
XSD_BOOLEAN, XSD_INTEGER, XSD_DOUBLE = XSD + "boolean", XSD + "integer", XSD + "double"
NATIVE_TYPES = frozenset({XSD_BOOLEAN, XSD_INTEGER, XSD_DOUBLE})
CANONICAL_INTEGER = re.compile(r"-?(0|[1-9][0-9]{0,14})")  # below 2**53: exact in JavaScript too

# Properties in reading order; the first place a node is reached is where it is embedded.
READING_ORDER = [SCHEMA + p for p in ("name", "datePublished", "headline")] + [
    RKG + "nature", RKG + "doi", RKG + "pmid", RKG + "pmcid", SCHEMA + "sameAs", SCHEMA + "url",
    CITO + "retracts", CITO + "corrects", RKG + "expressesConcernAbout", RKG + "reinstates", CITO + "updates",
    SCHEMA + "author", RKG + "authorship", RKG + "agent", RKG + "position", RKG + "isCorresponding",
    SCHEMA + "affiliation", SCHEMA + "address", SCHEMA + "isPartOf", SCHEMA + "volumeNumber",
    SCHEMA + "issueNumber", SCHEMA + "publisher", RKG + "reason", RKG + "possibleReason", RKG + "reasonAssignment",
    OA + "hasBody", OA + "hasTarget", OA + "hasSelector", OA + "exact", RKG + "retractedBy", RKG + "requestedBy",
    RKG + "authorStance", RKG + "stanceValue", RKG + "evidence", SKOS + "prefLabel",
]
_RANK = {iri: i for i, iri in enumerate(READING_ORDER)}

Subject = NamedNode | BlankNode
Json = dict[str, Any]


@dataclass(frozen=True)
class Term:
    name: str
    iri: str
    type: str | None  # "@id", "@vocab", a datatype IRI, or None
    language: object  # a tag, None for "no language", or _UNSET to inherit the default
    set_container: bool


class ContextError(ValueError):
    """The context uses a feature this compactor does not handle; the message names it."""


class CompactionContext:
    """A parsed local context, indexed for choosing the key and value form of each triple."""

    def __init__(self, context: Any, reference: Any) -> None:
        self.reference = reference
        raw: dict[str, Any] = {}
        for part in context if isinstance(context, list) else [context]:
            if part is None:
                raw = {}
            elif isinstance(part, dict):
                raw.update(part)
            else:
                raise ContextError(f"remote contexts inside the project context are not supported: {part!r}")
        self.raw = raw
        self.vocab: str | None = raw.get("@vocab")
        self.plain_strings = "@language" not in raw and "@direction" not in raw
        self.id_key, self.type_key = "@id", "@type"
        self.terms: dict[str, Term] = {}
        self.prefixes: list[tuple[str, str]] = []
        self.type_names: dict[str, str] = {}
        for name, definition in raw.items():
            if name.startswith("@"):
                continue
            if definition == "@id":
                self.id_key = name
                continue
            if definition == "@type":
                self.type_key = name
                continue
            self._define(name, definition)
        self.prefixes.sort(key=lambda p: -len(p[1]))
        self._keys: dict[str, list[Term]] = {}
        for term in self.terms.values():
            self._keys.setdefault(term.iri, []).append(term)
        for candidates in self._keys.values():
            candidates.sort(key=lambda t: (len(t.name), t.name))
        self._forms: dict[tuple, tuple[str, int, bool, Any]] = {}
        self._vocab_iris: dict[str, str] = {}

    def _define(self, name: str, definition: Any) -> None:
        if definition is None or (isinstance(definition, dict) and definition.get("@id", "") is None):
            return
        iri = self.expand_definition(name, set())
        if iri is None or iri.startswith("@"):
            return
        if isinstance(definition, str):
            if iri.endswith(GEN_DELIMS) and ":" not in name:
                self.prefixes.append((name, iri))
            self.terms[name] = Term(name, iri, None, _UNSET, False)
            self.type_names.setdefault(iri, name)
            return
        if not isinstance(definition, dict):
            raise ContextError(f"term {name!r}: a definition must be a string, an object or null")
        if definition.get("@prefix") is True and ":" not in name:
            self.prefixes.append((name, iri))
        scoped = "@context" in definition
        if not scoped:
            self.type_names.setdefault(iri, name)
        container = definition.get("@container")
        containers = set(container if isinstance(container, list) else [container] if container else [])
        if scoped or "@reverse" in definition or "@nest" in definition or containers - {"@set"}:
            return  # keys with these features change how values read: not used as property keys
        coerced = definition.get("@type")
        if coerced not in (None, "@id", "@vocab"):
            if coerced in ("@json", "@none"):
                return
            coerced = self._expand(coerced, set())
        language = definition.get("@language", _UNSET)
        self.terms[name] = Term(name, iri, coerced, language, bool(containers))

    def expand_definition(self, name: str, seen: set[str]) -> str | None:
        if name in seen:
            raise ContextError(f"term {name!r} is defined in terms of itself")
        definition = self.raw.get(name)
        if isinstance(definition, str):
            return self._expand(definition, seen | {name})
        if isinstance(definition, dict):
            target = definition.get("@reverse", definition.get("@id"))
            if isinstance(target, str):
                return self._expand(target, seen | {name})
        if ":" in name:
            return self._expand(name, seen | {name})
        return self.vocab + name if self.vocab else None

    def _expand(self, value: str, seen: set[str]) -> str | None:
        if value.startswith("@"):
            return value
        if ":" in value:
            prefix, suffix = value.split(":", 1)
            if prefix == "_" or suffix.startswith("//") or prefix not in self.raw:
                return value
            base = self.expand_definition(prefix, seen)
            return base + suffix if base else value
        if value in self.raw:
            return self.expand_definition(value, seen)
        return self.vocab + value if self.vocab else None

    # -- compaction of IRIs -------------------------------------------------------------------

    def vocab_iri(self, iri: str) -> str:
        """How to write an IRI in a vocabulary position (a type, a datatype)."""
        found = self._vocab_iris.get(iri)
        if found is None:
            found = self._vocab_iris[iri] = self._vocab_iri(iri, self.type_names.get(iri))
        return found

    def key(self, iri: str) -> str:
        return self._vocab_iri(iri, None)

    def _vocab_iri(self, iri: str, term: str | None) -> str:
        if term is not None:
            return term
        for name, prefix in self.prefixes:
            if iri.startswith(prefix) and len(iri) > len(prefix):
                compact = f"{name}:{iri[len(prefix):]}"
                if compact not in self.raw and not iri[len(prefix):].startswith("//"):
                    return compact
        if self.vocab and iri.startswith(self.vocab):
            suffix = iri[len(self.vocab):]
            if suffix and ":" not in suffix and not suffix.startswith("@") and suffix not in self.raw:
                return suffix
        if iri in self.raw or iri.split(":", 1)[0] in self.raw:
            raise ContextError(f"<{iri}> cannot be written unambiguously with this context")
        return iri

    # -- one value --------------------------------------------------------------------------

    def form(self, predicate: str, kind: int, datatype: str = "", language: str = "") -> tuple[str, int, bool, Any]:
        """How to write one object of `predicate`: (key, mode, key has a @set container, extra).

        `kind` is NODE (an embedded node object), IRI, BNODE or LITERAL; `extra` is what a value
        object needs besides "@value" (its "@type" or "@language"). Memoized: a context has few forms."""
        memo_key = (predicate, kind, datatype, language)
        found = self._forms.get(memo_key)
        if found is None:
            found = self._forms[memo_key] = self._form(predicate, kind, datatype, language)
        return found

    def _form(self, predicate: str, kind: int, datatype: str, language: str) -> tuple[str, int, bool, Any]:
        candidates = self._keys.get(predicate, ())
        if kind == NODE:
            for term in candidates:
                if term.type in (None, "@id", "@vocab"):
                    return term.name, NODE, term.set_container, None
            return self.key(predicate), NODE, False, None
        if kind in (IRI, BNODE):
            if kind == IRI:
                for term in candidates:
                    if term.type in ("@id", "@vocab"):
                        return term.name, BARE, term.set_container, None
            for term in candidates:
                if term.type is None:
                    return term.name, REFERENCE, term.set_container, None
            return self.key(predicate), REFERENCE, False, None
        if language:
            extra: tuple[str, str] | None = ("@language", language)
        elif datatype != XSD_STRING:
            extra = ("@type", self.vocab_iri(datatype))
        else:
            extra = None
        fallback: Term | None = None
        for term in candidates:
            if term.type is None:
                fallback = fallback or term
                if language and term.language == language:
                    return term.name, BARE, term.set_container, None
                if not language and datatype == XSD_STRING and (
                        term.language is None or (term.language is _UNSET and self.plain_strings)):
                    return term.name, BARE, term.set_container, None
            elif term.type == datatype and not language:
                mode = NATIVE if datatype in NATIVE_TYPES else BARE
                return term.name, mode, term.set_container, None
        if fallback is not None:
            return fallback.name, EXPLICIT, fallback.set_container, extra
        if extra is None and self.plain_strings:
            return self.key(predicate), BARE, False, None  # an undefined key coerces nothing
        return self.key(predicate), EXPLICIT, False, extra


@cache
def _project_context(path: str, mtime: float) -> CompactionContext:
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    return CompactionContext(document.get("@context", {}), CONTEXT_IRI)


def project_context() -> CompactionContext:
    """The published context, parsed once (and again only if the file changes)."""
    return _project_context(str(CONTEXT_FILE), CONTEXT_FILE.stat().st_mtime)


class _Framer:
    """Builds the tree of one description: each node embedded once (leaves at every reference)."""

    def __init__(self, triples: Iterable[Triple], context: CompactionContext, repeat_leaves: bool) -> None:
        self.context = context
        index: dict[Subject, dict[str, list]] = {}
        for triple in triples:  # triples or quads (the graph name is ignored)
            s, p, o = triple.subject, triple.predicate, triple.object
            props = index.get(s)
            if props is None:
                props = index[s] = {}
            values = props.get(p.value)
            if values is None:
                props[p.value] = [o]
            else:
                values.append(o)
        self.index = index
        self.leaves = {s for s, props in index.items()
                       if not any(o in index for p, objs in props.items() if p != RDF_TYPE_IRI for o in objs)
                       } if repeat_leaves else set()
        self.positions = self._positions()
        self.emitted: set[Subject] = set()
        self.nodes: dict[Subject, Json] = {}

    def _positions(self) -> dict[Subject, float]:
        positions: dict[Subject, float] = {}
        for s, props in self.index.items():
            for literal in props.get(POSITION_IRI, ()):
                try:
                    position = float(literal.value)
                except ValueError:
                    continue
                positions[s] = position
                for agent in props.get(AGENT_IRI, ()):
                    positions[agent] = min(positions.get(agent, math.inf), position)
        return positions

    def _order(self, value: Any) -> tuple[float, str]:
        return self.positions.get(value, math.inf), str(value)

    def node(self, subject: Subject, path: frozenset[Subject], skip: tuple | None = None) -> Json:
        ctx = self.context
        form = ctx.form
        index, emitted, leaves = self.index, self.emitted, self.leaves
        emitted.add(subject)
        out: Json = {ctx.id_key: subject.value if type(subject) is NamedNode else "_:" + subject.value}
        self.nodes.setdefault(subject, out)
        props = index.get(subject, {})
        types = props.get(RDF_TYPE_IRI)
        if types:
            names = sorted(ctx.vocab_iri(t.value) for t in types if type(t) is NamedNode)
            out[ctx.type_key] = names[0] if len(names) == 1 else names
        inside = path | {subject}
        for predicate in sorted(props, key=_reading_rank):
            if predicate == RDF_TYPE_IRI:
                continue
            values = props[predicate]
            if len(values) > 1:
                values = sorted(values, key=self._order)
            for value in values:
                if skip is not None and skip == (predicate, value):
                    continue
                kind = type(value)
                if kind is Literal:
                    key, mode, as_set, extra = form(predicate, LITERAL, value.datatype.value, value.language or "")
                    if mode == BARE:
                        json_value: Any = value.value
                    elif mode == NATIVE:
                        json_value = _native(value.value, value.datatype.value)
                    elif extra is None:
                        json_value = {"@value": value.value}
                    else:
                        json_value = {"@value": value.value, extra[0]: extra[1]}
                elif value in index and value not in inside and (value not in emitted or value in leaves):
                    key, mode, as_set, extra = form(predicate, NODE)
                    json_value = self.node(value, inside)
                else:
                    ref = value.value if kind is NamedNode else "_:" + value.value
                    key, mode, as_set, extra = form(predicate, IRI if kind is NamedNode else BNODE)
                    json_value = ref if mode == BARE else {ctx.id_key: ref}
                _add(out, key, json_value, as_set)
        return out

    def attach_rest(self) -> list[Json]:
        """Nodes not reached forward hang under a node they point to (as @reverse), else at the top."""
        progress = True
        while progress:
            progress = False
            for subject in sorted(set(self.index) - self.emitted, key=str):
                if subject in self.emitted:
                    continue
                link = next(((p, o) for p, objs in sorted(self.index[subject].items())
                             if p != RDF_TYPE_IRI for o in objs if o in self.nodes), None)
                if link is None:
                    continue
                predicate, target = link
                child = self.node(subject, frozenset({target}), skip=link)
                key, _, _, _ = self.context.form(predicate, NODE)
                _add(self.nodes[target].setdefault("@reverse", {}), key, child, True)
                progress = True
        return [self.node(s, frozenset()) for s in sorted(set(self.index) - self.emitted, key=str)
                if s not in self.emitted]


def canonical_double(value: float) -> str:
    """The canonical lexical form of an xsd:double, as JSON-LD's toRdf writes a JSON number ("7.64E-1",
    "1.0E0"; pyld and jsonld.js alike): 16 significant digits, trailing zeros and the exponent's
    sign and leading zeros dropped."""
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("INF" if value > 0 else "-INF")
    return _DOUBLE_TAIL.sub(r"\1E\2\3", f"{value:1.15E}")


_DOUBLE_TAIL = re.compile(r"(\d)0*E\+?(-)?0*(\d)")
_DOUBLE_NODE = NamedNode(XSD_DOUBLE)


def canonical_doubles(triples: Iterable[Triple]) -> list[Triple]:
    """The triples with every xsd:double literal in its canonical form (`canonical_double`); others as they are."""
    out = []
    for t in triples:
        o = t.object
        if type(o) is Literal and o.datatype == _DOUBLE_NODE:
            try:
                canonical = canonical_double(float(o.value))
            except ValueError:  # an ill-typed literal stays as it is
                canonical = o.value
            if canonical != o.value:
                t = Triple(t.subject, t.predicate, Literal(canonical, datatype=_DOUBLE_NODE))
        out.append(t)
    return out


def _native(lexical: str, datatype: str) -> bool | int | float | str:
    """The native JSON value of a canonical boolean, integer or double (the term is typed with its datatype)."""
    if datatype == XSD_BOOLEAN:
        return lexical == "true" if lexical in ("true", "false") else lexical
    if datatype == XSD_DOUBLE:
        try:
            number = float(lexical)
        except ValueError:
            return lexical
        return number if math.isfinite(number) and canonical_double(number) == lexical else lexical
    if CANONICAL_INTEGER.fullmatch(lexical) and lexical != "-0":
        return int(lexical)
    return lexical


def _reading_rank(predicate: str) -> tuple[int, str]:
    return _RANK.get(predicate, len(_RANK)), predicate


def _add(node: Json, key: str, value: Any, as_set: bool) -> None:
    if key not in node:
        node[key] = [value] if as_set else value
    elif isinstance(node[key], list):
        node[key].append(value)
    else:
        node[key] = [node[key], value]


def frame(triples: Iterable[Triple], root: str | None = None, *,
          context: CompactionContext | None = None, repeat_leaves: bool = False) -> Json:
    """The JSON-LD document of a graph, with `root` (if given) as the top node; `repeat_leaves` embeds
    nodes that link to no other node (concepts, addresses) at every reference, not only the first."""
    context = context or project_context()
    framer = _Framer(triples, context, repeat_leaves)
    tops: list[Json] = []
    if root is not None and NamedNode(root) in framer.index:
        tops.append(framer.node(NamedNode(root), frozenset()))
    else:
        referenced = {o for props in framer.index.values() for objs in props.values() for o in objs}
        for subject in sorted(framer.index, key=str):
            if subject not in referenced and subject not in framer.emitted:
                tops.append(framer.node(subject, frozenset()))
    tops.extend(framer.attach_rest())
    if len(tops) == 1:
        return {"@context": context.reference, **tops[0]}
    return {"@context": context.reference, "@graph": tops}


def dumps(document: Json, *, pretty: bool = True) -> bytes:
    """UTF-8 JSON (orjson: serializing is a noticeable part of a request otherwise)."""
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 if pretty else 0)


def description_jsonld(description) -> bytes:
    """The JSON-LD document of one resource's description (see `retractkg.descriptions`)."""
    return dumps(frame(description.triples, description.iri))


def _local_documents_only(url: str, options: dict | None = None) -> dict:
    """pyld document loader: the project's context from disk, nothing from the network."""
    if url == CONTEXT_IRI:
        return {"contentType": JSONLD, "contextUrl": None, "documentUrl": url,
                "document": {"@context": project_context().raw}}
    from pyld.jsonld import JsonLdError

    raise JsonLdError(f"remote JSON-LD documents are not loaded: {url}", "jsonld.LoadDocumentError",
                      code="loading document failed")


def compact_jsonld(expanded: bytes) -> bytes:
    """Compact pyoxigraph's JSON-LD (a SPARQL answer) with the project's context, embedded so that the answer
    stands alone: the endpoint and `retractkg query --format jsonld` answer the same.

    pyoxigraph writes rdf:type as an ordinary property; it becomes `@type` first, as JSON-LD's
    own RDF conversion would do (pyld's from_rdf does the same but is far slower).
    """
    from pyld import jsonld

    document = json.loads(expanded)
    nodes = document.get("@graph", document) if isinstance(document, dict) else document
    for node in nodes if isinstance(nodes, list) else [nodes]:
        types = node.pop(RDF + "type", None)
        if types:
            iris = [t["@id"] for t in types if "@id" in t]
            node.setdefault("@type", []).extend(iris)
            rest = [t for t in types if "@id" not in t]
            if rest:
                node[RDF + "type"] = rest
    compacted = jsonld.compact(document, {"@context": project_context().raw},
                               options={"documentLoader": _local_documents_only})
    return json.dumps(compacted, ensure_ascii=False, indent=1).encode("utf-8")
