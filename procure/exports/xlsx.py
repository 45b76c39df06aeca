"""The Excel exports, under the name the views and labels import (see procure.exports.workbook)."""

from procure.exports.workbook import *  # noqa: F403
from procure.exports.workbook import __all__  # noqa: F401
