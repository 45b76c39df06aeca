from __future__ import annotations

import pytest

from procure.domain.mailbox import mailbox_key, one_line


@pytest.mark.parametrize(("typed", "key"), [
    ("Anne.B+x@GoogleMail.com", "anneb@gmail.com"),
    (" a.n.n.e@gmail.com ", "anne@gmail.com"),
    ("per+tag@kommune.no", "per@kommune.no"),
    ("per.hansen@kommune.no", "per.hansen@kommune.no"),  # dots matter outside Gmail
    ("+only@kommune.no", "+only@kommune.no"),  # nothing left before the tag: keep as typed
    ("not-an-address", "not-an-address"),
])
def test_mailbox_key(typed, key):
    assert mailbox_key(typed) == key


def test_one_line_drops_breaks_and_invisible_characters():
    assert one_line("A\r\nB\u2028C\u2029D\tE\u200b\u202eF  ") == "A B C D EF"
    assert one_line("Strømmen Renhold AS") == "Strømmen Renhold AS"
