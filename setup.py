"""Build steps pyproject.toml cannot declare: compiled catalogues and the top-level folders.

Every install (`pip install .`, `pip install -e .`, a wheel) compiles the bokmål catalogue, so
the app and the workbook speak Norwegian without a separate `make` step. A wheel also carries
`templates/` and `criteria/` inside the package (procure/paths.py finds them there).
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("templates", "criteria")


def compile_catalogues() -> None:
    for po in sorted((ROOT / "procure" / "translations").glob("*/LC_MESSAGES/messages.po")):
        with po.open("rb") as handle:
            catalogue = read_po(handle, locale=po.parts[-3])
        compiled = io.BytesIO()
        write_mo(compiled, catalogue, use_fuzzy=True)
        mo = po.with_suffix(".mo")
        if mo.is_file() and mo.read_bytes() == compiled.getvalue():
            continue
        # Replaced in one step: a running app or test may be reading the old file.
        partial = mo.with_suffix(".mo.partial")
        partial.write_bytes(compiled.getvalue())
        os.replace(partial, mo)


class BuildWithResources(build_py):
    def run(self) -> None:
        compile_catalogues()
        super().run()
        if self.editable_mode:
            return  # an editable install reads the checkout's own folders
        for name in BUNDLED:
            target = Path(self.build_lib) / "procure" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(ROOT / name, target, ignore=shutil.ignore_patterns("__pycache__"))


setup(cmdclass={"build_py": BuildWithResources})
