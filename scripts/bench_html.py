#!/usr/bin/env python3
"""scripts/bench_html.py CHATCAP CAPTURE OUT.json: the bench row of
chatcap --html (make bench): the report of CAPTURE, its size, and the time
Chromium (headless, through chromium-driver) takes from navigation to the
first frame painted after the page has drawn everything it draws at once
(body[data-drawn-ms], set by the page), the median of three openings.
Prints one row; says why when the browser is missing."""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))


def open_ms(browser, driver, path):
    browser.open_report(driver, path, timeout=300)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ms = driver.execute_script("return document.body.dataset.drawnMs")
        if ms:
            return int(ms)
        time.sleep(0.05)
    raise RuntimeError("the page never said it was drawn")


def main():
    chatcap, cap, out = sys.argv[1:4]
    try:
        import browser
        import pytest  # noqa: F401  (browser.need() fails through pytest)
    except ImportError as e:
        print("bench: %s; no chatcap --html row" % e, file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        html = os.path.join(tmp, "report.html")
        subprocess.run([chatcap, "-r", cap, "--html", html], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        packets = json.loads(subprocess.run(
            [chatcap, "-r", cap, "--json", "--summary"], capture_output=True,
            check=True).stdout)["packets"]
        size = os.path.getsize(html)
        try:
            driver = browser.chromium()
        except BaseException as e:          # pytest.fail: not installed
            print("bench: %s; no chatcap --html row" % e, file=sys.stderr)
            return 0
        try:
            runs = [open_ms(browser, driver, html) for _ in range(3)]
        finally:
            browser.quit(driver)
    ms = statistics.median(runs)
    print()
    print("chatcap --html on %d packets: %.2f MB (target <= 3 MB), opened "
          "and drawn in %.2f s (Chromium, median of 3)"
          % (packets, size / 1e6, ms / 1000))
    with open(out, "w") as f:
        json.dump({"packets": packets, "bytes": size, "open_ms": runs,
                   "median_open_ms": ms, "target_bytes": 3 * 1024 * 1024,
                   "met": size <= 3 * 1024 * 1024}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
