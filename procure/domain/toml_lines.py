"""Line numbers of tables and keys in TOML text, because tomllib reports none.

Good enough for hand-written config files: it follows [table] and [[array]] headers, keys at
the start of a line, and skips over multi-line strings, arrays and inline tables.
"""

from __future__ import annotations

import re
from bisect import bisect_right

_BARE_OR_QUOTED = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""
_KEY_RE = re.compile(rf"[ \t]*({_BARE_OR_QUOTED}(?:[ \t]*\.[ \t]*{_BARE_OR_QUOTED})*)[ \t]*=")
_HEADER_RE = re.compile(
    rf"[ \t]*(\[\[?)[ \t]*({_BARE_OR_QUOTED}(?:[ \t]*\.[ \t]*{_BARE_OR_QUOTED})*)"
)

# A table's place in the document: () is the root, ("criteria", 2) the third [[criteria]].
TablePath = tuple[str | int, ...]


def _key_parts(dotted: str) -> list[str]:
    parts = re.findall(_BARE_OR_QUOTED, dotted)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


class TomlLines:
    """Line numbers of tables and keys in raw TOML text, since tomllib reports none."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tables: dict[TablePath, int] = {(): 1}
        self.keys: dict[tuple[TablePath, str], int] = {}
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._scan()

    def _line(self, pos: int) -> int:
        return bisect_right(self._line_starts, pos)

    def table(self, path: TablePath) -> int:
        """Line of the table header, or of the key that holds the table inline."""
        if path in self.tables:
            return self.tables[path]
        if len(path) >= 2 and isinstance(path[-1], int):
            return self.key(path[:-2], str(path[-2]))
        if path:
            return self.key(path[:-1], str(path[-1]))
        return 1

    def key(self, path: TablePath, name: str) -> int:
        """Line where the key is set, else the line of its table."""
        if (path, name) in self.keys:
            return self.keys[(path, name)]
        return self.table(path)

    def _scan(self) -> None:
        text = self.text
        pos = 0
        table: TablePath = ()
        arrays: dict[TablePath, int] = {}
        while pos < len(text):
            end = text.find("\n", pos)
            end = len(text) if end == -1 else end
            stripped = text[pos:end].strip()
            if not stripped or stripped.startswith("#"):
                pos = end + 1
                continue
            header = _HEADER_RE.match(text, pos) if stripped.startswith("[") else None
            if header:
                line = self._line(pos)
                parts = _key_parts(header.group(2))
                table = self._header(header.group(1) == "[[", parts, arrays, line)
                pos = end + 1
                continue
            key = _KEY_RE.match(text, pos)
            if not key:
                pos = end + 1
                continue
            self.keys.setdefault((table, _key_parts(key.group(1))[0]), self._line(pos))
            pos = _skip_value(text, key.end())

    def _header(
        self, is_array: bool, parts: list[str], arrays: dict[TablePath, int], line: int
    ) -> TablePath:
        """Resolve '[a.b]' or '[[a.b]]' to a path, counting array-of-tables elements."""
        path: TablePath = ()
        for index, part in enumerate(parts):
            parent = path
            named = path + (part,)
            if index == len(parts) - 1 and is_array:
                arrays[named] = arrays.get(named, 0) + 1
            path = named + (arrays[named] - 1,) if named in arrays else named
            self.keys.setdefault((parent, part), line)
        self.tables.setdefault(path, line)
        return path


def _skip_value(text: str, pos: int) -> int:
    """Index just past the end of the value starting at pos (strings and brackets aware)."""
    depth = 0
    n = len(text)
    while pos < n:
        char = text[pos]
        if text.startswith('"""', pos) or text.startswith("'''", pos):
            delimiter = text[pos : pos + 3]
            pos = _end_of_multiline(text, pos + 3, delimiter)
            continue
        if char in "\"'":
            pos = _end_of_string(text, pos + 1, char)
            continue
        if char == "#":
            end = text.find("\n", pos)
            pos = n if end == -1 else end
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        elif char == "\n" and depth <= 0:
            return pos + 1
        pos += 1
    return pos


def _end_of_multiline(text: str, pos: int, delimiter: str) -> int:
    while True:
        found = text.find(delimiter, pos)
        if found == -1:
            return len(text)
        if delimiter == '"""' and _escaped(text, found):
            pos = found + 1
            continue
        # A delimiter may be followed by up to two more quotes that belong to the string.
        end = found + 3
        while end < len(text) and text[end] == delimiter[0] and end < found + 5:
            end += 1
        return end


def _end_of_string(text: str, pos: int, quote: str) -> int:
    while pos < len(text) and text[pos] != "\n":
        if text[pos] == quote and not (quote == '"' and _escaped(text, pos)):
            return pos + 1
        pos += 1
    return pos


def _escaped(text: str, pos: int) -> bool:
    backslashes = 0
    while pos - backslashes - 1 >= 0 and text[pos - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1
