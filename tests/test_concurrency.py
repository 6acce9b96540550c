"""Concurrent use: dashboard sessions in a real browser and CLI queries while a reload runs.

`make test` runs 5 sessions; `make soak` (OGPNET_SOAK=1) runs 20. Latency percentiles go to
test-output/concurrency.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from bench.dashboard import CHROMIUM, CHROMIUM_ARGS, PAGES, DashboardServer
from graph.db import Database, connect
from graph.settings import REPO_ROOT, Settings
from loaders.load.directory import load_directory

pytestmark = [pytest.mark.integration, pytest.mark.browser]
SESSIONS = 20 if os.environ.get("OGPNET_SOAK") == "1" else 5
VISITS = [p for p in PAGES if p.name in ("overview", "gaps", "brokers", "partners")]
OGPNET = str(REPO_ROOT / ".venv" / "bin" / "ogpnet")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def session(browser: Any, base_url: str, latencies: list[float], errors: list[str]) -> None:
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    page = await context.new_page()

    async def route(r: Any) -> None:
        host = r.request.url.split("/")[2].split(":")[0] if "://" in r.request.url else ""
        await (r.continue_() if host in ("127.0.0.1", "localhost") or r.request.url.startswith("data:")
               else r.abort())

    await page.route("**/*", route)
    try:
        for check in VISITS:
            started = time.perf_counter()
            await page.goto(f"{base_url}/{check.path}", wait_until="commit")
            await page.get_by_role("heading", name=check.title, exact=True).first.wait_for(timeout=240_000)
            await page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                                         timeout=240_000)
            latencies.append(time.perf_counter() - started)
            if await page.locator('[data-testid="stException"]').count():
                errors.append(f"{check.name}: exception shown")
    finally:
        await context.close()


async def sessions(base_url: str, n: int) -> tuple[list[float], list[str]]:
    from playwright.async_api import async_playwright

    latencies: list[float] = []
    errors: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            await asyncio.gather(*(session(browser, base_url, latencies, errors) for _ in range(n)))
        finally:
            await browser.close()
    return latencies, errors


def test_sessions_and_cli_queries_during_a_reload(bundled_database: Database, neo4j_env: dict[str, str],
                                                  neo4j_settings: Settings, output_dir: Path) -> None:
    stop = threading.Event()
    reloads: list[float] = []
    cli: list[tuple[float, int, str]] = []
    failures: list[str] = []

    def reload_loop() -> None:
        with connect(neo4j_settings) as db:
            while not stop.is_set():
                t0 = time.perf_counter()
                try:
                    load_directory(db, REPO_ROOT / "data")
                except Exception as e:  # noqa: BLE001 - recorded and asserted below
                    failures.append(f"reload: {e}")
                reloads.append(time.perf_counter() - t0)

    def cli_loop() -> None:
        queries = (["gaps", "--theme", "open_data", "--format", "json"], ["brokers", "--top", "5", "--format", "json"],
                   ["partners", "--theme", "climate", "--format", "json"])
        i = 0
        while not stop.is_set():
            t0 = time.perf_counter()
            out = subprocess.run([OGPNET, *queries[i % len(queries)]], env=neo4j_env, capture_output=True,
                                 text=True, timeout=300)
            cli.append((time.perf_counter() - t0, out.returncode, out.stderr[-300:]))
            i += 1

    with DashboardServer(neo4j_env, log_path=output_dir / "concurrency-streamlit.log") as server:
        threads = [threading.Thread(target=reload_loop, daemon=True), threading.Thread(target=cli_loop, daemon=True)]
        for t in threads:
            t.start()
        try:
            latencies, errors = asyncio.run(sessions(server.url, SESSIONS))
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=300)
    report = {
        "sessions": SESSIONS, "page_visits": len(latencies),
        "page_latency_s": {"p50": percentile(latencies, 0.5), "p90": percentile(latencies, 0.9),
                           "p99": percentile(latencies, 0.99), "max": max(latencies)},
        "cli_queries": len(cli),
        "cli_latency_s": {"p50": statistics.median(c[0] for c in cli) if cli else None,
                          "max": max((c[0] for c in cli), default=None)},
        "reloads": len(reloads), "reload_median_s": statistics.median(reloads) if reloads else None,
        "errors": errors + failures + [f"cli exit {c[1]}: {c[2]}" for c in cli if c[1] != 0],
    }
    (output_dir / "concurrency.json").write_text(json.dumps(report, indent=2))
    assert not report["errors"], report["errors"]
    assert len(latencies) == SESSIONS * len(VISITS)
    assert reloads and cli
