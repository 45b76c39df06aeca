"""Excel workbooks: the generic writer (`writer`), print setup (`printing`) and the
controller's statistics workbook (`statistics`)."""

from procure.exports.workbook.printing import PageText
from procure.exports.workbook.statistics import Labels, statistics_workbook
from procure.exports.workbook.writer import (
    CHANGE_PERCENT,
    COUNT,
    DATE,
    DAYS,
    EXCEL_MAX_ROWS,
    NOK,
    NOK_WHOLE,
    PERCENT,
    Chart,
    Column,
    Formatted,
    Sheet,
    Unknown,
    WorkbookData,
    build_workbook,
    sheet_name,
)

__all__ = ["CHANGE_PERCENT", "COUNT", "DATE", "DAYS", "EXCEL_MAX_ROWS", "NOK", "NOK_WHOLE",
           "PERCENT", "Chart", "Column", "Formatted", "Labels", "PageText", "Sheet", "Unknown",
           "WorkbookData", "build_workbook", "sheet_name", "statistics_workbook"]
