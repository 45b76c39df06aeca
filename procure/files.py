"""Files written whole or not at all: a temporary file beside the target, then a rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target` to write (by us or by a tool such as pg_dump). When
    the block ends without error the file is synced and renamed to `target` in one step, so
    readers see the old file or the whole new one; on any error or interrupt it is removed
    and `target` is left as it was."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with temporary.open("rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_output(target: Path) -> Iterator[IO[bytes]]:
    """A binary file to write `target` through, whole or not at all."""
    with atomic_path(target) as temporary, temporary.open("wb") as stream:
        yield stream


def write_atomically(target: Path, data: bytes) -> None:
    with atomic_output(target) as stream:
        stream.write(data)
