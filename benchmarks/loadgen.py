"""What the HTTP benchmarks share: loopback ports, ASGI apps under either HTTP server, server processes stopped
by PID, and a bounded load.

The load is `wrk` (one thread, N connections, a rotating list of paths) when it is installed, else an
httpx client with the same shape; either way only 127.0.0.1 is driven and every run ends by itself.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], {["Accept"] = os.getenv("BENCH_ACCEPT")})
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

# The HTTP servers an ASGI app can be measured under: uvicorn (HTTP parsed in Python, by httptools' C parser
# where installed) and Granian (HTTP in Rust, hyper; the app's Python runs on an event loop in a worker process).
SERVERS = ("uvicorn", "granian")
RETRACTKG_APP = "retractkg.api.worker_app:create_read_only_app"  # `retractkg serve`'s app, as its workers make it


def asgi_server(server: str, factory: str, port: int, *, app_dir: Path | None = None, workers: int = 1) -> list[str]:
    """The command serving the ASGI app that `factory` ("module:function") makes, on 127.0.0.1:`port` under
    `server` with `workers` processes, with no access log and only warnings logged: one app under either
    server with everything else the same. uvicorn is told to send no `Server` header; Granian always sends one."""
    if server == "uvicorn":
        command = [sys.executable, "-m", "uvicorn", factory, "--factory", "--no-access-log", "--no-server-header"]
        command += ["--app-dir", str(app_dir)] if app_dir else []
    elif server == "granian":
        command = [sys.executable, "-m", "granian", factory, "--factory", "--interface", "asgi", "--no-ws",
                   "--no-access-log"]
        command += ["--working-dir", str(app_dir)] if app_dir else []
    else:
        raise ValueError(f"unknown server {server!r}: one of {', '.join(SERVERS)}")
    return command + ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--log-level", "warning"]


def start(command: list[str], probe: str, *, env: dict[str, str] | None = None, timeout: float = 120.0
          ) -> subprocess.Popen:
    """Start a server and return once `probe` answers (stopping it again if it never does)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(probe, timeout=2):
                return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop(process)
                raise RuntimeError(f"{command[0]} did not answer {probe}") from None
            time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) used so far by process `pid` and every process below it (a server's workers,
    its query processes, and those it has reaped): Linux /proc. Unlike requests/s on a shared machine, CPU per
    request does not depend on how many cores a server can take from the other tenants."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except FileNotFoundError:  # it ended since its parent listed it
        return 0.0
    total = sum(int(value) for value in fields[11:15])  # utime, stime, and those of its reaped children
    children: list[int] = []
    for task in tasks:
        try:
            children += map(int, (task / "children").read_text().split())
        except FileNotFoundError:  # a thread that ended since the listing
            continue
    return total / os.sysconf("SC_CLK_TCK") + sum(map(cpu_seconds, children))


def load_with_cpu(pid: int, base: str, paths: list[str], duration: float, connections: int, work: Path, accept: str
                  ) -> tuple[float, int, float]:
    """`load`, and the CPU microseconds per request that the server (process `pid` and those below it) used."""
    used = cpu_seconds(pid)
    rate, bad = load(base, paths, duration, connections, work, accept)
    return rate, bad, (cpu_seconds(pid) - used) / max(rate * duration, 1.0) * 1e6


def load(base: str, paths: list[str], duration: float, connections: int, work: Path, accept: str
         ) -> tuple[float, int]:
    """Requests/s and the number of non-2xx/3xx answers, rotating over `paths`."""
    if shutil.which("wrk"):
        return _wrk(base, paths, duration, connections, work, accept)
    return asyncio.run(_httpx(base, paths, duration, connections, accept))


def _wrk(base: str, paths: list[str], duration: float, connections: int, work: Path, accept: str
         ) -> tuple[float, int]:
    listing = work / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    script = work / "rotate.lua"
    script.write_text(WRK_SCRIPT)
    done = subprocess.run(["wrk", "-t", "1", "-c", str(connections), "-d", f"{duration:g}s", "-s", str(script),
                           base + "/"], capture_output=True, text=True,
                          env={**os.environ, "BENCH_PATHS": str(listing), "BENCH_ACCEPT": accept})
    if done.returncode:
        raise RuntimeError(f"wrk failed: {done.args}: {done.stdout} {done.stderr}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", done.stdout)
    return rate, int(bad.group(1)) if bad else 0


async def _httpx(base: str, paths: list[str], duration: float, connections: int, accept: str) -> tuple[float, int]:
    import httpx

    done = bad = 0
    stop_at = time.monotonic() + duration
    async with httpx.AsyncClient(base_url=base, headers={"Accept": accept},
                                 limits=httpx.Limits(max_connections=connections)) as client:
        async def worker(offset: int) -> None:
            nonlocal done, bad
            i = offset
            while time.monotonic() < stop_at:
                response = await client.get(paths[i % len(paths)])
                done += 1
                bad += response.status_code >= 400
                i += connections
        began = time.monotonic()
        await asyncio.gather(*(worker(k) for k in range(connections)))
        return done / (time.monotonic() - began), bad
