"""The ceiling: a bare Starlette JSON endpoint, served with `roost serve`'s uvicorn settings.

`python -m bench.hello --port 8123` serves GET / → {"hello": "world"}. Whatever the
server, event loop and HTTP parser cost per request is in this number too, so Roost's
req/s divided by it is the share of the core Roost's own code leaves to the framework.
"""

from __future__ import annotations

import argparse

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def hello(request: Request) -> JSONResponse:
    return JSONResponse({"hello": "world"})


def app() -> Starlette:
    """uvicorn factory, like roost.asgi:app_from_env."""
    return Starlette(routes=[Route("/", hello)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8123)
    args = parser.parse_args()
    # Keep in step with roost/cli/serving.py `serve`: same factory mode, workers, log level (so the
    # same access log), proxy headers and server header.
    uvicorn.run(
        "bench.hello:app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=1,
        log_level="info",
        proxy_headers=True,
        server_header=False,
    )


if __name__ == "__main__":
    main()
