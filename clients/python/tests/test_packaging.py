"""pip installs the package from its pyproject.toml offline, and the installed copy works."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from tests.support import PACKAGE_DIR, demo_server


class PackagingTest(unittest.TestCase):
    def test_pip_installs_offline_and_the_installed_package_answers(self):
        server = demo_server()
        with tempfile.TemporaryDirectory() as work:
            # pip builds in the source tree; a copy keeps build/ and *.egg-info out of the checkout.
            source = os.path.join(work, "source")
            shutil.copytree(PACKAGE_DIR, source, ignore=shutil.ignore_patterns(
                "tests", "__pycache__", "build", "*.egg-info"))
            target = os.path.join(work, "site")
            install = subprocess.run(
                [sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-deps",
                 "--no-index", "--quiet", "--target", target, source],
                capture_output=True, text=True, timeout=120)
            self.assertEqual(install.returncode, 0, install.stderr)
            check = subprocess.run(
                [sys.executable, "-c", "import mystocks; print(mystocks.__file__); "
                 f"print(len(mystocks.Client({server.url!r}).symbols()))"],
                env={**os.environ, "PYTHONPATH": target}, cwd=work, capture_output=True,
                text=True, timeout=60)
            self.assertEqual(check.returncode, 0, check.stderr)
            installed_at, symbol_count = check.stdout.split()
            self.assertTrue(installed_at.startswith(target), installed_at)
            self.assertGreater(int(symbol_count), 0)


if __name__ == "__main__":
    unittest.main()
