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

import numpy as np

BAD = object()  # the value stored for an invalid raw value


class CodedColumn:
    """`parse(raw)` gives (the value stored or BAD, *facts); a fact that is always an int
    becomes an int64 array, any other an object array."""

    def __init__(self, parse: Callable[[str], tuple]) -> None:
        self.parse = parse
        self.numbers: dict[str, int] = {}
        self.facts: list[tuple] = []
        self._raw: list[str] = []
        self._arrays: list[np.ndarray] = []
        self._bad = self._same = np.zeros(0, bool)

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
            self.facts.append(self.parse(raw))
            self._raw.append(raw)
        return number

    def get(self, raw: str) -> tuple:
        """(value stored or BAD, *facts) of one raw value."""
        return self.facts[self.number(raw)]

    def _build(self) -> None:
        """Extend the arrays by the values first seen since the last call."""
        done = len(self._bad)
        if done == len(self.facts):
            return
        columns = list(zip(*self.facts[done:], strict=True))
        pieces = [_array(column) for column in columns]
        self._arrays = [_joined(array, piece) for array, piece in
                        zip(self._arrays, pieces, strict=True)] if self._arrays else pieces
        values, raws = columns[0], self._raw[done:]
        self._bad = np.append(self._bad, [value is BAD for value in values])
        self._same = np.append(self._same, [type(value) is str and value == raw
                                            for value, raw in zip(values, raws, strict=True)])

    def any_bad(self, numbers: np.ndarray) -> bool:
        self._build()
        return bool(self._bad[numbers].any())

    def stored(self, column: Sequence[str], numbers: np.ndarray) -> Sequence:
        """The values stored: the column itself when every value is stored as read."""
        self._build()
        if self._same[numbers].all():
            return column
        return self._arrays[0][numbers].tolist()

    def fact(self, index: int, numbers: np.ndarray) -> np.ndarray:
        """Fact `index` (1 = the first after the value) of each number."""
        self._build()
        return self._arrays[index][numbers]


def _array(values: tuple) -> np.ndarray:
    if all(type(value) is int for value in values):
        return np.array(values, np.int64)
    array = np.empty(len(values), object)
    array[:] = values
    return array


def _joined(array: np.ndarray, piece: np.ndarray) -> np.ndarray:
    if array.dtype != piece.dtype:  # ints so far, and now a None (or the other way round)
        array, piece = array.astype(object), piece.astype(object)
    return np.concatenate([array, piece])
