"""A unittest base for tests that run the built CLI ($SAGEGUARD_BIN) in a
scratch folder of their own, with an environment no stray policy or AWS
setting can change."""
import os
import shutil
import tempfile
import unittest

BIN = os.environ.get("SAGEGUARD_BIN")


class CliCase(unittest.TestCase):
    dir_prefix = "sg-cli-"

    @classmethod
    def setUpClass(cls):
        if not BIN or not os.access(BIN, os.X_OK):
            raise RuntimeError(f"SAGEGUARD_BIN is not an executable: {BIN!r}")

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix=self.dir_prefix)
        # A stray ./sageguard.yaml or $SAGEGUARD_POLICY must not change results.
        self.env = dict(os.environ, AWS_EC2_METADATA_DISABLED="true", NO_COLOR="1")
        self.env.pop("SAGEGUARD_POLICY", None)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, data):
        """Writes str or bytes to NAME under the scratch folder; returns NAME."""
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
        return name
