"""The RunPod serverless worker: `python -u -m brightrun_trainer.runpod_handler` (the image's command).

RunPod hands each job's input (the spec, CONTRACT.md "Input") to `handler`, which runs the same `run_job` as the
local entry point. Metrics and state go to the callback URL as everywhere; RunPod's own job mirrors the progress
(`progress_update`, which its /status shows: the server's fallback when callbacks are lost), and the handler's return
value is the completion the server reads from /status (server/gpu/runpod/contract.ts: progressOutputSchema,
completedOutputSchema).
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import tempfile
import threading
import time
from typing import Any, Callable

import runpod

from .cancel import CancelToken
from .errors import TrainerError
from .report import Event, Sink
from .run import JobOutcome, TrainerOptions, callback_sink, fail_unreadable_spec, run_job
from .spec import parse_spec

log = logging.getLogger(__name__)

#: At most one progress update this often while the stage stays the same (a stage change goes at once).
PROGRESS_INTERVAL = 5.0

ProgressSender = Callable[[dict[str, Any], dict[str, Any]], None]


class RunpodProgressSink:
    """Mirrors the run into RunPod's job with `runpod.serverless.progress_update`, in progressOutputSchema's shape.

    RunPod keeps only the last update, so there is no point sending every step: an update goes on each stage change
    and otherwise at most every `interval` seconds. Terminal events are not sent: the handler's return value is the
    result. `progress_update` posts from a thread of its own, so `send` never blocks the training loop.
    """

    def __init__(
        self,
        job: dict[str, Any],
        *,
        interval: float = PROGRESS_INTERVAL,
        send_progress: ProgressSender | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._job = job
        self._interval = interval
        self._send_progress = send_progress
        self._clock = clock
        self._lock = threading.Lock()
        self._last_point: dict[str, Any] | None = None
        self._last_stage: str | None = None
        self._last_sent: float | None = None
        self._closed = False

    def send(self, event: Event) -> None:
        with self._lock:
            if event.points:
                self._last_point = event.points[-1]
            if self._closed or event.terminal or event.stage is None:
                return
            now = self._clock()
            due = self._last_sent is None or now - self._last_sent >= self._interval
            if event.stage == self._last_stage and not due:
                return
            self._last_stage, self._last_sent = event.stage, now
            progress = {
                "stage": event.stage,
                "step": event.step,
                "totalSteps": event.total_steps,
                "epoch": event.epoch,
                "totalEpochs": event.total_epochs,
                "lastPoint": self._last_point,
            }
        (self._send_progress or runpod.serverless.progress_update)(self._job, progress)

    def close(self, timeout: float) -> None:
        with self._lock:
            self._closed = True


async def handler(job: dict[str, Any]) -> dict[str, Any]:
    """Runs one RunPod job; answers completedOutputSchema's shape, or `{"error": "<CODE>: <message>"}`.

    The run goes on a thread of its own so that the SDK's event loop keeps going meanwhile: a loop blocked for the
    hours of a run would leave its pooled connections to RunPod to go stale, and the SDK sends the result on one
    of those without retrying a dropped connection (the result would be lost). The loop also keeps the job-stop
    channel and the heartbeat's job list current.
    """
    run = asyncio.ensure_future(asyncio.to_thread(train, job))
    try:
        return await asyncio.shield(run)
    except asyncio.CancelledError:
        # RunPod's stop signal: the job was cancelled or timed out there. Either way the server ends it too and
        # refuses the trainer's next callback (within a second), which stops the run without a CANCELLED of ours
        # hiding RunPod's timeout. The worker takes no other job until the run has stopped; RunPod wants no result.
        log.info("RunPod stopped job %s; the run stops at its next callback", job.get("id"))
        await run
        raise


def train(job: dict[str, Any]) -> dict[str, Any]:
    """The handler's work, on its own thread: parse the spec, run the job, answer the result."""
    external_id = str(job["id"])
    cancel = CancelToken()
    progress = RunpodProgressSink(job, interval=PROGRESS_INTERVAL)
    raw = job.get("input")
    try:
        spec = parse_spec(raw)
    except TrainerError as error:
        outcome = fail_unreadable_spec(error, raw, external_id=external_id, cancel=cancel)
        return result(outcome)

    log.info("job %s (RunPod %s) starting", spec.job_id, external_id)
    options = TrainerOptions()
    sinks: list[Sink] = [callback_sink(spec, cancel, options), progress]
    # No signal handlers of the trainer here: SIGTERM is RunPod stopping the worker (scale-down, its execution
    # timeout), which RunPod itself reports for the job; the runpod SDK's own handler finishes the job first.
    with tempfile.TemporaryDirectory(prefix="brightrun-job-", ignore_cleanup_errors=True) as work_dir:
        # post_completed=False: on RunPod the return value is the completion (CONTRACT.md "Events").
        outcome = run_job(spec, external_id, sinks, cancel, work_dir, options, post_completed=False)
    log.info("job %s (RunPod %s) ended %s", spec.job_id, external_id, outcome.state)
    return result(outcome)


def result(outcome: JobOutcome) -> dict[str, Any]:
    """The handler's return value for an outcome.

    COMPLETED: completedOutputSchema. FAILED: RunPod's error string, `<CODE>: <message>` (the trainer has posted FAILED
    with the code already). CANCELLED: an error too, since RunPod has no "cancelled by the worker" result. The server
    has ended the job by then (a 409 to a callback is what stops a run here), and once RunPod cancelled a job it
    ignores the worker's result; were it still running at RunPod, the job reads as FAILED with the reason.
    """
    if outcome.state == "COMPLETED":
        return outcome.completed_output()
    if outcome.state == "FAILED" and outcome.error:
        return {"error": redact(f"{outcome.error['code']}: {outcome.error['message']}")}
    return {"error": redact(f"CANCELLED: The run stopped: {outcome.cancel_reason or 'cancelled'}.")}


_URL_QUERY = re.compile(r"(https?://[^\s?#'\"]+)\?[^\s'\"]*")


def redact(text: str) -> str:
    """Drops URLs' query strings (signatures of the dataset and upload URLs): RunPod shows the error in its console."""
    return _URL_QUERY.sub(r"\1?…", text)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    runpod.serverless.start({"handler": handler})
