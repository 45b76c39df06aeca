"""Copy the eForms files procure ships from checkouts of the EU SDK and of DFØ's tailoring.

Run by a maintainer when the SDK version changes, never at install or run time:

    python -m procure.eforms.vendor --sdk PATH/eForms-SDK --nor PATH/eforms-sdk-nor

It copies what validation and import read into procure/data/eforms/ (the XSDs, the static
Schematron, fields.json, DFØ's rule files, main.sch, the patch for this SDK minor and the
Norwegian award-criterion codes), derives `nor/field-names-nb.json` (the bokmål field names
from DFØ's translations, the only part of that 1 MB file procure uses), and copies the test
material into tests/fixtures/eforms/: the SDK's example notices with the failed asserts of their
official reports (`expected.json`), and DFØ's test notices. SOURCES names where each came from.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from pathlib import Path

import yaml
from lxml import etree

from procure.paths import SOURCE_ROOT

DATA = SOURCE_ROOT / "procure" / "data" / "eforms"
FIXTURES = SOURCE_ROOT / "tests" / "fixtures" / "eforms"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
# Too large for the repository (1.7 MB, and the SDK has no report for it).
SKIPPED_EXAMPLES = {"cn_24_maximal_100_lots.xml"}


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _tree(source: Path, target: Path, pattern: str) -> None:
    for path in sorted(source.glob(pattern)):
        if path.is_file():
            _copy(path, target / path.relative_to(source))


def vendor_sdk(sdk: Path) -> str:
    version = json.loads((sdk / "fields" / "fields.json").read_text())["sdkVersion"]
    target = DATA / "sdk"
    shutil.rmtree(target, ignore_errors=True)
    _tree(sdk / "schemas", target / "schemas", "**/*.xsd")
    _tree(sdk / "schematrons" / "static", target / "schematrons" / "static", "*.sch")
    _copy(sdk / "fields" / "fields.json", target / "fields" / "fields.json")
    _copy(sdk / "LICENSE", target / "LICENSE")
    return str(version)


def vendor_nor(nor: Path, minor: str) -> None:
    target = DATA / "nor"
    shutil.rmtree(target, ignore_errors=True)
    for name in ("eu.yaml", "national.yaml", "national-e.yaml"):
        _copy(nor / "src" / "fields" / name, target / "fields" / name)
    _copy(nor / "src" / "template" / "main.sch", target / "template" / "main.sch")
    _copy(nor / "src" / "template" / "LICENSE", target / "LICENSE")
    _tree(nor / "src" / "patch" / "eforms-sdk-nor" / minor, target / "patch", "*.patch")
    _copy(nor / "src" / "codelists-no" / "award-criterion-type.no.yaml",
          target / "codelists-no" / "award-criterion-type.no.yaml")
    names = {}
    translations = yaml.safe_load((nor / "src" / "translations" / "field.yaml").read_text())
    for key, entry in translations.items():
        if key.startswith("field|name|") and isinstance(entry, dict) and entry.get("nob"):
            names[key[len("field|name|"):]] = str(entry["nob"]).strip()
    (target / "field-names-nb.json").write_text(
        json.dumps(dict(sorted(names.items())), ensure_ascii=False, indent=0) + "\n")


def vendor_examples(sdk: Path) -> None:
    target = FIXTURES / "sdk-examples"
    shutil.rmtree(target, ignore_errors=True)
    expected: dict[str, list[dict[str, str]]] = {}
    for notice in sorted((sdk / "examples" / "notices").glob("*.xml")):
        report = sdk / "examples" / "reports" / f"{notice.stem}.svrl"
        if notice.name in SKIPPED_EXAMPLES or not report.is_file():
            continue
        _copy(notice, target / notice.name)
        failures = etree.parse(str(report)).getroot().iter(f"{SVRL}failed-assert")
        expected[notice.stem] = [{"id": f.get("id", ""), "role": f.get("role", ""),
                                  "location": f.get("location", "")} for f in failures]
    (target / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")


def vendor_dfo_tests(nor: Path) -> None:
    target = FIXTURES / "dfo-tests"
    shutil.rmtree(target, ignore_errors=True)
    _tree(nor / "src" / "tests", target, "**/*.xml")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sdk", type=Path, required=True, help="the EU eForms SDK checkout")
    parser.add_argument("--nor", type=Path, required=True, help="DFØ's eforms-sdk-nor checkout")
    args = parser.parse_args()
    version = vendor_sdk(args.sdk)
    minor = re.sub(r"^eforms-sdk-(\d+\.\d+)\..*$", r"\1", version)
    vendor_nor(args.nor, minor)
    vendor_examples(args.sdk)
    vendor_dfo_tests(args.nor)
    print(f"Copied {version} and DFØ's tailoring for {minor} into {DATA} and {FIXTURES}")


if __name__ == "__main__":
    main()
