"""Reading a file in a child process whose memory and CPU time are bounded.

A PDF of 1.5 MB can hold a content stream that inflates to 1.5 GiB: PDFium inflates it whole
(a 600 KB file took 1.3 GB here). The child is forked (the reader's modules are already loaded,
so it starts in milliseconds), limited with `RLIMIT_AS` to the memory it has plus
`MAX_READER_MEMORY` and with `RLIMIT_CPU`, and sends its result back pickled through a pipe; a
child that runs out of either, or crashes, is reported as the file's failure, and the process that
asked (the indexer, the service) is untouched.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from indexer.errors import DocumentError

MAX_READER_MEMORY = 1024 * 1024 * 1024  # bytes a reader may add to the process's address space
MAX_READER_SECONDS = 120  # CPU seconds, and wall-clock seconds, a reader may take
_T = TypeVar("_T")


def _address_space() -> int:
    """The process's virtual size now (VmSize), which `RLIMIT_AS` counts from."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_bounded(path: Path, read: Callable[[Path], _T], memory: int | None = None) -> _T:
    """`read(path)` in a forked child under the limits; its result, or its DocumentError, or a
    DocumentError saying which limit the file passed."""
    if not hasattr(os, "fork"):
        return read(path)
    allowance = MAX_READER_MEMORY if memory is None else memory
    limit = _address_space() + allowance
    receive, send = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read, send, and leave without running the parent's cleanup
        os.close(receive)
        code = 0
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            resource.setrlimit(resource.RLIMIT_CPU, (MAX_READER_SECONDS, MAX_READER_SECONDS + 5))
            try:
                payload = pickle.dumps(("ok", read(path)))
            except DocumentError as error:
                payload = pickle.dumps(("error", error))
            except MemoryError:
                payload = pickle.dumps(("memory", None))
            except Exception as error:  # a reader's bug: said as the file's failure, with what it was
                payload = pickle.dumps(("failed", f"{type(error).__name__}: {error}"))
            with os.fdopen(send, "wb") as stream:
                stream.write(payload)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(send)
    chunks: list[bytes] = []
    deadline = time.monotonic() + MAX_READER_SECONDS
    with os.fdopen(receive, "rb", buffering=0) as stream:
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([stream], [], [], max(left, 0))
            if not ready:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise DocumentError(path, f"reading it took over {MAX_READER_SECONDS} s: refused")
            chunk = stream.read(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if chunks:
        kind, value = pickle.loads(b"".join(chunks))
        if kind == "ok":
            return value
        if kind == "error":
            raise value
        if kind == "failed":
            raise DocumentError(path, f"the reader failed on it: {value}")
    megabytes = allowance // (1024 * 1024)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU:
        raise DocumentError(path, f"reading it took over {MAX_READER_SECONDS} s of CPU: refused")
    raise DocumentError(
        path, f"reading it needed more than {megabytes:,} MB of memory (a stream that inflates without bound?): refused"
    )
