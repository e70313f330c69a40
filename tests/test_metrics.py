"""Prometheus metrics: served to a scraper with the token only, and right under several
gunicorn workers (each scrape adds up every worker's samples)."""

import re
import urllib.request

import pytest

from bench.load import gunicorn


def _sample(text: str, name: str, **labels) -> float:
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    found = re.search(rf"^{name}{{{wanted}}} ([0-9.e+]+)$", text, re.M)
    return float(found.group(1)) if found else 0.0


def test_metrics_are_for_the_scraper_with_the_token(app, client):
    assert client.get("/metrics").status_code == 404  # no token configured: no one
    app.config["FORUM_METRICS_TOKEN"] = "kaavin-123"
    assert client.get("/metrics", headers={"Authorization": "Bearer väärä"}).status_code == 404
    client.get("/healthz")
    scraped = client.get("/metrics", headers={"Authorization": "Bearer kaavin-123"})
    assert scraped.status_code == 200
    text = scraped.text
    assert "forum_outbox_depth 0.0" in text and "forum_outbox_failed 0.0" in text
    assert _sample(text, "forum_responses_total", endpoint="health.alive", status="200") >= 1
    assert 'forum_request_duration_seconds_bucket{endpoint="health.alive"' in text


@pytest.fixture
def two_workers(app, database_url, tmp_path):
    directory = tmp_path / "metrics"
    directory.mkdir()
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "metrics-test",
        "FORUM_DEVELOPMENT": "1",
        "FORUM_METRICS_TOKEN": "kaavin-123",
        "PROMETHEUS_MULTIPROC_DIR": str(directory),
    }
    with gunicorn("app:app", env, workers=2) as base:
        yield base


def test_every_scrape_counts_the_requests_of_every_worker(two_workers):
    def get(path, headers=None):
        request = urllib.request.Request(two_workers + path, headers=headers or {})  # noqa: S310
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
            return answer.read().decode()

    for _ in range(40):
        get("/healthz")
    counts = set()
    for _ in range(6):  # the scrapes land on either worker
        text = get("/metrics", {"Authorization": "Bearer kaavin-123"})
        counts.add(_sample(text, "forum_responses_total", endpoint="health.alive", status="200"))
    assert counts == {40.0}
