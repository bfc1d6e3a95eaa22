"""Route registration shared by the routers."""

from __future__ import annotations

from fastapi import APIRouter, Response


def get_and_head(router: APIRouter, path: str, **options):
    """A GET route of `router` that also answers HEAD (FastAPI does not add it), documented once in OpenAPI.

    Harvesters check documents, pages and dumps with HEAD before they fetch them.
    """
    def register(endpoint):
        router.add_api_route(path, endpoint, methods=["HEAD"], include_in_schema=False,
                             response_class=options.get("response_class", Response))
        return router.get(path, **options)(endpoint)
    return register
