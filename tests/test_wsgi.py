"""The WSGI entry point: the application, and what is loaded at start left out of full garbage
collections (`gc.freeze`, see docs/deployment.md)."""

import os
import subprocess
import sys

PROGRAM = """
import gc
before = gc.get_freeze_count()
from maillage.config import wsgi
print(callable(wsgi.application), before, gc.get_freeze_count())
"""


def test_the_entry_point_freezes_what_it_loaded():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "maillage.config.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", PROGRAM], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    callable_, before, after = out
    assert callable_ == "True"
    assert before == "0"
    # Django, the apps and their modules: tens of thousands of objects at least.
    assert int(after) > 10_000
