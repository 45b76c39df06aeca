"""Print setup: how every sheet of a workbook comes out of a printer.

A4, as many pages tall as needed but one page wide (fitToWidth 1, fitToHeight 0), landscape when
the columns are wider than a portrait page holds at a readable scale, the table's header row
repeated on every page, and a page header and footer naming the organisation, the period and
the page number. Chart sheets print one chart on one landscape page.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.worksheet.page import PageMargins, PrintPageSetup
from openpyxl.worksheet.properties import PageSetupProperties

# Widths are in Excel's character units. A4 portrait holds about 90 of them at 100 % within the
# margins below; anything wider is printed landscape (about 135) so the scale stays readable.
PORTRAIT_MAX_WIDTH = 95
A4 = 9  # ECMA-376 paper size code


@dataclass(frozen=True)
class PageText:
    """The page header and footer, as plain text (ampersands are escaped here).

    `footer` may hold the codes &P (page number) and &N (number of pages): it is written as is.
    """

    left: str = ""
    center: str = ""  # default: the sheet's name
    right: str = ""
    footer: str = ""


def header_text(text: str) -> str:
    """Plain text for a header or footer: '&' starts a code there, so it is doubled."""
    return text.replace("&", "&&")


def _margins() -> PageMargins:
    # Inches: narrow sides, room at top and bottom for the page header and footer.
    return PageMargins(left=0.4, right=0.4, top=0.75, bottom=0.6, header=0.3, footer=0.3)


def _header_footer(header_footer, text: PageText) -> None:
    header_footer.oddHeader.left.text = header_text(text.left) or None
    header_footer.oddHeader.center.text = header_text(text.center) if text.center else "&A"
    header_footer.oddHeader.right.text = header_text(text.right) or None
    header_footer.oddFooter.center.text = text.footer or None


def setup_sheet(sheet, text: PageText, width: float, header_row: int | None) -> None:
    """Print setup of a worksheet whose columns add up to `width` characters."""
    setup = sheet.page_setup
    setup.paperSize = A4
    setup.orientation = "portrait" if width <= PORTRAIT_MAX_WIDTH else "landscape"
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages tall as the rows need
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins = _margins()
    if header_row is not None:
        sheet.print_title_rows = f"{header_row}:{header_row}"
    _header_footer(sheet.HeaderFooter, text)


def setup_chartsheet(chartsheet, text: PageText) -> None:
    """A chart sheet prints its chart alone, filling one landscape page."""
    chartsheet.pageSetup = PrintPageSetup(paperSize=A4, orientation="landscape")
    chartsheet.pageMargins = _margins()
    _header_footer(chartsheet.headerFooter, text)
