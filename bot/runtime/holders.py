"""Names for the processes that hold leases, which another process on the same machine can check for life.

A lease runs out on its own, but a process that starts after a crash need not wait for that: when the
holder ran on this machine (the same kernel boot and the same view of process ids) and its process is
gone, or its pid now belongs to another process, what it held is free at once. A holder elsewhere, or
on a system without ``/proc``, is never taken for gone: its leases run out as usual.
"""

from __future__ import annotations

import functools
import hashlib
import os
import socket
import uuid
from pathlib import Path

PROC = Path("/proc")


def new_name(pid: int | None = None) -> str:
    """``machine/pid/start/instance`` for a holder in process ``pid`` (this one by default): one per holder,
    several of them in a process telling each other apart."""
    pid = os.getpid() if pid is None else pid
    return f"{_machine()}/{pid}/{_started(pid) or '-'}/{uuid.uuid4().hex[:6]}"


def is_gone(name: str) -> bool:
    """Whether the holder ``name`` certainly no longer runs (False when that cannot be told from here)."""
    machine, pid, started, _instance = (name.split("/") + ["", "", "", ""])[:4]
    if machine != _machine() or started == "-" or not pid.isdigit():
        return False
    return _started(int(pid)) != started


@functools.cache
def _machine() -> str:
    """This kernel boot and pid namespace where /proc tells them, else the host name (never checked)."""
    try:
        boot = (PROC / "sys/kernel/random/boot_id").read_text().strip()
        namespace = os.readlink(PROC / "self/ns/pid")
    except OSError:
        return "host-" + socket.gethostname()[:24]
    return hashlib.sha256(f"{boot} {namespace}".encode()).hexdigest()[:16]


def _started(pid: int) -> str | None:
    """When ``pid`` started, in clock ticks since boot (a pid reused later has another); None if it is not
    running (a zombie has finished)."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    state, start = fields[0], fields[19]  # fields 3 and 22 of proc(5), counted after the command's name
    return None if state in ("Z", "X") else start
