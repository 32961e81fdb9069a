"""Build hook: ship the top-level rules/, places/ and rounds/ folders inside the package.

They stay at the top of the repository, where analysts edit them; a
non-editable install copies them to negotiator/bundled/ so that the CLI finds
them from any directory.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent
BUNDLED = ("rules", "places", "rounds")


class BuildWithData(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "negotiator" / "bundled"
        for name in BUNDLED:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(HERE / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        (target / "__init__.py").write_text('"""Rule packs, places and rounds shipped with negotiator."""\n')


setup(cmdclass={"build_py": BuildWithData})
