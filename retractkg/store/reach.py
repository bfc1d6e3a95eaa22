"""Paths from one resource, each followed inside one named graph: what a document about it gathers.

A `Hops` is a fixed sequence of `Step`s from the root; the document holds the root's own quads and
every quad of each node at the end of a path, the path and the node's quads being read in the same
named graph (so a node shared by thousands of records, a journal say, is read only from the records
that lead to it from this root). Stores evaluate paths with `GraphStore.reach`: the generic form is
the SPARQL pattern below, the embedded store walks its indexes instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from retractkg.ontology import RDF

RDF_TYPE = RDF + "type"


@dataclass(frozen=True)
class Step:
    """One hop: along `predicate` (against it when `inverse`).

    `types`: the node reached must have one of these rdf:types (in the same graph).
    `fragment`: any predicate, to the root's own hash IRIs (`<root#...>`) only.
    """

    predicate: str | None
    inverse: bool = False
    types: tuple[str, ...] = ()
    fragment: bool = False


@dataclass(frozen=True)
class Hops:
    """Steps from the root; `only`: keep just these predicates of the node reached (all when empty)."""

    steps: tuple[Step, ...] = ()
    only: tuple[str, ...] = ()


def along(*predicates: str, types: tuple[str, ...] = (), only: tuple[str, ...] = ()) -> Hops:
    """A path along these predicate IRIs, each prefixed by '^' when followed backwards;
    `types` constrains the last node."""
    steps = [Step(p.removeprefix("^"), inverse=p.startswith("^")) for p in predicates]
    if types:
        steps[-1] = Step(steps[-1].predicate, steps[-1].inverse, types=types)
    return Hops(tuple(steps), only)


SELF = Hops()
FRAGMENTS = Hops((Step(None, fragment=True),))


def reach_pattern(root: str, paths: Sequence[Hops]) -> str:
    """The SPARQL group pattern binding ?s ?p ?o ?g to every quad that `paths` reach from `root`.

    The root's IRI is written into every branch: each branch is then evaluated from it through the
    indexes (an outer VALUES would not bind it inside the groups, which SPARQL evaluates bottom-up).
    """
    node = str(NamedNode(root))
    branches = [_branch(node, path) for path in paths]
    return "{\n  " + "\n  UNION ".join(branches) + "\n}"


def _branch(root: str, path: Hops) -> str:
    patterns: list[str] = []
    current = root
    for number, step in enumerate(path.steps, 1):
        reached = "?s" if number == len(path.steps) else f"?n{number}"
        if step.fragment:
            prefix = Literal(root[1:-1] + "#")
            patterns.append(f"{current} ?link{number} {reached} "
                            f"FILTER(isIRI({reached}) && STRSTARTS(STR({reached}), {prefix}))")
        elif step.inverse:
            patterns.append(f"{reached} {NamedNode(step.predicate)} {current} .")
        else:
            patterns.append(f"{current} {NamedNode(step.predicate)} {reached} .")
        if step.types:
            allowed = ", ".join(str(NamedNode(t)) for t in step.types)
            patterns.append(f"{reached} <{RDF_TYPE}> ?type{number} FILTER(?type{number} IN ({allowed}))")
        current = reached
    only = ""
    if path.only:
        only = f" FILTER(?p IN ({', '.join(str(NamedNode(p)) for p in path.only)}))"
    if not path.steps:
        return f"{{ GRAPH ?g {{ {root} ?p ?o{only} }} BIND({root} AS ?s) }}"
    return f"{{ GRAPH ?g {{ {' '.join(patterns)} ?s ?p ?o{only} }} }}"
