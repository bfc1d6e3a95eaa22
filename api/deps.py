"""Request-scoped access to what `create_app` put on `app.state`: routers never import globals."""

from __future__ import annotations

from fastapi import Request

from retractkg.config import Settings
from retractkg.store import GraphStore


def get_store(request: Request) -> GraphStore:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings
