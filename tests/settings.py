"""Test settings: the real settings module, with test-only keys and a fast password hasher."""

import os

os.environ.setdefault(
    "GBVMS_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef"
)
# Two fixed test-only keys (primary first) so rotation can be exercised.
os.environ.setdefault(
    "GBVMS_FIELD_KEYS",
    "dGVzdC1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDE=,dGVzdC1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDI=",
)
os.environ.setdefault("GBVMS_BLIND_INDEX_KEY", "test-only-blind-index-key")
os.environ["GBVMS_TESTING"] = "1"
os.environ.setdefault("GBVMS_SSL_REDIRECT", "0")
os.environ.setdefault("GBVMS_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from gbvms.settings import *  # noqa: F403

# Argon2 is the production hasher (tested explicitly); tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
DEMO_ALLOWED = True

INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]  # noqa: F405

# evidence files of the tests go to a temporary directory, never the checkout
import tempfile  # noqa: E402

FILES_DIR = Path(tempfile.mkdtemp(prefix="gbvms-test-files-"))  # noqa: F405
