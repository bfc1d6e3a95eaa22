"""Who uses a store folder: servers reading it, or one writer changing it, never both at once.

A server with read-only workers takes no RocksDB lock, so an ingest could write under it and the
workers would go on serving what they read at start (a new record answering 404). `flock` on
`retractkg.lock` in the store folder enforces the rule: `retractkg serve` holds it shared, a
writable open holds it exclusively, and neither waits. The kernel lets go of a lock when its process
ends however it ends, so a crashed server or ingest blocks nothing.

So that a refused writer can say who is in the way, each holder also keeps a small JSON file in
`retractkg-holders/` (its pid, what it is, the address it serves), itself locked while the holder
lives: files whose lock can be taken are left over from a dead process and are ignored (and removed
by the next writer).
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
from pathlib import Path
from typing import IO

from retractkg.store.base import StoreError

LOCK_FILE = "retractkg.lock"
HOLDERS = "retractkg-holders"


class StoreBusy(StoreError):
    """The store is held by another process in a way that excludes this one."""


class StoreLock:
    """A held lock on a store folder (shared by servers, exclusive for a writer); `release()` or end the process."""

    def __init__(self, folder: Path, *, shared: bool, role: str, address: str = "") -> None:
        self.folder = folder
        self._holder: IO[str] | None = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._lock: IO[bytes] | None = (folder / LOCK_FILE).open("a+b")
        except OSError as e:
            if shared:  # a folder this process may not write (read-only media): served as it is, unlocked
                self._lock = None
                return
            raise StoreError(f"cannot open the store at {folder}: cannot create its lock file: {e}") from e
        try:
            fcntl.flock(self._lock, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            holders = describe_holders(folder)
            action = "serve it" if shared else "write to it"
            raise StoreBusy(f"cannot open the store at {folder}: {holders or 'another process'} holds it, so this "
                            f"process may not {action}; stop that process first") from None
        if not shared:
            _remove_stale_holders(folder)
        self._holder = _register(folder, role, address)

    def release(self) -> None:
        """Let go of the lock (idempotent); the holder file goes first, so nobody reads it without its lock."""
        holder, self._holder = self._holder, None
        if holder is not None:
            Path(holder.name).unlink(missing_ok=True)
            holder.close()
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.close()

    def __enter__(self) -> StoreLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _register(folder: Path, role: str, address: str) -> IO[str]:
    holders = folder / HOLDERS
    holders.mkdir(exist_ok=True)
    path = holders / f"{os.getpid()}-{secrets.token_hex(4)}.json"
    f = path.open("w+", encoding="utf-8")
    fcntl.flock(f, fcntl.LOCK_EX)  # a new file nobody else has opened: taken at once
    json.dump({"pid": os.getpid(), "role": role, "address": address}, f)
    f.flush()
    return f


def describe_holders(folder: Path) -> str:
    """The live holders of a store, in words: "retractkg serve (pid 123, serving http://127.0.0.1:8000/)"."""
    described = []
    for path in sorted((folder / HOLDERS).glob("*.json")):
        try:
            with path.open(encoding="utf-8") as f:
                try:
                    fcntl.flock(f, fcntl.LOCK_SH | fcntl.LOCK_NB)
                    continue  # nobody holds it: left over from a process that ended
                except BlockingIOError:
                    holder = json.load(f)
        except (OSError, ValueError):
            continue
        where = f", serving {holder['address']}" if holder.get("address") else ""
        described.append(f"{holder.get('role') or 'a process'} (pid {holder.get('pid')}{where})")
    return " and ".join(described)


def _remove_stale_holders(folder: Path) -> None:
    """Under the exclusive lock nobody else holds the store: every holder file is a dead process's."""
    for path in (folder / HOLDERS).glob("*.json"):
        path.unlink(missing_ok=True)
