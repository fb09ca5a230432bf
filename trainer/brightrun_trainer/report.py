"""Builds the run's events (CONTRACT.md "Events") and hands them to sinks: the callback URL and the local status folder."""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, Protocol, Sequence

import requests

from .cancel import CancelToken

log = logging.getLogger(__name__)

State = Literal["INITIALIZING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"]
Stage = Literal["LOADING_MODEL", "TRAINING", "EVALUATING", "SAVING", "UPLOADING_ARTIFACTS"]
TERMINAL_STATES: frozenset[str] = frozenset({"COMPLETED", "FAILED", "CANCELLED"})
#: The reason a cancel token carries when the server answered 401/403/404/409 to a callback.
SERVER_ENDED_JOB = "the server ended the job"


def now_iso() -> str:
    """The current time as the server writes it: ISO 8601 in UTC with milliseconds and a Z."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def finite(value: float | int | None) -> float | None:
    """A number as the contract wants it: finite, or None."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


@dataclass
class MetricPoint:
    """The metrics of one optimizer step; `to_json` gives the contract's camelCase point."""

    step: int
    epoch: float
    training_loss: float | None = None
    validation_loss: float | None = None
    learning_rate: float | None = None
    grad_norm: float | None = None
    throughput: float | None = None
    tokens_trained: int | None = None
    gpu_utilization: float | None = None
    recorded_at: str = field(default_factory=now_iso)

    def to_json(self) -> dict[str, Any]:
        tokens = finite(self.tokens_trained)
        return {
            "step": self.step,
            "epoch": finite(self.epoch) or 0.0,
            "trainingLoss": finite(self.training_loss),
            "validationLoss": finite(self.validation_loss),
            "learningRate": finite(self.learning_rate),
            "gradNorm": finite(self.grad_norm),
            "throughput": finite(self.throughput),
            "tokensTrained": None if tokens is None else int(tokens),
            "gpuUtilization": finite(self.gpu_utilization),
            "recordedAt": self.recorded_at,
        }


@dataclass(frozen=True)
class Event:
    """One report of the run: where it stands, the points new since the last event, and (at the end) artifacts or error."""

    external_id: str
    job_id: str
    state: State
    stage: Stage | None
    step: int
    total_steps: int
    epoch: float
    total_epochs: int
    points: tuple[dict[str, Any], ...] = ()
    artifacts: tuple[dict[str, Any], ...] = ()
    error: dict[str, str] | None = None
    started_at: str | None = None
    finished_at: str | None = None

    @property
    def terminal(self) -> bool:
        return self.state in TERMINAL_STATES

    def body(self) -> dict[str, Any]:
        """The ProviderEvent body without `deliveryId` and `sentAt` (the HTTP sink adds them)."""
        return {
            "externalId": self.external_id,
            "jobId": self.job_id,
            "state": self.state,
            "stage": self.stage,
            "step": self.step,
            "totalSteps": self.total_steps,
            "epoch": finite(self.epoch) or 0.0,
            "points": list(self.points),
            "artifacts": list(self.artifacts),
            "error": self.error,
        }

    def status(self) -> dict[str, Any]:
        """The local status folder's status.json."""
        return {
            "state": self.state,
            "stage": self.stage,
            "step": self.step,
            "totalSteps": self.total_steps,
            "epoch": finite(self.epoch) or 0.0,
            "totalEpochs": self.total_epochs,
            "error": self.error,
            "artifacts": list(self.artifacts),
            "startedAt": self.started_at,
            "finishedAt": self.finished_at,
        }

    def last_point(self) -> dict[str, Any] | None:
        return self.points[-1] if self.points else None


class Sink(Protocol):
    """Where events go. `send` is called on the training thread for every event, in order, and must not block
    (queue the work); `close` delivers what is still queued within `timeout` seconds and is called once, last."""

    def send(self, event: Event) -> None: ...

    def close(self, timeout: float) -> None: ...


class Reporter:
    """Keeps the run's state and emits an Event to every sink at each change (a new point, state or stage)."""

    def __init__(self, job_id: str, external_id: str, sinks: Sequence[Sink]) -> None:
        self._sinks = list(sinks)
        self._current = Event(
            external_id=external_id,
            job_id=job_id,
            state="INITIALIZING",
            stage="LOADING_MODEL",
            step=0,
            total_steps=0,
            epoch=0.0,
            total_epochs=0,
            started_at=now_iso(),
        )
        self.last_point: dict[str, Any] | None = None

    @property
    def current(self) -> Event:
        """Where the run stands (the last event, without its points)."""
        return self._current

    def start(self) -> None:
        """Emits the first event (INITIALIZING, LOADING_MODEL)."""
        self._emit(self._current)

    def update(
        self,
        *,
        state: State | None = None,
        stage: Stage | None = None,
        step: int | None = None,
        total_steps: int | None = None,
        epoch: float | None = None,
        total_epochs: int | None = None,
    ) -> None:
        """Changes what is given; emits an event when anything changed."""
        changes = {
            key: value
            for key, value in dict(
                state=state, stage=stage, step=step, total_steps=total_steps, epoch=epoch, total_epochs=total_epochs
            ).items()
            if value is not None and getattr(self._current, key) != value
        }
        if changes and not self._current.terminal:
            self._emit(replace(self._current, **changes))

    def add_point(self, point: MetricPoint) -> None:
        """Reports one optimizer step's point; the run's step and epoch follow it."""
        if self._current.terminal:
            return
        body = point.to_json()
        self.last_point = body
        self._emit(replace(self._current, step=point.step, epoch=body["epoch"], points=(body,)))

    def finish(
        self,
        state: State,
        *,
        error: dict[str, str] | None = None,
        artifacts: Sequence[dict[str, Any]] = (),
    ) -> None:
        """Emits the terminal event (COMPLETED with artifacts, FAILED with error, or CANCELLED)."""
        if self._current.terminal:
            return
        self._emit(
            replace(self._current, state=state, error=error, artifacts=tuple(artifacts), finished_at=now_iso())
        )

    def close(self, timeout: float) -> None:
        """Closes every sink, sharing the timeout among them."""
        deadline = time.monotonic() + timeout
        for sink in self._sinks:
            try:
                sink.close(max(0.0, deadline - time.monotonic()))
            except Exception:  # a sink that fails to close must not hide the run's outcome
                log.exception("closing %s failed", type(sink).__name__)

    def _emit(self, event: Event) -> None:
        self._current = replace(event, points=())
        for sink in self._sinks:
            try:
                sink.send(event)
            except Exception:
                log.exception("%s failed to take an event", type(sink).__name__)


class StatusDirSink:
    """The local status folder: status.json replaced atomically at every event, points.jsonl appended."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._points = open(self.directory / "points.jsonl", "a", encoding="utf-8")

    def send(self, event: Event) -> None:
        if event.points:
            self._points.write("".join(json.dumps(point) + "\n" for point in event.points))
            self._points.flush()
        write_json_atomic(self.directory / "status.json", event.status())

    def close(self, timeout: float) -> None:
        self._points.close()


def write_json_atomic(path: Path, value: Any) -> None:
    """Writes JSON to a temporary file beside `path` and renames it over `path`, so readers never see half a file."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(value, file)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


#: Answers meaning the server no longer wants this run: stop and upload nothing.
ENDED_STATUSES = frozenset({401, 403, 404, 409})


def is_transient(status: int) -> bool:
    """A status worth retrying with the same request: timeouts, rate limits and server errors."""
    return status in (408, 429) or status >= 500


class HttpCallbackSink:
    """POSTs events to the callback URL from a background thread.

    Events queued since the last delivery go together (their points concatenated, the latest figures; one delivery
    per stage met), at least once per `interval` seconds (a heartbeat when there is nothing new) and at once on a
    state or stage change. A delivery that meets a network error, 408, 429 or 5xx is retried with exponential
    backoff under the same deliveryId and the same bytes. 401/403/404/409 cancel the run (`SERVER_ENDED_JOB`) and
    stop all sending.
    """

    def __init__(
        self,
        url: str,
        token: str,
        cancel: CancelToken,
        *,
        interval: float = 1.0,
        request_timeout: float = 10.0,
        first_backoff: float = 0.25,
        max_backoff: float = 8.0,
        give_up_after: float = 600.0,
    ) -> None:
        self.url = url
        self._token = token
        self._cancel = cancel
        self._interval = interval
        self._request_timeout = request_timeout
        self._first_backoff = first_backoff
        self._max_backoff = max_backoff
        self._give_up_after = give_up_after
        self._session = requests.Session()
        self._cond = threading.Condition()
        self._queue: list[Event] = []
        self._latest: Event | None = None
        self._urgent = False
        self._deadline: float | None = None  # set by close()
        self._seq = 0
        # Per process: a retried job (RunPod may run one again under the same id) must not reuse delivery ids
        # the server already applied, or its events would be dropped as duplicates.
        self._run_id = uuid.uuid4().hex[:8]
        #: Set when the server ended the job: nothing more is sent.
        self.stopped = False
        #: Deliveries given up (after give_up_after or at the close deadline) or refused (other 4xx).
        self.lost = 0
        self._thread = threading.Thread(target=self._run, name="callback-sink", daemon=True)
        self._thread.start()

    def send(self, event: Event) -> None:
        with self._cond:
            if self.stopped:
                return
            previous = self._latest
            self._queue.append(event)
            self._latest = event
            if previous is None or event.terminal or (event.state, event.stage) != (previous.state, previous.stage):
                self._urgent = True
                self._cond.notify()

    def close(self, timeout: float) -> None:
        with self._cond:
            self._deadline = time.monotonic() + timeout
            self._cond.notify()
        self._thread.join(timeout + 1.0)
        self._session.close()

    # --- the sending thread ---

    def _run(self) -> None:
        try:
            self._loop()
        except Exception:  # a bug here must not pass silently: the status folder still has everything
            log.exception("the callback sink stopped")

    def _loop(self) -> None:
        last_sent = time.monotonic()
        while True:
            with self._cond:
                while not (self._urgent or self._deadline is not None or self.stopped):
                    wait = last_sent + self._interval - time.monotonic()
                    if wait <= 0:
                        break
                    self._cond.wait(wait)
                if self.stopped:
                    return
                events, self._queue, self._urgent = self._queue, [], False
                latest = self._latest
                closing = self._deadline is not None
            if events:
                bodies = _batches(events)
            elif closing or latest is None or latest.terminal:
                return  # nothing left to say
            else:
                bodies = [replace(latest, points=(), artifacts=()).body()]  # a heartbeat
            for body in bodies:
                self._deliver(body)
                if self.stopped:
                    return
            last_sent = time.monotonic()
            if events and events[-1].terminal:
                return

    def _deliver(self, body: dict[str, Any]) -> None:
        """Posts one delivery until it is accepted, refused, given up, or the server ends the job."""
        self._seq += 1
        payload = {"deliveryId": f"{body['externalId']}:{self._run_id}:{self._seq}", **body, "sentAt": now_iso()}
        data = json.dumps(payload).encode("utf-8")
        headers = {"Content-Type": "application/json", "X-Callback-Token": self._token}
        started = time.monotonic()
        backoff = self._first_backoff
        while True:
            try:
                response = self._session.post(self.url, data=data, headers=headers, timeout=self._request_timeout)
                status, reason = response.status_code, f"HTTP {response.status_code}"
                response.close()
            except requests.RequestException as error:
                status, reason = 0, f"{type(error).__name__}: {error}"
            if 200 <= status < 300:
                return
            if status in ENDED_STATUSES:
                log.warning("callback answered %s: the server ended the job; stopping", status)
                with self._cond:
                    self.stopped = True
                    self._queue.clear()
                self._cancel.cancel(SERVER_ENDED_JOB)
                return
            if status and not is_transient(status):
                log.warning("callback %s refused (%s); dropped", payload["deliveryId"], reason)
                self.lost += 1
                return
            now = time.monotonic()
            deadline = self._deadline
            give_up_at = started + self._give_up_after
            if deadline is not None:
                give_up_at = min(give_up_at, deadline)
            if now + backoff > give_up_at:
                log.warning("callback %s given up after %.1fs (%s)", payload["deliveryId"], now - started, reason)
                self.lost += 1
                return
            log.info("callback %s failed (%s); retrying in %.2fs", payload["deliveryId"], reason, backoff)
            retry_at = now + backoff
            with self._cond:
                # close() wakes this early: one more try at once, then its deadline decides.
                while not self.stopped and self._deadline == deadline and time.monotonic() < retry_at:
                    self._cond.wait(retry_at - time.monotonic())
                if self.stopped:
                    return
            backoff = min(backoff * 2, self._max_backoff)


def _batches(events: list[Event]) -> list[dict[str, Any]]:
    """The deliveries for the events queued: one per run of events in the same state and stage (so the server sees
    every stage), each with the last event's figures and all their points in order."""
    bodies: list[dict[str, Any]] = []
    group: list[Event] = []
    for event in events:
        if group and (event.state, event.stage) != (group[-1].state, group[-1].stage):
            bodies.append(_merge(group))
            group = []
        group.append(event)
    bodies.append(_merge(group))
    return bodies


def _merge(events: list[Event]) -> dict[str, Any]:
    points = tuple(point for event in events for point in event.points)
    return replace(events[-1], points=points).body()
