"""Files under MEDIA_ROOT (draft and issued report PDFs, police.uk uploads, assessment documents,
logos) are never served by URL, in any configuration: each goes out through a view that checks who
asks. The embedded default once served /media/ to anyone while DEBUG was on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.views.static import serve

ROOT = Path(__file__).resolve().parent.parent


def _callbacks(patterns) -> list:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _callbacks(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            found.append(pattern.callback)
    return found


def test_no_url_serves_files_from_a_folder():
    assert serve not in _callbacks(get_resolver().url_patterns)


def test_the_embedded_default_with_debug_on_does_not_serve_media():
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.urls import Resolver404, resolve\n"
        "assert settings.DEBUG\n"
        "try:\n    resolve(settings.MEDIA_URL + 'reports/lancaster-2025-26-Q3-draft.pdf')\n"
        "except Resolver404:\n    print('not served')\n"
        "else:\n    print('served')\n"
    )
    keep = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "MEDIA_ROOT"}}
    keep["DJANGO_SETTINGS_MODULE"] = "csp_portal.settings.local"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=keep, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "not served"


@pytest.mark.django_db
def test_a_stored_file_answers_404_at_its_media_address_for_everyone(client, login, cast):
    folder = Path(settings.MEDIA_ROOT) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "draft.pdf").write_bytes(b"%PDF-1.7 a draft board report")
    address = f"{settings.MEDIA_URL}reports/draft.pdf"
    assert client.get(address).status_code == 404
    for person in (cast.officer, cast.board_member, cast.admin):
        assert login(person).get(address).status_code == 404
