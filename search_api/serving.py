"""`ga-search serve`: uvicorn in one process, or in N worker processes each with its own socket.

uvicorn's own `--workers` shares one listening socket: a worker accepts from it, and a client's
keep-alive connection stays with the worker that accepted it. Driven by 16 keep-alive clients on
100k clauses (bench/load.py), one of two workers accepted every connection (CPU over 15 s: 15.8 s
and 0 s) and the second added nothing. Here each worker binds its own socket to the same port with
`SO_REUSEPORT`, and the kernel spreads connections across the sockets by their addresses. The
parent only starts the workers, starts a new one in place of one that dies, and passes SIGTERM or
SIGINT on to them.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import time
from typing import Any

import uvicorn

APP = "search_api.app:create_app_from_env"  # a factory: each worker opens the index itself
log = logging.getLogger("ga_search.serve")


def _options(host: str, port: int) -> dict[str, Any]:
    return {
        "factory": True,
        "host": host,
        "port": port,
        "log_level": "info",
        "access_log": False,  # AccessLogMiddleware logs each request once, with its duration
    }


def serve(host: str, port: int, workers: int) -> None:
    """Serve the app on host:port with `workers` processes (see the module docstring)."""
    if workers == 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(APP, workers=workers, **_options(host, port))
        return
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no state from this one
    running = [context.Process(target=_worker, args=(host, port), name=f"worker-{n}") for n in range(workers)]
    stopping = False

    def stop(signum: int, _: object) -> None:
        nonlocal stopping
        stopping = True
        for process in running:
            if process.is_alive():
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for process in running:
        process.start()
    while not stopping:
        time.sleep(0.5)
        for number, process in enumerate(running):
            if not process.is_alive() and not stopping:
                log.warning("worker %s exited with %s: starting another", process.pid, process.exitcode)
                running[number] = context.Process(target=_worker, args=(host, port), name=process.name)
                running[number].start()
    for process in running:
        process.join(timeout=30)


def _worker(host: str, port: int) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)  # one socket a worker, one port
    listener.bind((host, port))
    listener.set_inheritable(True)
    uvicorn.Server(uvicorn.Config(APP, **_options(host, port))).run(sockets=[listener])
