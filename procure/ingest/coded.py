"""Columns of few distinct values (dates, organisation numbers, departments, CPV codes), each
distinct value checked once.

A column's raw values are numbered in the order first seen, and a batch of them becomes one
numpy array of numbers: a single C-level dict lookup per line, where checking, converting and
summing each value again would cost a lookup apiece. Everything known about a value (the value
stored, whether it is invalid, the numbers the monthly summaries use) is then read for the
whole batch by indexing an array with those numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import repeat
from typing import Any

import numpy as np

# (the value stored or BAD, *facts): the parse function decides the facts.
Facts = tuple[Any, ...]


class _Bad:
    """The value stored for an invalid raw value: one object, also after pickling."""

    def __reduce__(self) -> str:
        return "BAD"

    def __repr__(self) -> str:
        return "BAD"


BAD = _Bad()


class CodedColumn:
    """`parse(raw)` gives (the value stored or BAD, *facts); a fact that is always an int
    becomes an int64 array, any other an object array."""

    def __init__(self, parse: Callable[[str], Facts]) -> None:
        self.parse = parse
        self.numbers: dict[str, int] = {}
        self.facts: list[Facts] = []
        self._raw: list[str] = []
        self._arrays: list[np.ndarray] = []
        self._bad = np.zeros(0, bool)  # grown on the first _build
        self._same = np.zeros(0, bool)
        self._done = 0  # facts written into the arrays
        self.has_bad = False  # whether any value seen so far is invalid

    def __call__(self, column: Sequence[str]) -> np.ndarray:
        """The number of each value in the column."""
        numbers = np.fromiter(map(self.numbers.get, column, repeat(-1)), np.intp, len(column))
        if numbers.min(initial=0) < 0:  # values not seen before
            for index in np.flatnonzero(numbers < 0).tolist():
                numbers[index] = self.number(column[index])
        return numbers

    def number(self, raw: str) -> int:
        number = self.numbers.get(raw)
        if number is None:
            number = self.numbers[raw] = len(self.facts)
            facts = self.parse(raw)
            self.facts.append(facts)
            self._raw.append(raw)
            self.has_bad = self.has_bad or facts[0] is BAD
        return number

    def new_since(self, count: int) -> tuple[list[str], list[Facts]]:
        """The raw values numbered from `count` on, and their facts."""
        return self._raw[count:], self.facts[count:]

    def extend(self, raws: Sequence[str], facts: Sequence[Facts]) -> None:
        """Number values as a copy of this column numbered them (in a forked reader)."""
        for raw, fact in zip(raws, facts, strict=True):
            self.numbers[raw] = len(self.facts)
            self.facts.append(fact)
            self._raw.append(raw)
            self.has_bad = self.has_bad or fact[0] is BAD

    def get(self, raw: str) -> Facts:
        """(value stored or BAD, *facts) of one raw value."""
        return self.facts[self.number(raw)]

    def _build(self) -> None:
        """Write the values first seen since the last call into the arrays (which grow by
        doubling, so that a column whose new values trickle in costs little per batch)."""
        done, count = self._done, len(self.facts)
        if done == count:
            return
        columns = list(zip(*self.facts[done:], strict=True))
        if count > len(self._bad):
            capacity = max(1024, 2 * count)
            arrays: list[np.ndarray | None] = list(self._arrays) or [None] * len(columns)
            self._arrays = [_grown(array, capacity, column) for array, column in
                            zip(arrays, columns, strict=True)]
            self._bad = _grown(self._bad, capacity, [False])
            self._same = _grown(self._same, capacity, [False])
        for index, column in enumerate(columns):
            if self._arrays[index].dtype not in (object, _dtype(column)):  # ints, now a None
                self._arrays[index] = self._arrays[index].astype(object)
            self._arrays[index][done:count] = column
        values, raws = columns[0], self._raw[done:]
        self._bad[done:count] = [value is BAD for value in values]
        self._same[done:count] = [value is not BAD and type(value) is type(raw) and value == raw
                                  for value, raw in zip(values, raws, strict=True)]
        self._done = count

    def any_bad(self, numbers: np.ndarray) -> bool:
        if not self.has_bad:
            return False
        self._build()
        return bool(self._bad[numbers].any())

    def stored(self, column: Sequence[str] | None, numbers: np.ndarray) -> Sequence[Any]:
        """The values stored: the column itself when every value is stored as read (and the
        column is given)."""
        self._build()
        if column is not None and self._same[numbers].all():
            return column
        values: list[Any] = self._arrays[0][numbers].tolist()
        return values

    def fact(self, index: int, numbers: np.ndarray) -> np.ndarray:
        """Fact `index` (1 = the first after the value) of each number."""
        self._build()
        facts: np.ndarray = self._arrays[index][numbers]
        return facts


def _dtype(values: Sequence[object]) -> np.dtype:
    for kind, dtype in ((bool, np.dtype(bool)), (int, np.dtype(np.int64))):
        if all(type(value) is kind for value in values):
            return dtype
    return np.dtype(object)


def _grown(array: np.ndarray | None, capacity: int, sample: Sequence[object]) -> np.ndarray:
    """A copy of `array` with room for `capacity` (of the dtype `sample` needs when there is
    no array yet)."""
    grown = np.zeros(capacity, _dtype(sample) if array is None else array.dtype)
    if array is not None:
        grown[:len(array)] = array
    return grown
