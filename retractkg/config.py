"""One settings object, read once (from arguments and environment) and passed down explicitly."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from retractkg.ontology import VOCAB

DEFAULT_STORE = Path("retractkg-store")


@dataclass(frozen=True)
class Settings:
    """Where the graph lives and under which base its IRIs are minted.

    `base` must end in "/" so that minted IRIs are `{base}id/{kind}/{key}`. Changing it after
    ingest mints different IRIs: re-ingest into a fresh store.
    """

    base: str = VOCAB
    store_path: Path = DEFAULT_STORE
    # A remote SPARQL 1.1 server replaces the embedded store when `sparql_query_url` is set.
    sparql_query_url: str = ""
    sparql_update_url: str = ""
    sparql_user: str = ""
    sparql_password: str = field(default="", repr=False)
    # Public endpoint limits (seconds, rows).
    query_timeout: float = 10.0
    max_result_rows: int = 100_000

    def __post_init__(self) -> None:
        if not self.base.endswith(("/", "#")):
            raise ValueError(f"base IRI must end with '/' or '#': {self.base!r}")

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        settings = cls(
            base=env.get("RETRACTKG_BASE", VOCAB),
            store_path=Path(env.get("RETRACTKG_STORE", str(DEFAULT_STORE))),
            sparql_query_url=env.get("RETRACTKG_SPARQL_QUERY_URL", ""),
            sparql_update_url=env.get("RETRACTKG_SPARQL_UPDATE_URL", ""),
            sparql_user=env.get("RETRACTKG_SPARQL_USER", ""),
            sparql_password=env.get("RETRACTKG_SPARQL_PASSWORD", ""),
            query_timeout=float(env.get("RETRACTKG_QUERY_TIMEOUT", "10")),
            max_result_rows=int(env.get("RETRACTKG_MAX_RESULT_ROWS", "100000")),
        )
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})

    def environment(self) -> dict[str, str]:
        """These settings as the environment `from_env` reads: how they reach server worker processes."""
        return {"RETRACTKG_BASE": self.base, "RETRACTKG_STORE": str(self.store_path),
                "RETRACTKG_SPARQL_QUERY_URL": self.sparql_query_url,
                "RETRACTKG_SPARQL_UPDATE_URL": self.sparql_update_url,
                "RETRACTKG_SPARQL_USER": self.sparql_user, "RETRACTKG_SPARQL_PASSWORD": self.sparql_password,
                "RETRACTKG_QUERY_TIMEOUT": repr(self.query_timeout),
                "RETRACTKG_MAX_RESULT_ROWS": str(self.max_result_rows)}
