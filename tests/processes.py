"""Stopping a server process the tests started (Azurite, the OpenID Connect provider)."""

from __future__ import annotations

import subprocess


def stop(process: subprocess.Popen, timeout: float) -> None:
    """Ask ``process`` to end, and kill it if it has not within ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
