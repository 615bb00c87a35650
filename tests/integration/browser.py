"""Real browsers for the tests of chatcap --html: Chromium through
chromium-driver and Selenium (the browser's console and network logs),
Firefox ESR's own headless screenshot, and counting a screenshot's
pixels (decoded by Chromium). A missing browser, driver or Selenium is a failure
with the package to install (`make deps`), never a skip."""
import base64
import os
import shutil
import subprocess
import tempfile
import time

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FIREFOX = shutil.which("firefox-esr") or "/usr/bin/firefox-esr"
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync",
                  "--disable-quic", "--disable-default-apps",
                  "--disable-extensions"]


def need(path, package):
    if not os.access(path, os.X_OK):
        pytest.fail("%s is missing: install %s (make deps)" % (path, package))


def chromium(width=1300, height=1000):
    """A headless Chromium (a fresh profile, removed at quit) logging its
    console and its network (performance) events."""
    need(CHROMIUM, "chromium")
    need(CHROMEDRIVER, "chromium-driver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("Selenium is missing: install python3-selenium (make deps)")
    profile = tempfile.mkdtemp(prefix="redchat-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS + ["--user-data-dir=" + profile,
                                  "--window-size=%d,%d" % (width, height)]:
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs",
                        {"browser": "ALL", "performance": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    except Exception:
        shutil.rmtree(profile, ignore_errors=True)
        raise
    driver.redchat_profile = profile
    driver.set_script_timeout(300)          # a busy machine, a long page
    driver.set_page_load_timeout(300)
    return driver


def quit(driver):
    try:
        driver.quit()
    finally:
        shutil.rmtree(driver.redchat_profile, ignore_errors=True)


def open_report(driver, path, timeout=60):
    """Open the report at path (file://) and wait until its script says it
    has drawn everything (body[data-ready]). Logs from before are dropped,
    so what the logs hold afterwards is the report's alone."""
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get("file://" + os.path.abspath(path))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if driver.execute_script("return document.body.dataset.ready === '1'"
                                 " || !!document.querySelector('.error')"):
            break
        time.sleep(0.1)
    error = driver.execute_script(
        "const e = document.querySelector('.error'); return e && e.textContent")
    assert not error, "the report failed: %s" % error
    assert driver.execute_script("return document.body.dataset.ready") == "1"


def firefox_screenshot(url, out, width, height, timeout=120):
    """Firefox ESR's headless screenshot of url into out (PNG)."""
    need(FIREFOX, "firefox-esr")
    home = tempfile.mkdtemp(prefix="redchat-firefox-")
    try:
        env = dict(os.environ, HOME=home, MOZ_HEADLESS="1")
        r = subprocess.run([FIREFOX, "--headless", "--no-remote", "--profile",
                            home, "--screenshot", out,
                            "--window-size=%d,%d" % (width, height), url],
                           capture_output=True, text=True, timeout=timeout,
                           env=env)
        assert os.path.exists(out), "no screenshot: %s" % r.stderr[-2000:]
    finally:
        shutil.rmtree(home, ignore_errors=True)


def pixel_counts(driver, png, rect):
    """Count the pixels of the PNG file png inside rect (x, y, w, h):
    "ink" (not near white), "green" (the ladder's handshake colour) and
    "red" (its problems). The browser decodes the picture (a data: URL in
    a canvas, drawn in a page of its own, so nothing is fetched)."""
    with open(png, "rb") as f:
        b64 = base64.b64encode(f.read()).decode()
    return driver.execute_async_script("""
        const [src, r, done] = arguments;
        const img = new Image();
        img.onerror = () => done({error: "not an image"});
        img.onload = () => {
          const c = document.createElement("canvas");
          c.width = img.width; c.height = img.height;
          const g = c.getContext("2d");
          g.drawImage(img, 0, 0);
          const d = g.getImageData(r[0], r[1], r[2], r[3]).data;
          const n = {ink: 0, green: 0, red: 0, size: [img.width, img.height]};
          for (let i = 0; i < d.length; i += 4) {
            const [R, G, B] = [d[i], d[i + 1], d[i + 2]];
            if (R + G + B < 600) n.ink++;
            if (G > R + 40 && G > B + 20 && G > 60) n.green++;
            if (R > 130 && R > G + 80 && R > B + 60) n.red++;
          }
          done(n);
        };
        img.src = "data:image/png;base64," + src;""", b64, list(rect))
