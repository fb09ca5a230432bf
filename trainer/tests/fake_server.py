"""A small HTTP server in a thread standing in for the BrightRun server: callback URL, artifacts URL, signed PUT
target and dataset URL, with scripted answers for fault tests."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import urlsplit

TOKEN = "test-callback-token"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakeServer:
    base: str = ""
    requests: list[Recorded] = field(default_factory=list)
    #: Statuses the callback URL answers, one per request, then 200.
    callback_statuses: list[int] = field(default_factory=list)
    #: Statuses the artifacts URL answers, one per request, then 200.
    artifacts_statuses: list[int] = field(default_factory=list)
    #: Statuses the PUT target answers, one per request, then 200.
    upload_statuses: list[int] = field(default_factory=list)
    #: Called with every callback body the server accepts (after recording), e.g. to cancel a run at some step.
    on_callback: Callable[[dict[str, Any]], None] | None = None
    datasets: dict[str, bytes] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    upload_headers: dict[str, dict[str, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def callback_url(self) -> str:
        return f"{self.base}/callback"

    @property
    def artifacts_url(self) -> str:
        return f"{self.base}/artifacts"

    def dataset_url(self, name: str, content: bytes) -> str:
        self.datasets[name] = content
        return f"{self.base}/datasets/{name}?signature=abc"

    def recorded(self, method: str, path: str) -> list[Recorded]:
        with self.lock:
            return [r for r in self.requests if r.method == method and r.path == path]

    def callbacks(self) -> list[dict[str, Any]]:
        """The callback bodies received (every attempt, retries included)."""
        return [r.json() for r in self.recorded("POST", "/callback")]

    def accepted_callbacks(self) -> list[dict[str, Any]]:
        """One body per deliveryId, as the server applies them."""
        seen: dict[str, dict[str, Any]] = {}
        for body in self.callbacks():
            seen.setdefault(body["deliveryId"], body)
        return list(seen.values())

    def points(self) -> list[dict[str, Any]]:
        return [point for body in self.accepted_callbacks() for point in body["points"]]


def _handler(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms delayed-ACK stall

        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _record(self) -> Recorded:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            record = Recorded(self.command, urlsplit(self.path).path, dict(self.headers.items()), body)
            with server.lock:
                server.requests.append(record)
            return record

        def _answer(self, status: int, body: Any = None) -> None:
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        @staticmethod
        def _next(statuses: list[int]) -> int:
            with server.lock:
                return statuses.pop(0) if statuses else 200

        def do_GET(self) -> None:
            record = self._record()
            name = record.path.removeprefix("/datasets/")
            if name not in server.datasets:
                return self._answer(404, {"error": "not found"})
            data = server.datasets[name]
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            record = self._record()
            if record.headers.get("X-Callback-Token") != TOKEN:
                return self._answer(401, {"error": "bad token"})
            if record.path == "/callback":
                status = self._next(server.callback_statuses)
                self._answer(status, {"ok": status == 200})
                if status == 200 and server.on_callback:
                    server.on_callback(record.json())
                return None
            if record.path == "/artifacts":
                status = self._next(server.artifacts_statuses)
                if status != 200:
                    return self._answer(status, {"error": "refused"})
                files = record.json()["files"]
                return self._answer(
                    200,
                    {
                        "files": [
                            {
                                "name": f["name"],
                                "url": f"{server.base}/upload/{f['name']}?X-Signature=s3cr3t&expires=1",
                                "method": "PUT",
                                "headers": {"Content-Type": f["contentType"], "X-Upload-Check": f["sha256"][:8]},
                                "expiresAt": "2099-01-01T00:00:00.000Z",
                            }
                            for f in files
                        ]
                    },
                )
            return self._answer(404)

        def do_PUT(self) -> None:
            record = self._record()
            status = self._next(server.upload_statuses)
            if status == 200 and record.path.startswith("/upload/"):
                name = record.path.removeprefix("/upload/")
                server.uploads[name] = record.body
                server.upload_headers[name] = record.headers
            self._answer(status)

    return Handler


class RunningServer:
    def __init__(self) -> None:
        self.state = FakeServer()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self.httpd.daemon_threads = True
        self.state.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
