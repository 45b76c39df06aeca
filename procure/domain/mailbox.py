"""The mailbox behind an e-mail address, for per-address limits.

Providers deliver `anne+news@x.no` to `anne@x.no`, and Gmail ignores dots in the local part,
so a limit counted per typed address gives an attacker a fresh allowance for every variant
(issue 19, finding 2). Limits count per mailbox key instead. The key is never used to send
mail: messages go to the address as typed.
"""

from __future__ import annotations

import unicodedata

# Providers that ignore dots in the local part; googlemail.com is the same mailboxes as gmail.com.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox_key(email: str) -> str:
    """`Anne.B+x@GoogleMail.com` → `anneb@gmail.com`; `per+tag@kommune.no` → `per@kommune.no`.

    A plus tag is dropped for every domain: Gmail, Outlook, iCloud, Fastmail, Proton and
    Microsoft 365 all deliver plus-addressed mail to the plain mailbox, and two people whose
    addresses differ only by a tag sharing a limit costs nothing."""
    address = email.strip().lower()
    local, at, domain = address.rpartition("@")
    if not at or not local:
        return address
    local = local.split("+", 1)[0] or local
    domain = DOTLESS_DOMAINS.get(domain, domain)
    if domain == "gmail.com":
        local = local.replace(".", "") or local
    return f"{local}@{domain}"


def one_line(text: str) -> str:
    """Free text from the public as one line: line breaks, tabs and runs of spaces become one
    space, and format and separator characters (bidi overrides, zero-width joiners) go."""
    kept = "".join(" " if ch.isspace() else ch for ch in text
                   if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")
                   or ch.isspace())
    return " ".join(kept.split())
