"""Prometheus metrics at /metrics (prometheus_client).

- govern_http_requests_total{method,route,status} and
  govern_http_request_duration_seconds{method,route}: by the URL rule ("/meetings/<int:
  meeting_id>"), never the raw path, so the number of series stays bounded;
- govern_cache_lookups_total{cache,result} and govern_cache_hit_ratio{cache}: the page,
  page-part and calendar caches of govern/cache/;
- govern_mail_queue_length and govern_mail_queue_oldest_age_seconds: messages waiting in
  outgoing_mail, read from the database at each scrape (govern_database_up says whether it
  answered).

Under gunicorn every worker counts for itself; with PROMETHEUS_MULTIPROC_DIR set (the
repository's gunicorn.conf.py sets it, empties it at start and tells prometheus_client
when a worker exits), a scrape of any worker reports the sum over all of them. Without
it (one process) the process's own registry is reported.

Who may read it: the addresses in METRICS_ALLOW (addresses or networks; default this
machine) or whoever sends `Authorization: Bearer <METRICS_TOKEN>`.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time

from flask import Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

disable_created_metrics()  # no *_created series: nothing here needs them

REQUESTS = Counter(
    "govern_http_requests",
    "HTTP requests answered, by method, URL rule and status.",
    ["method", "route", "status"],
)
DURATION = Histogram(
    "govern_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and URL rule.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
CACHE_LOOKUPS = Counter(
    "govern_cache_lookups",
    "Look-ups in govern's in-process caches, by cache and result (hit or miss).",
    ["cache", "result"],
)
#: The route label of a request no URL rule matched (404s, refused paths).
UNMATCHED = "<unmatched>"


def count_cache_lookup(cache: str, hit: bool) -> None:
    CACHE_LOOKUPS.labels(cache, "hit" if hit else "miss").inc()


def observe_request(response: Response) -> Response:
    """after_request: count the request and its duration under its URL rule."""
    started = g.get("request_started")
    if started is None:
        return response
    route = request.url_rule.rule if request.url_rule is not None else UNMATCHED
    REQUESTS.labels(request.method, route, str(response.status_code)).inc()
    DURATION.labels(request.method, route).observe(time.perf_counter() - started)
    return response


def init_metrics(app: Flask) -> None:
    """Count every request (after every other after_request, as the request log does)."""
    app.after_request_funcs.setdefault(None, []).insert(0, observe_request)


# -- reading them ----------------------------------------------------------------------------


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


class _ScrapeTime:
    """The metrics computed when scraped: the mail queue, and the caches' hit ratio from the
    look-ups collected (summed over the workers)."""

    def __init__(self, mail_queue: tuple[int, float] | None, lookups: dict[tuple[str, str], float]):
        self.mail_queue = mail_queue
        self.lookups = lookups

    def collect(self):
        yield GaugeMetricFamily(
            "govern_database_up",
            "Whether the database answered this scrape's questions (1) or not (0).",
            0 if self.mail_queue is None else 1,
        )
        if self.mail_queue is not None:
            length, age = self.mail_queue
            yield GaugeMetricFamily(
                "govern_mail_queue_length", "Messages waiting to be sent (status queued).", length
            )
            yield GaugeMetricFamily(
                "govern_mail_queue_oldest_age_seconds",
                "Age of the oldest message waiting to be sent (0 when none waits).",
                age,
            )
        ratio = GaugeMetricFamily(
            "govern_cache_hit_ratio",
            "Share of look-ups answered from the cache since the workers started.",
            labels=["cache"],
        )
        for cache in sorted({name for name, _result in self.lookups}):
            hits = self.lookups.get((cache, "hit"), 0.0)
            total = hits + self.lookups.get((cache, "miss"), 0.0)
            ratio.add_metric([cache], hits / total if total else 0.0)
        yield ratio


def _lookups(registry: CollectorRegistry) -> dict[tuple[str, str], float]:
    found: dict[tuple[str, str], float] = {}
    for metric in registry.collect():
        if metric.name != "govern_cache_lookups":
            continue
        for sample in metric.samples:
            if sample.name == "govern_cache_lookups_total":
                key = (sample.labels["cache"], sample.labels["result"])
                found[key] = found.get(key, 0.0) + sample.value
    return found


def render(mail_queue: tuple[int, float] | None) -> Response:
    """The metrics in Prometheus' text format."""
    registry = _registry()
    scraped = CollectorRegistry()
    scraped.register(_ScrapeTime(mail_queue, _lookups(registry)))
    body = generate_latest(registry) + generate_latest(scraped)
    return Response(body, content_type=CONTENT_TYPE_LATEST)


# -- who may read them -----------------------------------------------------------------------


def _networks(setting) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    if isinstance(setting, str):
        setting = [part.strip() for part in setting.split(",")]
    networks = []
    for entry in setting or []:
        if entry:
            networks.append(ipaddress.ip_network(str(entry), strict=False))
    return networks


def may_read_metrics() -> bool:
    """Whether this request comes from an allowed address or carries the metrics token."""
    config = current_app.config
    token = config.get("METRICS_TOKEN")
    offered = request.headers.get("Authorization", "")
    if (
        token
        and offered.startswith("Bearer ")
        and hmac.compare_digest(offered.removeprefix("Bearer ").encode(), str(token).encode())
    ):
        return True
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in _networks(config.get("METRICS_ALLOW")))
