"""The run report: sections, escaping, unfinished runs, the CLI, and a real headless Chromium."""

from __future__ import annotations

import base64
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import dataset, make_texts
from typer.testing import CliRunner

from openautoglm import AutoTask
from openautoglm.api import RunResult
from openautoglm.cli import app
from openautoglm.registry import signing
from openautoglm.report import SECTIONS, ReportError, build_report, default_report_path
from openautoglm.report.analysis import reliability
from openautoglm.report.dag import NODE_H, NODE_W, layout, plan_rows

#: a label and texts that would run script in the reader's browser if not escaped
TECH = 'tech <b>&</b> "gadgets"'
SCRIPT_TEXT = "<script>window.__xss=1</script> match goal team coach league score player season"
#: labelled food but full of sports words: one of the most confident mistakes
IMG_TEXT = '<img src=x onerror="window.__xss=2"> goal team coach match league recipe'
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]  # fmt: skip


@pytest.fixture(autouse=True)
def no_signing_key(monkeypatch) -> None:
    # a key in the developer's environment would make the run's bundle signed
    monkeypatch.delenv(signing.KEY_ENV, raising=False)


@pytest.fixture(scope="module")
def injected(tmp_path_factory) -> RunResult:
    """A real two-trial run on English topics whose label and test texts carry HTML."""
    folder = tmp_path_factory.mktemp("injected")
    train = make_texts(30, seed=0)
    train["label"] = train.label.replace("tech", TECH)
    test = make_texts(8, seed=1)
    test["label"] = test.label.replace("tech", TECH)
    extra = [(SCRIPT_TEXT, "sports"), (IMG_TEXT, "food")]
    test = pd.concat([test, pd.DataFrame(extra, columns=["text", "label"])], ignore_index=True)
    train.to_csv(folder / "train.csv", index=False)
    test.to_csv(folder / "test.csv", index=False)
    families = ["complement_nb", "tfidf_lr"]
    task = AutoTask(dataset_path=folder / "train.csv", test_path=folder / "test.csv",
                    families=families, n_jobs=1, run_dir=folder / "run")  # fmt: skip
    return task.run(max_trials=2)


@pytest.fixture(scope="module")
def news_zh(tmp_path_factory) -> RunResult:
    """A real two-trial run on the shared Chinese news set (skipped when it is absent)."""
    data = dataset("news_zh")
    task = AutoTask(dataset_path=data / "train.csv", test_path=data / "test.csv",
                    families=["complement_nb", "tfidf_lr"], n_jobs=1,
                    run_dir=tmp_path_factory.mktemp("news_zh") / "run")  # fmt: skip
    return task.run(max_trials=2)


class _Page(HTMLParser):
    """Tags with their attributes, section ids, and the text a browser would show."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def sections(self) -> list[str]:
        return [a["id"] for t, a in self.tags if t == "section" and a.get("id")]


def _copy_run(result: RunResult, tmp_path: Path) -> Path:
    target = tmp_path / "run"
    shutil.copytree(result.run_dir, target, ignore=shutil.ignore_patterns(".lock"))
    return target


def test_report_has_every_section_with_the_runs_figures(injected, tmp_path) -> None:
    path = injected.report(tmp_path / "report.html")
    html = path.read_text(encoding="utf-8")
    page = _Page(html)
    assert page.sections() == [section for section, _ in SECTIONS]
    shown = " ".join(page.text)
    assert f"{injected.metrics['accuracy']:.4f}" in shown  # the headline is the run's figure
    for label in injected.labels:  # class balance, confusion matrix and per-class rows
        assert shown.count(label) >= 3
    assert "no student distilled" in shown
    assert "Reliability diagram of the saved model" in shown
    coverage = injected.metrics["uncertainty"]["raps"]["coverage"]
    assert f"{100 * coverage:.1f}%" in shown
    steps = {a["data-step"] for t, a in page.tags if t == "g" and "data-step" in a}
    assert steps == {"load", "profile", "featurize", "search", "ensemble", "refit", "calibrate",
                     "evaluate", "save"}  # fmt: skip
    assert "most confident mistakes" in shown and "mistake" in shown


def test_report_is_self_contained(injected, tmp_path) -> None:
    html = injected.report(tmp_path / "report.html").read_text(encoding="utf-8")
    page = _Page(html)
    tags = {t for t, _ in page.tags}
    assert not tags & {"script", "link", "iframe", "object", "embed", "base"}
    images = [a["src"] for t, a in page.tags if t == "img"]
    assert len(images) >= 4  # lengths, history, reliability, coverage
    for src in images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name in ("href", "src") and value:
                assert value.startswith(("#", "data:")), (tag, name, value)
    csp = [a for t, a in page.tags if t == "meta" and a.get("http-equiv")]
    assert csp and "default-src 'none'" in csp[0]["content"]


def test_user_text_is_escaped(injected, tmp_path) -> None:
    html = injected.report(tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    tags = _Page(html).tags
    assert [(t, n) for t, a in tags for n in a if n.startswith("on")] == []  # no event handlers
    assert all(a.get("src", "").startswith("data:") for t, a in tags if t == "img")
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    assert "tech &lt;b&gt;&amp;&lt;/b&gt; &#34;gadgets&#34;" in html
    shown = " ".join(_Page(html).text)  # what the reader sees: the texts themselves, literally
    assert SCRIPT_TEXT in shown and IMG_TEXT in shown
    assert TECH in shown


def test_unfinished_run_says_what_is_missing_and_how_to_resume(injected, tmp_path) -> None:
    run = _copy_run(injected, tmp_path)
    (run / "metrics.json").unlink()
    with pytest.raises(ReportError, match=r"metrics\.json is missing") as caught:
        build_report(run)
    assert f"autoglm run --resume {run}" in str(caught.value)
    assert "finished steps: " in str(caught.value)
    shutil.rmtree(run / "model")
    with pytest.raises(ReportError, match=r"model/ \(the saved model bundle\) and metrics\.json"):
        build_report(run)
    (run / "some.csv").write_text("x\n")
    with pytest.raises(ReportError, match="is not a folder"):
        build_report(run / "some.csv")
    with pytest.raises(ReportError, match="not a run folder"):
        build_report(tmp_path / "..")


def test_cli_writes_the_report_and_refuses_an_unfinished_run(injected, tmp_path) -> None:
    out = tmp_path / "out" / "r.html"
    runner = CliRunner()
    done = runner.invoke(
        app, ["report", str(injected.run_dir), "--out", str(out), "--mistakes", "1"]
    )
    assert done.exit_code == 0, done.output
    assert out.is_file() and str(out) in done.output
    assert _Page(out.read_text(encoding="utf-8")).sections() == [s for s, _ in SECTIONS]
    run = _copy_run(injected, tmp_path)
    (run / "metrics.json").unlink()
    failed = runner.invoke(app, ["report", str(run)])
    assert failed.exit_code == 2
    assert "unfinished" in failed.output and "--resume" in failed.output
    assert not default_report_path(run).exists()


def test_default_path_is_beside_the_run_folder(tmp_path) -> None:
    assert default_report_path(tmp_path / "runs" / "news") == tmp_path / "runs" / "news-report.html"


def test_missing_uncertainty_students_and_changed_data_are_stated(injected, tmp_path) -> None:
    run = _copy_run(injected, tmp_path)
    saved = json.loads((run / "metrics.json").read_text(encoding="utf-8"))
    del saved["metrics"]["uncertainty"]
    (run / "metrics.json").write_text(json.dumps(saved), encoding="utf-8")
    (run / "students" / "fasttext_small").mkdir(parents=True)
    student = {"metrics": {"accuracy": 0.8125, "f1_macro": 0.8, "latency_ms_p50": 0.25}}
    (run / "students" / "fasttext_small" / "metrics.json").write_text(json.dumps(student))
    (run / "student" / "model").mkdir(parents=True)  # as openautoglm.distill saves a student
    manifest = {
        "labels": injected.labels,
        "metrics": {"accuracy": 0.7391, "agreement_with_teacher": 0.9},
    }
    (run / "student" / "model" / "manifest.json").write_text(json.dumps(manifest))
    spec = json.loads((run / "spec.json").read_text(encoding="utf-8"))
    changed = tmp_path / "test.csv"
    frame = pd.read_csv(spec["test_path"])
    frame.iloc[:-1].to_csv(changed, index=False)  # one test row fewer than the run had
    spec["test_path"] = str(changed)
    (run / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    shown = " ".join(_Page(build_report(run)).text)
    assert 'conformal prediction sets (metrics["uncertainty"] is missing' in shown
    assert "fasttext_small" in shown and "0.8125" in shown and "students/fasttext_small" in shown
    assert "0.7391" in shown and "90.0%" in shown
    assert "no student distilled" not in shown
    assert "reliability diagram not available: the data files changed since the run" in shown
    assert "Explained examples" in shown and "not available: the data files changed" in shown


def test_reliability_bins_count_confidence_and_accuracy() -> None:
    proba = np.array([[0.95, 0.05], [0.92, 0.08], [0.55, 0.45], [0.3, 0.7]])
    y = np.array([0, 1, 0, 1])
    bins = {(round(b["low"], 1), b["rows"], round(b["accuracy"], 2))
            for b in reliability(proba, y, bins=10)["bins"]}  # fmt: skip
    assert bins == {(0.9, 2, 0.5), (0.5, 1, 1.0), (0.6, 1, 1.0)}


def test_plan_layout_draws_every_dependency_without_overlap(tmp_path) -> None:
    spec = {"dataset_path": str(tmp_path / "data.csv")}
    rows, strategy = plan_rows(spec, tmp_path, {"n_jobs": 2, "strategy": "pipeline"}, {})
    assert strategy == "pipeline" and {r["status"] for r in rows} == {"not run"}
    drawing = layout(rows)
    edges = {(e["source"], e["target"]) for e in drawing["edges"]}
    assert edges == {(d, r["step"]) for r in rows for d in r["inputs"]}
    boxes = [(n["x"], n["y"]) for n in drawing["nodes"]]
    for i, (x1, y1) in enumerate(boxes):
        for x2, y2 in boxes[i + 1 :]:
            assert abs(x1 - x2) >= NODE_W or abs(y1 - y2) >= NODE_H
        assert 0 <= x1 and x1 + NODE_W <= drawing["width"] and y1 + NODE_H <= drawing["height"]
    assert not list(tmp_path.iterdir())  # planning wrote nothing


def _open_in_chromium(report: Path, screenshot: Path) -> dict:
    """Load ``report`` in headless Chromium: console errors, requests, sections, screenshot."""
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium; see scripts/test.sh)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    found: dict = {"console": [], "requests": []}
    with sync_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: found["console"].append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: found["console"].append(f"pageerror: {e}"))
            page.on("request", lambda r: found["requests"].append(r.url))
            page.goto(report.as_uri(), wait_until="load")
            found["sections"] = {
                s: page.locator(f"section#{s} h2").inner_text()
                for s, _ in SECTIONS
                if page.locator(f"section#{s}").is_visible()
            }
            found["images_ok"] = page.evaluate(
                "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
            )
            found["images"] = page.evaluate("document.images.length")
            found["xss"] = page.evaluate("window.__xss === undefined ? null : window.__xss")
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    print(f"report screenshot: {screenshot}")
    return found


def _check_in_browser(found: dict, report: Path) -> None:
    assert [m for m in found["console"] if m.startswith(("error", "pageerror"))] == []
    assert found["sections"] == {s: title for s, title in SECTIONS}
    assert found["images"] >= 4 and found["images_ok"]
    outside = [u for u in found["requests"] if not u.startswith(("data:", report.as_uri()))]
    assert outside == []


def test_report_in_headless_chromium(injected, tmp_path) -> None:
    report = injected.report(tmp_path / "report.html")
    screenshot = tmp_path / "report.png"
    found = _open_in_chromium(report, screenshot)
    _check_in_browser(found, report)
    assert found["xss"] is None  # the texts with <script> and onerror were shown, not run
    assert screenshot.stat().st_size > 10_000


@pytest.mark.slow
def test_news_zh_report_in_headless_chromium(news_zh, tmp_path) -> None:
    report = news_zh.report(tmp_path / "news_zh-report.html")
    page = _Page(report.read_text(encoding="utf-8"))
    assert page.sections() == [s for s, _ in SECTIONS]
    shown = " ".join(page.text)
    assert "language" in shown and "zh" in shown and "体育" in shown
    matrix = np.asarray(news_zh.metrics["confusion_matrix"]["matrix"])
    mistakes = int(matrix.sum() - np.trace(matrix))
    assert f"{mistakes} of {news_zh.metrics['n_test']} test texts are misclassified" in shown
    print(f"news_zh report: {report} ({report.stat().st_size / 1024:.0f} KB)")
    screenshot = tmp_path / "news_zh-report.png"
    _check_in_browser(_open_in_chromium(report, screenshot), report)
    assert screenshot.stat().st_size > 10_000
