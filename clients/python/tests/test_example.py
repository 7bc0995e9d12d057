"""docs/examples/python_client_signal.py runs against the demo and draws its chart."""
import os
import re
import subprocess
import sys
import tempfile
import unittest

from tests.support import PACKAGE_DIR, SOURCE_DIR, demo_server

EXAMPLE = SOURCE_DIR / "docs/examples/python_client_signal.py"


class ExampleTest(unittest.TestCase):
    def test_signal_example_writes_its_chart_and_matches_the_server_ma(self):
        server = demo_server()
        with tempfile.TemporaryDirectory() as out_dir:
            chart = os.path.join(out_dir, "signal.png")
            run = subprocess.run([sys.executable, str(EXAMPLE), server.url, chart],
                                 env={**os.environ, "PYTHONPATH": str(PACKAGE_DIR)},
                                 capture_output=True, text=True, timeout=60)
            self.assertEqual(run.returncode, 0, run.stderr)
            with open(chart, "rb") as image:
                self.assertEqual(image.read(8), b"\x89PNG\r\n\x1a\n")
        difference = re.search(r"MA\(20\) and pandas': ([0-9.]+)", run.stdout)
        self.assertIsNotNone(difference, run.stdout)
        self.assertLess(float(difference.group(1)), 1e-6)
        self.assertRegex(run.stdout, r"entries per symbol: \{'\d{6}\.S[HZ]': \d+")


if __name__ == "__main__":
    unittest.main()
