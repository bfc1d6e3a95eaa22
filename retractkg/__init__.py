"""retractkg: the open, linked-data knowledge graph of scholarly retractions."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("retractkg")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
