"""eForms notices: offline validation against the EU SDK and DFØ's Norwegian rules.

    from procure.eforms import validate
    report = validate(xml_bytes, today=clock.today())
    report.valid, report.errors, report.to_dict("nb")

The shipped files are in procure/data/eforms (SOURCES there); validators are built from them
by procure.eforms.compile and cached on disk (see procure.eforms.validation).
"""

from procure.eforms.validation import (
    Finding,
    NoticeUnreadable,
    ValidationReport,
    set_cache_dir,
    validate,
)

__all__ = ["Finding", "NoticeUnreadable", "ValidationReport", "set_cache_dir", "validate"]
