"""Where the files beside the code live, in a checkout and in an installed wheel.

A checkout keeps `templates/` and `criteria/` at the top, next to `procure/`; a wheel cannot
hold top-level folders, so the build copies them into the package (setup.py). Looking inside
the package first makes a plain `pip install .` work wherever it is installed.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent


def resource_dir(name: str) -> Path:
    """The bundled copy of a top-level folder when installed from a wheel, else the checkout's."""
    bundled = PACKAGE_DIR / name
    return bundled if bundled.is_dir() else SOURCE_ROOT / name


def is_checkout() -> bool:
    """True when running from a source tree (editable install or tests), not from a wheel."""
    return (SOURCE_ROOT / "pyproject.toml").is_file() and not (PACKAGE_DIR / "templates").is_dir()
