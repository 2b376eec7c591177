"""`ga-search serve`: uvicorn in one process, or in N worker processes each with its own socket.

uvicorn's own `--workers` shares one listening socket: a worker accepts from it, and a client's
keep-alive connection stays with the worker that accepted it. Driven by 16 keep-alive clients on
100k clauses (bench/load.py), one of two workers accepted every connection (CPU over 15 s: 15.8 s
and 0 s) and the second added nothing. Here each worker binds its own socket to the same port with
`SO_REUSEPORT`, and the kernel spreads connections across the sockets by their addresses. The
parent checks first that the port can be bound (a clear error, not a worker traceback a second),
starts the workers, starts a new one in place of one that dies after it was up (one that dies
within `START_SECONDS` stops the service with an error), and passes SIGTERM or SIGINT on to them.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import time
from typing import Any

import uvicorn

from search_api.http.raw_targets import RawTargetsProtocol

APP = "search_api.http.app:create_app_from_env"  # a factory: each worker opens the index itself
START_SECONDS = 20.0


class ServeError(RuntimeError):
    """The service cannot start or keep its workers."""


log = logging.getLogger("ga_search.serve")


def _options(host: str, port: int) -> dict[str, Any]:
    return {
        "factory": True,
        "host": host,
        "port": port,
        "log_level": "info",
        "access_log": False,  # AccessLogMiddleware logs each request once, with its duration
        "http": RawTargetsProtocol,  # raw UTF-8 request targets, as curl sends them
    }


def serve(host: str, port: int, workers: int) -> None:
    """Serve the app on host:port with `workers` processes (see the module docstring)."""
    if workers == 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(APP, workers=workers, **_options(host, port))
        return
    with _listener(host, port):  # bound, not listening: gets no connections; errors here, clearly
        pass
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no state from this one
    running: list[tuple[Any, float]] = []
    stopping = False

    def start(name: str) -> tuple[Any, float]:
        process = context.Process(target=_worker, args=(host, port), name=name)
        process.start()
        return process, time.monotonic()

    def stop(signum: int, _: object) -> None:
        nonlocal stopping
        stopping = True
        for process, _started in running:
            if process.is_alive():
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    running.extend(start(f"worker-{n}") for n in range(workers))
    failed: str | None = None
    while not stopping:
        time.sleep(0.5)
        for number, (process, started) in enumerate(running):
            if process.is_alive() or stopping:
                continue
            if time.monotonic() - started < START_SECONDS:
                failed = f"worker {process.pid} exited with {process.exitcode} while starting (see its log above)"
                stop(signal.SIGTERM, None)
                break
            log.warning("worker %s exited with %s: starting another", process.pid, process.exitcode)
            running[number] = start(process.name)
    for process, _started in running:
        process.join(timeout=30)
    if failed:
        raise ServeError(failed)


def _listener(host: str, port: int) -> socket.socket:
    """A socket bound to host:port that other processes can bind too (`SO_REUSEPORT`)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)  # one socket a worker, one port
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise ServeError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return listener


def _worker(host: str, port: int) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    listener = _listener(host, port)
    uvicorn.Server(uvicorn.Config(APP, **_options(host, port))).run(sockets=[listener])
