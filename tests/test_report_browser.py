"""The sample clip's report opened in headless Chromium: the cards, plots, key frames and video are
there, the H.264 video loads and plays, clicking a step moves the video, and the page asks the
network for nothing. Saves screenshots in tmp_path (and copies them for review into the folder
``POSECHECK_REPORT_REVIEW_DIR`` names, when it is set).

Driven by Selenium with Debian's ``chromium`` and ``chromium-driver`` (same version by
construction, nothing downloaded; ``.ci/run`` installs them). Without them the tests skip, and
fail under ``CI=true``. Network requests are read from Chromium's own log of the page
(``Network.requestWillBeSent``), and a control page checks that this log does see a remote one.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import time
from pathlib import Path
from urllib.parse import urlparse

import cv2
import pytest

from posecheck.annotate import KeyFrame
from posecheck.report import IndexEntry, write_index, write_report
from posecheck.video import iter_frames

pytestmark = pytest.mark.slow

#: where the screenshots are copied for a person to look at, when asked (they are always in the
#: test's temporary folder)
REVIEW = os.environ.get("POSECHECK_REPORT_REVIEW_DIR")
LOCAL_SCHEMES = {"file", "data", "blob"}


def _need(what: str) -> None:
    message = f"{what}: install Debian's chromium and chromium-driver (.ci/run does)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true requires them)")
    pytest.skip(message)


def _executables() -> tuple[str, str]:
    browser = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
    driver = shutil.which("chromedriver") or (
        "/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None)
    if browser is None:
        _need("no chromium on PATH")
    if driver is None:
        _need("no chromedriver on PATH")
    return browser, driver


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _need("selenium is not installed (pip install -e '.[test]')")
    binary, driver_path = _executables()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--mute-audio", "--hide-scrollbars", "--window-size=1280,1000",
                "--autoplay-policy=no-user-gesture-required",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _key_frames(video: Path, analysis, folder: Path) -> list[KeyFrame]:
    """One JPEG per check with evidence: its first evidence frame from the annotated video."""
    wanted = {}
    for finding in analysis.findings:
        if finding.evidence_frames:
            wanted.setdefault(finding.evidence_frames[0], finding.name)
    feet = {}
    if analysis.gait is not None:
        t = analysis.gait.forward.time_s
        for foot, ic in zip(analysis.gait.events.foot, analysis.gait.events.ic_s):
            feet[int(abs(t - ic).argmin())] = foot
    out = []
    for frame in iter_frames(video):
        if frame.index in wanted:
            path = folder / f"key_{frame.index:04d}.jpg"
            cv2.imwrite(str(path), cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2BGR))
            out.append(KeyFrame(number=len(out) + 1, frame_index=frame.index,
                                time_s=frame.time_s, foot=feet.get(frame.index, ""), path=path,
                                caption=wanted[frame.index]))
    return out


@pytest.fixture(scope="module")
def sample(sample_run, tmp_path_factory):
    """The sample clip ``downhill-good_pan_rtl`` analysed (the session's, ``--slope -8``), a
    copy of its output folder with its report with the video inside, a second report linking
    the video beside it, and an index with a failed clip."""
    run = sample_run("downhill-good_pan_rtl")
    analysis = run.analysis
    out = tmp_path_factory.mktemp("sample") / "out"
    shutil.copytree(run.outdir, out)  # the session's folder is shared: written here, not there
    key_frames = _key_frames(out / "annotated.mp4", analysis, out)
    report = write_report(analysis, out / "report.html", key_frames=key_frames)
    linked = write_report(analysis, out / "report_linked.html", key_frames=key_frames,
                          embed_video_max_mb=0.0)
    index = write_index([IndexEntry.from_analysis(analysis, report),
                         IndexEntry.from_error("broken <clip>.mp4", "no person was found")],
                        out.parent / "index.html")
    return analysis, report, linked, index, key_frames


def _open(driver, path: Path) -> None:
    driver.get_log("performance")  # drop what earlier pages logged
    driver.get_log("browser")
    driver.get(path.resolve().as_uri())


def _requests(driver) -> list[str]:
    messages = (json.loads(entry["message"])["message"] for entry in driver.get_log("performance"))
    return [m["params"]["request"]["url"] for m in messages
            if m["method"] == "Network.requestWillBeSent"]


def _wait(driver, script: str, *, timeout_s: float = 30.0):
    deadline = time.monotonic() + timeout_s
    while True:
        value = driver.execute_script(script)
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def _screenshot(driver, path: Path) -> Path:
    """The whole page as a PNG (Chromium's DevTools capture beyond the window)."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.execute_script("return document.documentElement.scrollWidth")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
    path.write_bytes(base64.b64decode(shot["data"]))
    if REVIEW:
        Path(REVIEW).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(REVIEW) / path.name)
    return path


def _assert_local(urls: list[str], folder: Path) -> None:
    assert urls, "the browser log saw no request at all"
    for url in urls:
        scheme = urlparse(url).scheme
        assert scheme in LOCAL_SCHEMES, f"the page asked the network for {url[:120]}"
        if scheme == "file":
            assert Path(urlparse(url).path).parent == folder.resolve(), url


def _video_state(driver) -> dict:
    return driver.execute_script(
        "var v = document.querySelector('video');"
        "return v && {ready: v.readyState, duration: v.duration, error: v.error && v.error.code,"
        " width: v.videoWidth, src: v.currentSrc.slice(0, 30)};")


def test_the_report_shows_everything_and_plays_the_video_offline(browser, sample, tmp_path):
    analysis, report, _, _, key_frames = sample
    _open(browser, report)
    assert _wait(browser, "var v = document.querySelector('video');"
                          "return v && v.readyState >= 1;"), _video_state(browser)
    video = _video_state(browser)
    assert video["src"].startswith("data:video/mp4")
    assert video["error"] is None and video["width"] == analysis.info.width
    assert video["duration"] == pytest.approx(analysis.info.duration_s, abs=1.5 / 60)

    assert _wait(browser, "return document.querySelector('video').readyState >= 2;")
    time.sleep(0.3)  # the first frame is shown
    browser.save_screenshot(str(tmp_path / "report_top.png"))  # what a coach sees first
    if REVIEW:
        Path(REVIEW).mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp_path / "report_top.png", Path(REVIEW) / "report_top.png")

    cards = browser.execute_script(
        "return Array.from(document.querySelectorAll('article.card')).map(c => "
        "[c.id, c.querySelector('.badge').textContent.toLowerCase()]);")
    assert cards == [[f"check-{f.check_id}", f.verdict] for f in analysis.findings]
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.className, i.complete && "
        "i.naturalWidth > 0, i.closest('.gallery') !== null]);")
    plots = [ok for cls, ok, _ in images if cls == "plot"]
    assert len(plots) == len(analysis.findings) + 1 and all(plots)
    gallery = [ok for _, ok, inside in images if inside]
    assert len(gallery) == len(key_frames) >= 3 and all(gallery)
    rows = browser.execute_script("return document.querySelectorAll('#step-table tr[data-seek]')"
                                  ".length;")
    assert rows == len(analysis.gait.steps)

    played = browser.execute_async_script(
        "var done = arguments[0], v = document.querySelector('video');"
        "v.play().then(() => setTimeout(() => done([v.currentTime, v.error && v.error.code]),"
        " 600), e => done([-1, String(e)]));")
    assert played[0] > 0.1 and played[1] is None, played  # H.264 decodes and plays
    seek = browser.execute_script(
        "var row = document.querySelectorAll('#step-table tr[data-seek]')[2]; row.click();"
        "var v = document.querySelector('video');"
        "return [parseFloat(row.getAttribute('data-seek')), v.currentTime, v.paused];")
    assert seek[1] == pytest.approx(seek[0], abs=0.01) and seek[2]

    _assert_local(_requests(browser), report.parent)
    problems = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not problems  # no script error, nothing refused by the page's security policy
    shot = _screenshot(browser, tmp_path / "report.png")
    assert shot.stat().st_size > 50_000


def test_a_video_too_large_to_carry_plays_from_beside_the_report(browser, sample):
    analysis, _, linked, _, _ = sample
    _open(browser, linked)
    assert _wait(browser, "var v = document.querySelector('video');"
                          "return v && v.readyState >= 1;"), _video_state(browser)
    video = _video_state(browser)
    assert video["src"].startswith("file:") and video["error"] is None
    assert video["duration"] == pytest.approx(analysis.info.duration_s, abs=1.5 / 60)
    urls = _requests(browser)
    _assert_local(urls, linked.parent)
    assert any(url.endswith("/annotated.mp4") for url in urls)


def test_the_index_links_the_report_and_shows_the_failed_clip(browser, sample, tmp_path):
    analysis, report, _, index, _ = sample
    _open(browser, index)
    rows = browser.execute_script(
        "return Array.from(document.querySelectorAll('#clips tr')).slice(1).map(r => "
        "[r.className, r.textContent]);")
    assert len(rows) == 2
    assert rows[1][0] == "failed" and "broken <clip>.mp4" in rows[1][1]
    _screenshot(browser, tmp_path / "index.png")
    _assert_local(_requests(browser), index.parent)
    browser.find_element("css selector", "#clips a").click()
    assert _wait(browser, "return document.readyState === 'complete' && document.title;")
    assert browser.current_url == report.resolve().as_uri()
    assert analysis.video.name in browser.title


def test_the_request_log_does_see_a_remote_request(browser, tmp_path):
    """The control: without it, an empty log would prove nothing about the report."""
    page = tmp_path / "remote.html"
    page.write_text('<!DOCTYPE html><img src="http://127.0.0.1:9/x.png">', encoding="utf-8")
    _open(browser, page)
    time.sleep(0.5)
    assert "http://127.0.0.1:9/x.png" in _requests(browser)
