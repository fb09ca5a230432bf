"""The RunPod handler: its return value and progress updates in the server's shapes (server/gpu/runpod/contract.ts),
failures and cancels as RunPod errors. The real SDK worker loop is driven end to end by
test/integration/trainer/runpod-worker.test.ts."""

from __future__ import annotations

import asyncio
import re
import threading
from typing import Any

import pytest

from brightrun_trainer import runpod_handler
from brightrun_trainer.report import Event
from brightrun_trainer.runpod_handler import RunpodProgressSink, redact


def handler(job: dict[str, Any]) -> dict[str, Any]:
    """Calls the async handler as the SDK's worker loop does."""
    return asyncio.run(runpod_handler.handler(job))

PROGRESS_KEYS = {"stage", "step", "totalSteps", "epoch", "totalEpochs", "lastPoint"}
COMPLETED_KEYS = {"step", "totalSteps", "epoch", "totalEpochs", "artifacts", "summary", "lastPoint"}
STAGES = {"PROVISIONING", "LOADING_MODEL", "TRAINING", "EVALUATING", "SAVING", "UPLOADING_ARTIFACTS"}
POINT_KEYS = {
    "step",
    "epoch",
    "trainingLoss",
    "validationLoss",
    "learningRate",
    "gradNorm",
    "throughput",
    "tokensTrained",
    "gpuUtilization",
    "recordedAt",
}


@pytest.fixture
def progress(monkeypatch: pytest.MonkeyPatch) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Every progress_update the handler makes (the SDK's would post to RunPod), with no throttling."""
    sent: list[tuple[dict[str, Any], dict[str, Any]]] = []
    monkeypatch.setattr(runpod_handler.runpod.serverless, "progress_update", lambda job, value: sent.append((job, value)))
    monkeypatch.setattr(runpod_handler, "PROGRESS_INTERVAL", 0.0)
    return sent


def check_point(point: dict[str, Any]) -> None:
    assert set(point) == POINT_KEYS
    assert isinstance(point["step"], int) and point["step"] >= 1
    assert point["epoch"] >= 0


def check_progress(value: dict[str, Any]) -> None:
    assert set(value) == PROGRESS_KEYS
    assert value["stage"] in STAGES
    for key in ("step", "totalSteps", "totalEpochs"):
        assert isinstance(value[key], int) and value[key] >= 0, key
    assert value["epoch"] >= 0
    if value["lastPoint"] is not None:
        check_point(value["lastPoint"])


def test_a_run_returns_the_completion_and_mirrors_its_progress(server, make_spec, progress) -> None:
    job = {"id": "rp-job-1", "input": make_spec()}
    output = handler(job)

    assert set(output) == COMPLETED_KEYS
    assert output["step"] == output["totalSteps"] > 0
    assert output["totalEpochs"] == 1 and output["epoch"] > 0
    names = {artifact["name"] for artifact in output["artifacts"]}
    assert {"adapter_model.safetensors", "adapter_config.json", "training_summary.json"} <= names
    for artifact in output["artifacts"]:
        assert set(artifact) >= {"name", "url", "size", "sha256", "contentType"}
        assert re.fullmatch(r"[0-9a-f]{64}", artifact["sha256"])
        assert "?" not in artifact["url"]  # the upload URL without its signature
        assert server.uploads[artifact["name"]].__len__() == artifact["size"]
    check_point(output["lastPoint"])
    assert output["lastPoint"]["step"] == output["step"]
    assert output["summary"]["steps"] == output["step"]

    # Progress: for this RunPod job, in the server's shape, through the stages in order.
    assert progress and all(sent_job is job for sent_job, _ in progress)
    values = [value for _, value in progress]
    for value in values:
        check_progress(value)
    stages = [value["stage"] for value in values]
    assert stages[0] == "LOADING_MODEL"
    assert stages.index("TRAINING") < stages.index("SAVING") < stages.index("UPLOADING_ARTIFACTS")
    assert any(value["lastPoint"] for value in values)

    # The callback URL got every point and no COMPLETED: on RunPod the return value is the completion.
    states = [body["state"] for body in server.accepted_callbacks()]
    assert "COMPLETED" not in states and states[-1] == "RUNNING"
    assert [point["step"] for point in server.points()] == list(range(1, output["step"] + 1))


def test_a_failure_is_returned_as_code_and_message_after_it_is_posted(server, make_spec, progress) -> None:
    output = handler({"id": "rp-job-2", "input": make_spec(quantization="NF4")})  # no CUDA here

    assert set(output) == {"error"}
    assert output["error"].startswith("QUANTIZATION_UNSUPPORTED: ")
    last = server.accepted_callbacks()[-1]
    assert last["state"] == "FAILED" and last["error"]["code"] == "QUANTIZATION_UNSUPPORTED"
    assert last["externalId"] == "rp-job-2"
    assert not server.uploads


def test_an_invalid_spec_is_reported_to_the_callback_when_it_names_one(server, make_spec, progress) -> None:
    spec = make_spec()
    del spec["hyperparameters"]
    output = handler({"id": "rp-job-3", "input": spec})

    assert output["error"].startswith("INVALID_SPEC: ") and "hyperparameters" in output["error"]
    [body] = server.accepted_callbacks()
    assert body["state"] == "FAILED" and body["error"]["code"] == "INVALID_SPEC"
    assert body["jobId"] == spec["jobId"] and body["externalId"] == "rp-job-3"
    assert handler({"id": "rp-job-4", "input": None})["error"].startswith("INVALID_SPEC: ")


def test_a_run_the_server_ended_stops_uploads_nothing_and_returns_an_error(server, make_spec, progress) -> None:
    server.callback_statuses.extend([200, 409])  # INITIALIZING accepted, then the job is over
    output = handler({"id": "rp-job-5", "input": make_spec(epochs=20)})

    assert output == {"error": "CANCELLED: The run stopped: the server ended the job."}
    assert not server.uploads
    assert not server.recorded("POST", "/artifacts")


def test_runpods_stop_signal_waits_for_the_run_and_sends_no_result(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    started = threading.Event()

    def train(job: dict[str, Any]) -> dict[str, Any]:
        started.set()
        release.wait(10)  # the run, until its next callback is refused
        return {"error": "CANCELLED: The run stopped: the server ended the job."}

    monkeypatch.setattr(runpod_handler, "train", train)

    async def scenario() -> None:
        task = asyncio.ensure_future(runpod_handler.handler({"id": "rp-job-6", "input": {}}))
        await asyncio.to_thread(started.wait, 10)
        task.cancel()  # what the SDK does with a job id from its job-stop channel
        await asyncio.sleep(0.2)
        assert not task.done()  # the worker stays busy while the run goes on
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())


def event(stage: str, step: int, state: str = "RUNNING", points: tuple[dict[str, Any], ...] = ()) -> Event:
    return Event(
        external_id="rp",
        job_id="job",
        state=state,  # type: ignore[arg-type]
        stage=stage,  # type: ignore[arg-type]
        step=step,
        total_steps=100,
        epoch=step / 50,
        total_epochs=2,
        points=points,
    )


def test_progress_goes_on_stage_changes_and_at_most_every_interval() -> None:
    now = [0.0]
    sent: list[dict[str, Any]] = []
    sink = RunpodProgressSink({"id": "rp"}, interval=5.0, send_progress=lambda _job, value: sent.append(value), clock=lambda: now[0])

    sink.send(event("LOADING_MODEL", 0, state="INITIALIZING"))
    sink.send(event("TRAINING", 1, points=({"step": 1},)))
    now[0] = 4.9
    sink.send(event("TRAINING", 2, points=({"step": 2},)))  # within the interval: skipped, its point kept
    now[0] = 5.0
    sink.send(event("TRAINING", 3))
    sink.send(event("EVALUATING", 3))
    sink.send(event("EVALUATING", 3, state="FAILED"))  # terminal: the handler's return value says it
    sink.close(1.0)
    now[0] = 60.0
    sink.send(event("TRAINING", 4))

    assert [(value["stage"], value["step"]) for value in sent] == [
        ("LOADING_MODEL", 0),
        ("TRAINING", 1),
        ("TRAINING", 3),
        ("EVALUATING", 3),
    ]
    assert sent[0]["lastPoint"] is None
    assert sent[2]["lastPoint"] == {"step": 2}
    assert sent[2] == {"stage": "TRAINING", "step": 3, "totalSteps": 100, "epoch": 0.06, "totalEpochs": 2, "lastPoint": {"step": 2}}


def test_errors_keep_no_url_signature() -> None:
    text = "DATASET_UNREADABLE: GET https://storage.example/ds.jsonl?X-Goog-Signature=abc&X-Goog-Date=1 answered 403"
    assert redact(text) == "DATASET_UNREADABLE: GET https://storage.example/ds.jsonl?… answered 403"
