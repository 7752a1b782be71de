"""A report's logo is bounded in pixels as well as in bytes: a PNG or JPEG stating more than 4,000
pixels a side is refused from its header at upload, left out of the report if one is stored anyway,
and refused by the PDF renderer if it reaches it, before anything decodes it.

Before this check a 17 KB PNG stating 12,000 × 12,000 pixels was accepted, and rendering a report
with it took 19 s and 1.2 GB (WeasyPrint decodes every pixel); 30,000 × 30,000 was refused by
Pillow's own check, as 'Upload a valid image', naming no limit."""

from __future__ import annotations

import base64

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports import logos, rendering, snapshot
from reports.models import ReportSettings
from tests import hostile_files as hostile
from tests.test_uploads import assert_refused_on_field

pytestmark = pytest.mark.django_db


def post_logo(login, cast, content: bytes, name: str = "crest.png"):
    with hostile.measured() as cost:
        response = login(cast.officer).post(
            reverse("reports:report_settings", args=["lancaster"]),
            {
                "protective_marking": "OFFICIAL",
                "colour": "",
                "logo_alt": "Crest",
                "logo": SimpleUploadedFile(name, content),
            },
        )
    return response, cost


@pytest.mark.parametrize(
    ("name", "content", "size"),
    [
        ("crest.png", hostile.png_bomb(30_000, 30_000), "30,000 by 30,000"),
        ("crest.png", hostile.png_bomb(12_000, 12_000), "12,000 by 12,000"),
        ("crest.png", hostile.png_bomb(4_001, 200), "4,001 by 200"),
        ("crest.jpg", hostile.jpeg_claiming(30_000, 30_000), "30,000 by 30,000"),
    ],
)
def test_a_logo_stating_too_many_pixels_is_refused_from_its_header(login, cast, media, name, content, size):
    assert len(content) < logos.MAX_LOGO_BYTES
    response, cost = post_logo(login, cast, content, name)
    assert_refused_on_field(
        response,
        f"The logo must be at most 4,000 pixels wide and 4,000 pixels high: this one is {size}. Save it smaller",
        "id_logo",
    )
    assert cost.cpu_seconds < 2 and cost.peak_growth_mb < 30, cost
    assert not ReportSettings.objects.exists()
    assert not list(media.rglob("*.*"))


def test_a_logo_of_4000_pixels_a_side_is_accepted(login, cast, media):
    response, _ = post_logo(login, cast, hostile.png_bomb(4_000, 4_000))
    assert response.status_code == 302
    assert ReportSettings.objects.get(partnership=cast.lancaster).logo


def test_a_file_too_big_is_refused_before_pillow_opens_it(login, cast, media, monkeypatch):
    opened = []
    monkeypatch.setattr(logos, "header", lambda file: opened.append(file))
    response, _ = post_logo(login, cast, b"\x89PNG\r\n\x1a\n" + b"\x00" * logos.MAX_LOGO_BYTES)
    assert_refused_on_field(response, "The logo must be smaller than 500 KB", "id_logo")
    assert opened == []


def test_a_stored_logo_over_the_limit_is_left_out_of_the_report(cast, media):
    """A logo stored before the form checked dimensions (or put in place by other means)."""
    found = ReportSettings.objects.create(partnership=cast.lancaster, logo_alt="Crest")
    found.logo.save("lancaster.png", ContentFile(hostile.png_bomb(30_000, 30_000)))
    with hostile.measured() as cost:
        branding = snapshot._branding(cast.lancaster)
    assert branding["logo"] == "" and branding["logo_alt"] == "Crest"
    assert cost.cpu_seconds < 1 and cost.peak_growth_mb < 20, cost

    found.logo.save("lancaster.png", ContentFile(hostile.png_bomb(400, 100)))
    assert snapshot._branding(cast.lancaster)["logo"].startswith("data:image/png;base64,")


def test_the_renderer_refuses_an_embedded_image_over_the_limit_before_decoding_it():
    """An issued report's stored snapshot may hold a logo from before the check: the renderer
    refuses it (and renders the rest) instead of decoding 12,000 × 12,000 pixels (19 s, 1.2 GB)."""
    bomb = base64.b64encode(hostile.png_bomb(12_000, 12_000)).decode()
    html = (
        '<html lang="en"><head><title>Report</title></head><body><h1>Cover</h1>'
        f'<img src="data:image/png;base64,{bomb}" alt="Crest" style="width: 3cm"></body></html>'
    )
    with hostile.measured() as cost:
        rendered = rendering.render_pdf(html)
    assert rendered.pdf.startswith(b"%PDF-") and rendered.pages == 1
    assert rendered.refused == [f"data:image/png;base64,{bomb}"[:100]]
    assert cost.cpu_seconds < 10 and cost.peak_growth_mb < 150, cost


def test_the_renderer_still_embeds_a_logo_within_the_limit():
    fetcher = rendering.StaticOnlyFetcher()
    logo = hostile.png_bomb(400, 100)
    response = fetcher.fetch(f"data:image/png;base64,{base64.b64encode(logo).decode()}")
    assert response.read() == logo and response.content_type == "image/png"
    with pytest.raises(rendering.RefusedURL, match="at most 4,000 pixels a side"):
        fetcher.fetch(f"data:image/jpeg;base64,{base64.b64encode(hostile.jpeg_claiming(5_000, 10)).decode()}")
