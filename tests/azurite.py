"""A real Azure Blob Storage for the tests: Microsoft's emulator Azurite (the npm package azurite,
installed by `npm ci`), on a free localhost port with a throwaway folder, one per test process.

It knows Azurite's well-known development account; each test gets its own private container
(`container`), which the portal's storage and azure-storage-blob's own client both reach.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from azure.storage.blob import BlobServiceClient, ContainerClient

from . import processes

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "node_modules" / ".bin" / "azurite-blob"
START_TIMEOUT = 30  # seconds

# Azurite's one development account, published by Microsoft: not a secret.
ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="  # noqa: S105


@dataclass(frozen=True)
class Azurite:
    port: int

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/{ACCOUNT}"

    @property
    def connection_string(self) -> str:
        return f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};BlobEndpoint={self.endpoint};"

    def service(self) -> BlobServiceClient:
        return BlobServiceClient.from_connection_string(self.connection_string)

    def new_container(self) -> ContainerClient:
        """A new private container (no anonymous access, Azure's default), for one test."""
        return self.service().create_container(f"csp-portal-{uuid.uuid4().hex[:12]}")

    def environment(self, container: str) -> dict[str, str]:
        """The environment that points the portal's settings at ``container`` here."""
        return {"AZURE_STORAGE_CONNECTION_STRING": self.connection_string, "AZURE_STORAGE_CONTAINER": container}


def _wait_for_port(process: subprocess.Popen, log: Path) -> int:
    """The port Azurite chose, from the line it writes when it listens."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        if found := re.search(r"successfully listens on http://127\.0\.0\.1:(\d+)", log.read_text()):
            return int(found.group(1))
        time.sleep(0.1)
    ended = process.poll()
    process.kill()
    outcome = f"ended with exit code {ended}" if ended is not None else f"did not start within {START_TIMEOUT} s"
    pytest.fail(f"Azurite {outcome}.\nIts log, {log}:\n{log.read_text()[-3000:]}", pytrace=False)


@contextmanager
def running_azurite(folder: Path) -> Iterator[Azurite]:
    """Start Azurite's Blob service on a free port (it picks one: --blobPort 0) keeping its data in
    ``folder``, and stop it afterwards."""
    if shutil.which("node") is None:
        pytest.fail("Node.js is not installed: the object storage tests run Azurite with `node`.", pytrace=False)
    if not BINARY.exists():
        pytest.fail(f"{BINARY.relative_to(ROOT)} is missing: run `npm ci` (Azurite is a devDependency).", pytrace=False)
    log = folder / "azurite.log"
    data = folder / "data"
    data.mkdir()
    # --skipApiVersionCheck: azure-storage-blob may speak a newer API version than this Azurite knows.
    arguments = ["--blobHost", "127.0.0.1", "--blobPort", "0", "--location", str(data)]
    arguments += ["--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry"]
    with log.open("w") as output:
        process = subprocess.Popen([str(BINARY), *arguments], cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    try:
        yield Azurite(_wait_for_port(process, log))
    finally:
        processes.stop(process, timeout=10)


@pytest.fixture(scope="session", name="azurite")
def azurite_server(tmp_path_factory) -> Iterator[Azurite]:
    """Azurite on localhost, one per test process (each pytest-xdist worker starts its own)."""
    with running_azurite(tmp_path_factory.mktemp("azurite")) as emulator:
        yield emulator
