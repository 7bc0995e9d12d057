"""One `mystocks demo` for the whole test run: started on first use, stopped at exit.

The binary is $MYSTOCKS_BIN (ctest passes the one it built), else build-debug of this checkout.
It runs on a free loopback port (--listen 127.0.0.1:0, address read from the
"MYSTOCKS_LISTENING <url>" line) in a temporary data directory, with the small demo data set of
tests/e2e/lib/server.mjs so seeding takes seconds under the sanitizer build.
Every test module calls demo_server(); they may run in one process (unittest discover) or alone.
"""
import atexit
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import requests

PACKAGE_DIR = pathlib.Path(__file__).resolve().parents[1]
SOURCE_DIR = PACKAGE_DIR.parents[1]
sys.path.insert(0, str(PACKAGE_DIR))  # test the checkout's package, installed or not

DEMO_PASSWORD = "mystocks-demo"
SMALL_DEMO = {
    "MYSTOCKS_SOURCES_SIMULATOR_SYMBOLS": "20",
    "MYSTOCKS_SOURCES_DEMO_DAILY_DAYS": "120",
    "MYSTOCKS_SOURCES_DEMO_MINUTE_DAYS": "2",
    "MYSTOCKS_SOURCES_DEMO_TICK_DAYS": "1",
    "MYSTOCKS_GATEWAY_RATE_LIMIT_ENABLED": "false",
    # Ten market seconds per wall second: several pushes per room per second for the streams.
    "MYSTOCKS_SOURCES_LIVE_SPEED": "10",
    # Access tokens expire within a test (the shortest TTL allowed, no grace): the client's
    # renewal and the stream's reconnect after auth_expired run for real.
    "MYSTOCKS_SECURITY_ACCESS_TOKEN_TTL_SECONDS": "10",
    "MYSTOCKS_SECURITY_CLOCK_SKEW_SECONDS": "0",
}
_START_SECONDS, _READY_SECONDS = 20, 120


class DemoServer:
    def __init__(self):
        binary = os.environ.get("MYSTOCKS_BIN", str(SOURCE_DIR / "build-debug/src/cli/mystocks"))
        self.data_dir = tempfile.mkdtemp(prefix="mystocks-pyclient-")
        self.log = open(os.path.join(self.data_dir, "server.log"), "wb")
        self.process = subprocess.Popen(
            [binary, "demo", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir],
            cwd=SOURCE_DIR, env={**os.environ, **SMALL_DEMO}, stdout=subprocess.PIPE,
            stderr=self.log)
        self.url = self._listening_url()
        # Keep draining stdout so the server never blocks on a full pipe.
        threading.Thread(target=self.process.stdout.read, daemon=True).start()
        self._wait_ready()

    def _listening_url(self):
        found = {}

        def read():
            for line in self.process.stdout:
                match = re.search(rb"MYSTOCKS_LISTENING (\S+)", line)
                if match:
                    found["url"] = match.group(1).decode()
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(_START_SECONDS)
        if "url" not in found:
            self.stop()
            raise RuntimeError(f"mystocks demo did not start in {_START_SECONDS} s")
        return found["url"]

    def _wait_ready(self):
        deadline = time.monotonic() + _READY_SECONDS
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/health/ready", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"mystocks demo not ready in {_READY_SECONDS} s")

    def login(self, username="demo", password=DEMO_PASSWORD):
        answer = requests.post(f"{self.url}/api/v1/auth/login",
                               json={"username": username, "password": password}, timeout=30)
        answer.raise_for_status()
        return answer.json()["data"]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        self.process.stdout.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)


_server = None
_server_lock = threading.Lock()


def demo_server():
    """The shared demo server, started on first call."""
    global _server
    with _server_lock:
        if _server is None:
            _server = DemoServer()
            atexit.register(_server.stop)
        return _server
