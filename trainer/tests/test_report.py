"""Events, the status folder and the HTTP callback sink: batching, heartbeats, retries and the server ending the job."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

from fake_server import TOKEN

from brightrun_trainer.cancel import CancelToken
from brightrun_trainer.report import SERVER_ENDED_JOB, HttpCallbackSink, MetricPoint, Reporter, StatusDirSink


def sink_for(server, cancel: CancelToken, **kwargs) -> HttpCallbackSink:
    kwargs.setdefault("interval", 0.05)
    kwargs.setdefault("first_backoff", 0.02)
    return HttpCallbackSink(server.callback_url, TOKEN, cancel, **kwargs)


def test_points_become_contract_json_with_non_finite_numbers_as_null() -> None:
    point = MetricPoint(step=3, epoch=0.5, training_loss=math.nan, validation_loss=math.inf, learning_rate=1e-4,
                        grad_norm=-math.inf, throughput=100.0, tokens_trained=640, gpu_utilization=None)
    body = point.to_json()
    assert body["trainingLoss"] is None and body["validationLoss"] is None and body["gradNorm"] is None
    assert body["learningRate"] == 1e-4 and body["tokensTrained"] == 640
    assert set(body) == {"step", "epoch", "trainingLoss", "validationLoss", "learningRate", "gradNorm", "throughput",
                         "tokensTrained", "gpuUtilization", "recordedAt"}
    assert body["recordedAt"].endswith("Z")
    json.dumps(body, allow_nan=False)


def test_status_folder_keeps_status_and_points(tmp_path: Path) -> None:
    sink = StatusDirSink(tmp_path)
    reporter = Reporter("job-1", "ext-1", [sink])
    reporter.start()
    reporter.update(state="RUNNING", stage="TRAINING", total_steps=2, total_epochs=1)
    reporter.add_point(MetricPoint(step=1, epoch=0.5, training_loss=2.0))
    status = json.loads((tmp_path / "status.json").read_text())
    assert status["state"] == "RUNNING" and status["step"] == 1 and status["totalSteps"] == 2
    reporter.add_point(MetricPoint(step=2, epoch=1.0, training_loss=1.5, validation_loss=1.7))
    reporter.finish("COMPLETED", artifacts=[{"name": "adapter_config.json"}])
    reporter.close(1)
    status = json.loads((tmp_path / "status.json").read_text())
    assert set(status) == {"state", "stage", "step", "totalSteps", "epoch", "totalEpochs", "error", "artifacts",
                           "startedAt", "finishedAt"}
    assert status["state"] == "COMPLETED" and status["step"] == 2 and status["epoch"] == 1.0
    assert status["artifacts"] == [{"name": "adapter_config.json"}] and status["finishedAt"]
    points = [json.loads(line) for line in (tmp_path / "points.jsonl").read_text().splitlines()]
    assert [p["step"] for p in points] == [1, 2] and points[1]["validationLoss"] == 1.7
    assert not list(tmp_path.glob(".status.json.*"))  # no temporary file left behind


def test_a_503_is_retried_with_the_same_delivery_id_and_body(server) -> None:
    server.callback_statuses = [503, 503]
    cancel = CancelToken()
    reporter = Reporter("job-1", "ext-1", [sink_for(server, cancel)])
    reporter.start()
    reporter.update(state="RUNNING", stage="TRAINING", total_steps=3, total_epochs=1)
    for step in (1, 2, 3):
        reporter.add_point(MetricPoint(step=step, epoch=step / 3, training_loss=3.0 - step))
    reporter.finish("FAILED", error={"code": "CUDA_OOM", "message": "out of memory"})
    reporter.close(5)

    raw = server.recorded("POST", "/callback")
    # The first delivery was tried three times, byte for byte the same.
    assert raw[0].body == raw[1].body == raw[2].body
    run = raw[0].json()["deliveryId"].split(":")[1]
    assert raw[0].json()["deliveryId"] == f"ext-1:{run}:1"
    assert raw[0].headers["X-Callback-Token"] == TOKEN
    # Applying each delivery once, as the server does, gives every point once, in order, and the end state.
    accepted = server.accepted_callbacks()
    assert [b["deliveryId"] for b in accepted] == [f"ext-1:{run}:{i}" for i in range(1, len(accepted) + 1)]
    assert [p["step"] for p in server.points()] == [1, 2, 3]
    assert accepted[-1]["state"] == "FAILED" and accepted[-1]["error"]["code"] == "CUDA_OOM"
    # A redelivery is harmless: applying every received body (duplicates too) changes nothing.
    bodies = {b["deliveryId"]: b for b in server.callbacks()}
    assert list(bodies.values()) == accepted
    assert not cancel.cancelled


def test_heartbeats_while_nothing_happens_and_points_batched(server) -> None:
    cancel = CancelToken()
    sink = sink_for(server, cancel, interval=0.1)
    reporter = Reporter("job-1", "ext-1", [sink])
    reporter.start()
    reporter.update(state="RUNNING", stage="TRAINING", total_steps=100, total_epochs=1)
    time.sleep(0.2)
    for step in range(1, 51):
        reporter.add_point(MetricPoint(step=step, epoch=step / 100))
    time.sleep(0.55)
    reporter.close(2)
    bodies = server.accepted_callbacks()
    heartbeats = [b for b in bodies if b["state"] == "RUNNING" and not b["points"]]
    assert len(heartbeats) >= 3
    with_points = [b for b in bodies if b["points"]]
    assert len(with_points) < 10  # 50 points went in a few deliveries
    assert [p["step"] for p in server.points()] == list(range(1, 51))
    assert all(set(b) >= {"deliveryId", "externalId", "jobId", "state", "stage", "step", "totalSteps", "epoch",
                          "points", "artifacts", "error", "sentAt"} for b in bodies)


def test_a_409_cancels_the_run_and_stops_sending(server) -> None:
    server.callback_statuses = [200, 409]
    cancel = CancelToken()
    reporter = Reporter("job-1", "ext-1", [sink_for(server, cancel)])
    reporter.start()
    reporter.update(state="RUNNING", stage="TRAINING", total_steps=3, total_epochs=1)
    assert cancel.wait(2)
    assert cancel.reason == SERVER_ENDED_JOB
    reporter.add_point(MetricPoint(step=1, epoch=0.3))
    reporter.finish("CANCELLED")
    reporter.close(1)
    assert len(server.recorded("POST", "/callback")) == 2  # nothing after the 409, not even CANCELLED


def test_close_gives_up_on_a_server_that_stays_down(server) -> None:
    server.callback_statuses = [503] * 1000
    cancel = CancelToken()
    sink = sink_for(server, cancel)
    reporter = Reporter("job-1", "ext-1", [sink])
    reporter.start()
    reporter.finish("FAILED", error={"code": "TRAINER_CRASHED", "message": "x"})
    started = time.monotonic()
    reporter.close(0.5)
    assert time.monotonic() - started < 1.5
    assert sink.lost >= 1
