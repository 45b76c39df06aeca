"""A plain `pip install .` gives a working, Norwegian procure (issue 16, point 8).

The wheel is built the way a user's pip builds it (isolated, from this checkout) and installed
into a fresh virtual environment whose only other content is this suite's dependencies. The
commands then run from an empty folder, so nothing can fall back to the checkout's files.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_wheel_installs_with_norwegian_catalogue_templates_and_criteria(tmp_path):
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels),
          str(ROOT)])
    (wheel,) = wheels.glob("procure-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "procure/translations/nb/LC_MESSAGES/messages.mo" in names
    assert "procure/templates/base.html" in names
    assert any(name.startswith("procure/criteria/vehicles/") for name in names)
    # The eForms SDK and DFØ's files that validation builds from (issue 21).
    assert {"procure/data/eforms/SOURCES.md", "procure/data/eforms/sdk/fields/fields.json",
            "procure/data/eforms/sdk/schematrons/static/complete-validation.sch",
            "procure/data/eforms/sdk/schemas/maindoc/UBL-ContractNotice-2.3.xsd",
            "procure/data/eforms/nor/fields/national-e.yaml"} <= names

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    site = _run([str(python), "-c",
                 "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    # Dependencies come from this suite's environment; procure itself only from the wheel.
    Path(site, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
          "--no-deps", str(wheel)])

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PROCURE_")}
    env["PROCURE_INSTANCE_PATH"] = str(tmp_path / "instance")
    procure = str(venv / "bin" / "procure")
    located = _run([str(python), "-c", "import procure; print(procure.__file__)"],
                   cwd=work, env=env).stdout
    assert located.startswith(site), located

    assert "OK:" in _run([procure, "criteria", "check"], cwd=work, env=env).stdout
    _run([procure, "db", "upgrade"], cwd=work, env=env)
    _run([procure, "org", "create", "--name", "Lillestrøm kommune", "--orgnr", "964949204",
          "--kommunenummer", "3205"], cwd=work, env=env)
    workbook = work / "stats.xlsx"
    _run([procure, "stats", "export", "--year", "2025", "-o", str(workbook)], cwd=work, env=env)
    assert "Definisjoner" in load_workbook(workbook, read_only=True).sheetnames

    page = _run([str(python), "-c", (
        "from procure import create_app\n"
        "app = create_app({'TESTING': True})\n"
        "print(app.test_client().get('/login').get_data(as_text=True))\n"
    )], cwd=work, env=env).stdout
    assert 'lang="nb"' in page and "Logg inn" in page
