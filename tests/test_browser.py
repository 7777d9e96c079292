"""The explorer in a real browser: ``convac explore --no-browser --port P`` served by Voila, driven by
headless Chromium (Debian's ``chromium`` and ``chromium-driver``, through Selenium) as a user would:
change M, wait for the certified rank on the page to become the library's, check that the LaTeX was
typeset offline (MathJax from the installed Voila, no CDN), wait for the badges computed in the
background to show the library's depth verdict, take a screenshot; then change N to 8 (a size whose
badges take many seconds), click the badges' *cancel* button and see them cancelled with a *compute*
button offered, while the rank shown is already the new one; stop the server with Ctrl-C. A browser
that cannot start fails this test; it is never skipped (``.ci/run`` installs it).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest

from symbolic import deep, matricization_rank
from theorems import decide_depth

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
#: The flags a root session needs on this machine class (closed network: no background connections).
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1400,1100")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _browser(profile: str):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as e:  # the test extra installs selenium: a missing one is a failure, not a skip
        pytest.fail(f"selenium is not installed ({e}); pip install '.[test]'")
    for path, pkg in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.path.exists(path):
            pytest.fail(f"{path} is missing: apt-get install -y {pkg} (.ci/run does)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for f in FLAGS + (f"--user-data-dir={profile}",):
        opts.add_argument(f)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


@pytest.fixture
def server():
    port = _port()
    proc = subprocess.Popen([sys.executable, "-m", "theorems.cli", "explore", "--no-browser", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()  # the address, once Voila answers (or nothing when the command failed)
    if proc.poll() is not None or "serving the explorer at" not in line:
        proc.kill()
        pytest.fail(f"convac explore did not start: {line!r} {proc.stderr.read()[-800:]!r}")
    url = line.split(" at ")[1].split()[0]
    assert url == f"http://127.0.0.1:{port}/"
    yield proc, url, port
    if proc.poll() is None:  # the test failed before its Ctrl-C: stop the server as a user would
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_explorer_in_chromium(server, tmp_path):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    proc, url, port = server
    profile = tempfile.mkdtemp(prefix="convac-chromium-")
    driver = _browser(profile)
    try:
        driver.get(url)
        # a view replaced while it is read (the page updates as results arrive) is read again
        wait = WebDriverWait(driver, 90, poll_frequency=0.2, ignored_exceptions=(StaleElementReferenceException,))

        def rank_text(d):
            els = d.find_elements(By.CSS_SELECTOR, ".convac-rank .convac-rank-value")
            return els[0].text.strip() if els and els[0].text.strip() else False

        first = wait.until(rank_text)
        want = matricization_rank(deep(N=4, M=2, activation="relu", pooling="max", seed=0), "odd-even").rank
        assert first == str(want)
        # the user changes M: types 3 in the M box and presses Enter
        box = driver.find_element(By.CSS_SELECTOR, ".convac-control-M input")
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys("3", Keys.ENTER)
        want3 = matricization_rank(deep(N=4, M=3, activation="relu", pooling="max", seed=0), "odd-even").rank
        assert want3 != want
        t0 = time.monotonic()
        wait.until(lambda d: rank_text(d) == str(want3))
        seconds = time.monotonic() - t0
        # the symbolic expansion typeset by MathJax served by Voila itself (no CDN: the network is closed)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".convac-latex mjx-container"))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".convac-matrix img"))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".convac-circuit img"))
        # the badges arrive from the background job: the library's depth verdict at N=4, M=3
        depth = decide_depth("relu", "max", N=4, M=3).answer

        def depth_text(d):
            els = d.find_elements(By.CSS_SELECTOR, ".convac-badges .convac-depth")
            return els[0].text.strip() if els else False

        assert wait.until(depth_text) == depth
        shot = tmp_path / "explorer.png"
        driver.save_screenshot(str(shot))
        assert shot.stat().st_size > 10_000
        if os.environ.get("CONVAC_EXPLORER_SCREENSHOT"):  # how docs/explorer.png is made
            shutil.copy(shot, os.environ["CONVAC_EXPLORER_SCREENSHOT"])
        print(f"rank {want} -> {want3} on the page {seconds:.2f} s after the change; screenshot {shot}")
        # N = 8: the views follow at once; the badges' certified work (seconds) is cancelled from the page
        box = driver.find_element(By.CSS_SELECTOR, ".convac-control-N input")
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys("8", Keys.ENTER)
        want8 = matricization_rank(deep(N=8, M=3, activation="relu", pooling="max", seed=0), "odd-even").rank
        wait.until(lambda d: rank_text(d) == str(want8))

        def shown(selector):
            els = driver.find_elements(By.CSS_SELECTOR, selector)
            return els[0] if els and els[0].is_displayed() else False

        wait.until(lambda d: "computing" in d.find_element(By.CSS_SELECTOR, ".convac-badges").text)
        wait.until(lambda d: shown("button.convac-badges-cancel")).click()
        wait.until(lambda d: "cancelled" in d.find_element(By.CSS_SELECTOR, ".convac-badges").text)
        assert wait.until(lambda d: shown("button.convac-badges-run") and not shown("button.convac-badges-cancel"))
        assert wait.until(lambda d: rank_text(d) == str(want8))
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    # Ctrl-C stops the server cleanly: exit 0, a last line, the port closed
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0
    assert "stopped" in proc.stderr.read()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0
