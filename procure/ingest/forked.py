"""Reading a large import in a forked child process while this process writes it.

Checking a million spend lines is Python work, and so is handing them to the database driver;
one process can do only one of them at a time (threads share one GIL: a writer thread measured
slower, see bench/). With a fork, the child reads, checks and sums the lines on one core and
sends each batch of good rows down a pipe, as the columns or rows the writer takes; this
process writes them on the other core, in its own transaction, as it would have written them
itself. The child never touches the database: the connection stays with this process.

The child is a copy of this process made by fork (the importer with everything it has read of
the register comes along), so this is used only on Linux, where fork is safe and cheap, and
only for files large enough to gain more than starting a process costs. Where no process can
be started (a process limit, no memory), the reading happens here instead, as for a small file.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import pickle
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from procure.errors import N_, UserError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

# What goes down the pipe: (kind, payload), "done" and "error" last.
Message = tuple[str, Any]

# Wait this long for the child to end once it has said it is done (it only closes its pipe).
JOIN_SECONDS = 10
# A batch is about 100 KB down the pipe. With the default 64 KB the child waited at every send
# until this process had written the batch before, so that the two took turns instead of
# working at once; 1 MB (Linux's default most) lets the child run ahead by some batches.
PIPE_BYTES = 1 << 20
# A child that has sent nothing for this long is taken to be stuck. A batch takes milliseconds;
# the longest silence is the end of a file of two million lines (duplicates, sums): seconds.
SILENT_SECONDS = 120


class ChildFailed(UserError):
    """The reading process ended without saying why (killed, out of memory)."""


def available() -> bool:
    """Whether a child can be forked here (a daemonic process may have none)."""
    return sys.platform == "linux" and not multiprocessing.current_process().daemon


def run(importer: Any, read: Callable[[], dict[str, Any]],
        receive: Callable[[str, Any], None]) -> dict[str, Any]:
    """Call `read()` in a child whose copy of `importer` has a `sink` (a pipe) to send
    (kind, payload) messages to this process, which hands each to `receive`. Returns what
    `read()` returned (its state, pickled), or raises what it raised. When no child can be
    started, `read()` runs here, with no sink."""
    import fcntl  # Linux only, as is `available()`

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    # Above the system's limit the default size works too, more slowly.
    with contextlib.suppress(OSError):
        fcntl.fcntl(sender.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    process = context.Process(target=_child, args=(importer, read, sender, receiver),
                              name="procure-import-reader", daemon=True)
    try:
        process.start()
    except OSError:  # no process to be had: read here, nothing has been read yet
        receiver.close()
        sender.close()
        return read()
    sender.close()  # ours: the child's copy stays open until it is done
    # Unpickling a batch makes thousands of small objects that hold no cycles: the cyclic
    # collector would walk them again and again for nothing.
    collecting = gc.isenabled()
    gc.disable()
    finished = False
    try:
        while True:
            if not receiver.poll(SILENT_SECONDS):
                raise ChildFailed(N_("Reading the file stopped answering. Nothing was "
                                     "imported; try again."))
            try:
                kind, payload = receiver.recv()
            except EOFError:
                process.join(JOIN_SECONDS)
                raise ChildFailed(N_("Reading the file stopped unexpectedly (exit code "
                                     "%(code)s). Nothing was imported; try again."),
                                  code=process.exitcode) from None
            if kind == "done":
                finished = True
                state: dict[str, Any] = payload
                return state
            if kind == "error":
                raise payload
            receive(kind, payload)
    finally:
        if collecting:
            gc.enable()
        receiver.close()  # a child still sending now fails to, and ends
        process.join(JOIN_SECONDS if finished else 1)
        if process.is_alive():
            process.kill()
            process.join()


def _child(importer: Any, read: Callable[[], dict[str, Any]],
           sender: Connection[Message, Message], receiver: Connection[Message, Message]) -> None:
    receiver.close()  # the parent's end: were it open here too, a send would never fail
    importer.sink = sender
    try:
        message: Message
        try:
            message = ("done", read())
        except BaseException as error:  # sent to the parent, which raises it
            message = ("error", _picklable(error))
        try:
            sender.send(message)
        except (BrokenPipeError, OSError):
            raise
        except BaseException as error:  # the state would not pickle: say why
            sender.send(("error", _picklable(error)))
    except (BrokenPipeError, OSError):
        pass  # the parent has stopped listening: it has its own error to report
    finally:
        sender.close()


def _picklable(error: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(error))  # noqa: S301 (our own object, in this process)
    except Exception:  # whatever stops it: send what can be sent
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error
