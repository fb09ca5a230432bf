"""Real LoRA training of the tiny model through run_job: learning, metrics, artifacts, cancellation and failures."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import torch
from conftest import JOB_ID, chat_rows, jsonl, run_spec, v4_rows
from fake_server import TOKEN, RunningServer

from brightrun_trainer.cancel import CancelToken
from brightrun_trainer.data import to_messages, tokenize_example
from brightrun_trainer.report import SERVER_ENDED_JOB, Event
from brightrun_trainer.run import TrainerOptions

LLAMA_PROJECTIONS = ["down_proj", "gate_proj", "k_proj", "o_proj", "q_proj", "up_proj", "v_proj"]


@pytest.fixture(scope="module")
def completed(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path) -> dict[str, Any]:
    """One real run, shared by the tests that read its results: 16 examples (8 repeated), 10 epochs, 40 steps."""
    running = RunningServer()
    server = running.state
    try:
        spec = {
            "jobId": JOB_ID,
            "callbackUrl": server.callback_url,
            "callbackToken": TOKEN,
            "artifactsUrl": server.artifacts_url,
            "datasetUrl": server.dataset_url("data.jsonl", jsonl(chat_rows(copies=2))),
            "datasetFormat": "CHAT_JSONL",
            "datasetTokens": 2000,
            "datasetExamples": 16,
            "hyperparameters": {
                "epochs": 10, "learningRate": 1e-2, "batchSize": 4, "loraRank": 8, "loraAlpha": 16,
                "loraDropout": 0.0, "maxSeqLength": 128, "warmupRatio": 0.1, "gradientAccumulation": 1,
                "quantization": "NONE",
            },
            "baseModel": {"id": "brightrun/tiny", "path": str(tiny_model), "parametersB": 0.0002, "hiddenSize": 64,
                          "numLayers": 2},
            "gpu": {"type": "A100-80GB", "count": 1},
        }
        work = tmp_path_factory.mktemp("completed-run")
        outcome = run_spec(spec, work)
        return {"outcome": outcome, "server": server, "work": work, "tiny_model": tiny_model}
    finally:
        running.stop()


def test_the_training_loss_falls_by_half(completed) -> None:
    outcome, server = completed["outcome"], completed["server"]
    assert outcome.state == "COMPLETED", outcome.error
    losses = [p["trainingLoss"] for p in server.points()]
    assert len(losses) == 40
    first = sum(losses[:2]) / 2
    last = sum(losses[-5:]) / 5
    assert last <= first / 2, f"loss went from {first:.3f} to {last:.3f}"
    summary = outcome.summary
    assert summary["final_validation_loss"] < summary["best_validation_loss"] * 1.5
    assert summary["device"] == "cpu" and summary["precision"] == "fp32"


def test_one_point_per_optimizer_step_with_the_validation_loss_at_its_step(completed) -> None:
    outcome, server = completed["outcome"], completed["server"]
    points = server.points()
    assert [p["step"] for p in points] == list(range(1, 41))
    evaluated = [p["step"] for p in points if p["validationLoss"] is not None]
    assert evaluated == [4, 8, 12, 16, 20, 24, 28, 32, 36, 40]  # about ten per run, the last step included
    assert all(p["trainingLoss"] is not None and p["learningRate"] is not None and p["gradNorm"] is not None
               for p in points)
    tokens = [p["tokensTrained"] for p in points]
    assert tokens == sorted(tokens) and tokens[-1] == outcome.summary["tokens_trained"]
    assert all(p["throughput"] > 0 for p in points)
    assert all(p["gpuUtilization"] is None for p in points)
    # Warm-up to the peak, then cosine decay toward zero.
    rates = [p["learningRate"] for p in points]
    assert max(rates) == pytest.approx(1e-2, rel=0.05) and rates[-1] < 1e-3
    assert outcome.last_point == points[-1]


def test_states_and_stages_in_order_and_completed_with_artifacts(completed) -> None:
    outcome, server = completed["outcome"], completed["server"]
    bodies = server.accepted_callbacks()
    run = bodies[0]["deliveryId"].split(":")[1]
    assert [b["deliveryId"] for b in bodies] == [f"local-test-1:{run}:{i}" for i in range(1, len(bodies) + 1)]
    states = [(b["state"], b["stage"]) for b in bodies]
    assert states[0] == ("INITIALIZING", "LOADING_MODEL")
    assert ("RUNNING", "EVALUATING") in states and ("RUNNING", "UPLOADING_ARTIFACTS") in states
    final = bodies[-1]
    assert final["state"] == "COMPLETED" and final["step"] == 40 and final["totalSteps"] == 40
    assert final["epoch"] == pytest.approx(10.0) and final["error"] is None
    names = sorted(a["name"] for a in final["artifacts"])
    assert names == sorted([
        "adapter_config.json", "adapter_model.safetensors", "chat_template.jinja", "tokenizer.json",
        "tokenizer_config.json", "training_args.json", "training_summary.json",
    ])
    assert final["artifacts"] == outcome.artifacts
    assert outcome.completed_output()["artifacts"] == outcome.artifacts


def test_each_artifact_uploaded_with_its_headers_size_and_sha256(completed) -> None:
    outcome, server = completed["outcome"], completed["server"]
    asked = server.recorded("POST", "/artifacts")
    assert len(asked) == 1 and asked[0].headers["X-Callback-Token"] == TOKEN
    assert asked[0].json() == {"jobId": JOB_ID, "files": [
        {key: a[key] for key in ("name", "size", "sha256", "contentType")} for a in outcome.artifacts
    ]}
    for artifact in outcome.artifacts:
        data = server.uploads[artifact["name"]]
        assert artifact["size"] == len(data)
        assert artifact["sha256"] == hashlib.sha256(data).hexdigest()
        assert artifact["url"] == f"{server.base}/upload/{artifact['name']}"  # no query string
        assert server.upload_headers[artifact["name"]]["X-Upload-Check"] == artifact["sha256"][:8]
        assert server.upload_headers[artifact["name"]]["Content-Type"] == artifact["contentType"]
    summary = json.loads(server.uploads["training_summary.json"])
    assert summary["steps"] == 40 and summary["chat_template_source"] == "tokenizer"
    assert summary["versions"]["transformers"]
    args = json.loads(server.uploads["training_args.json"])
    assert args["lr_scheduler_type"] == "cosine" and args["gradient_accumulation_steps"] == 1
    assert args["learning_rate"] == 1e-2 and args["target_modules"] == LLAMA_PROJECTIONS


def test_the_adapter_loads_with_peft_and_changes_the_logits(completed, tmp_path: Path) -> None:
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    server, tiny_model = completed["server"], completed["tiny_model"]
    for name, data in server.uploads.items():
        (tmp_path / name).write_bytes(data)
    config = json.loads((tmp_path / "adapter_config.json").read_text())
    assert config["peft_type"] == "LORA" and config["r"] == 8 and config["lora_alpha"] == 16
    assert sorted(config["target_modules"]) == LLAMA_PROJECTIONS

    tokenizer = AutoTokenizer.from_pretrained(tmp_path)  # the uploaded tokenizer, with its chat template
    example, _ = tokenize_example(tokenizer, to_messages(chat_rows(copies=1)[0], "CHAT_JSONL"), 128)
    inputs = {"input_ids": torch.tensor([example.input_ids]), "labels": torch.tensor([example.labels])}
    base = AutoModelForCausalLM.from_pretrained(tiny_model)
    tuned = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny_model), tmp_path)
    with torch.no_grad():
        base_out, tuned_out = base(**inputs), tuned(**inputs)
    assert not torch.allclose(base_out.logits, tuned_out.logits, atol=1e-3)
    # The adapter learnt the answers: their loss is far below the base model's.
    assert tuned_out.loss < base_out.loss / 2


def test_brightrun_v4_dataset_trains(make_spec, server, tmp_path: Path) -> None:
    spec = make_spec(v4_rows() * 2, dataset_format="BRIGHTRUN_LORA_V4", epochs=1)
    outcome = run_spec(spec, tmp_path)
    assert outcome.state == "COMPLETED", outcome.error
    assert outcome.summary["train_examples"] + outcome.summary["validation_examples"] == 16
    assert outcome.summary["dropped_examples"] == 0
    assert len(server.points()) == outcome.step == outcome.total_steps


class CancelAtStep:
    """A sink that cancels the run when it sees a given step's point (as a signal would, between two steps)."""

    def __init__(self, cancel: CancelToken, step: int) -> None:
        self.cancel, self.step = cancel, step
        self.events: list[Event] = []

    def send(self, event: Event) -> None:
        self.events.append(event)
        if any(point["step"] >= self.step for point in event.points):
            self.cancel.cancel("test asked")

    def close(self, timeout: float) -> None:
        pass


def test_cancellation_stops_within_one_optimizer_step_and_uploads_nothing(make_spec, server, tmp_path: Path) -> None:
    cancel = CancelToken()
    watcher = CancelAtStep(cancel, step=3)
    spec = make_spec(chat_rows(copies=4), epochs=20)
    outcome = run_spec(spec, tmp_path, cancel=cancel, extra_sinks=[watcher])
    assert outcome.state == "CANCELLED" and outcome.cancel_reason == "test asked"
    # Step 3's point is handed over as step 4 begins, and step 4 does not run.
    assert outcome.step == 3 and outcome.total_steps > 100
    assert [p["step"] for p in server.points()] == [1, 2, 3]
    assert server.recorded("POST", "/artifacts") == [] and server.uploads == {}
    final = server.accepted_callbacks()[-1]
    assert final["state"] == "CANCELLED" and final["artifacts"] == [] and final["error"] is None
    assert watcher.events[-1].state == "CANCELLED"


def test_a_409_from_the_callback_stops_the_trainer(make_spec, server, tmp_path: Path) -> None:
    def answer_409_after_step_2(body: dict[str, Any]) -> None:
        if any(point["step"] >= 2 for point in body["points"]):
            server.callback_statuses.append(409)

    server.on_callback = answer_409_after_step_2
    spec = make_spec(chat_rows(copies=4), epochs=200)
    outcome = run_spec(spec, tmp_path)
    assert outcome.state == "CANCELLED" and outcome.cancel_reason == SERVER_ENDED_JOB
    assert outcome.step < 200 < outcome.total_steps
    raw = server.recorded("POST", "/callback")
    assert raw[-1].json()["state"] == "RUNNING"  # the 409'd delivery was the last one sent: no CANCELLED after it
    assert server.recorded("POST", "/artifacts") == [] and server.uploads == {}


def test_a_non_finite_loss_fails_as_training_diverged(make_spec, server, tmp_path: Path) -> None:
    outcome = run_spec(make_spec(learningRate=1e30, epochs=3), tmp_path)
    assert outcome.state == "FAILED" and outcome.error["code"] == "TRAINING_DIVERGED"
    final = server.accepted_callbacks()[-1]
    assert final["state"] == "FAILED" and final["error"] == outcome.error
    assert server.uploads == {}


def test_nf4_without_cuda_is_refused_before_the_model_loads(make_spec, server, tmp_path: Path, monkeypatch) -> None:
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    import transformers

    def must_not_load(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(transformers.AutoModelForCausalLM, "from_pretrained", must_not_load)
    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", must_not_load)
    spec = make_spec(quantization="NF4", raw={"baseModel": {"id": "meta-llama/Llama-3.1-70B", "parametersB": 70,
                                                             "hiddenSize": 8192, "numLayers": 80}})
    outcome = run_spec(spec, tmp_path)
    assert outcome.state == "FAILED" and outcome.error["code"] == "QUANTIZATION_UNSUPPORTED"
    assert server.recorded("GET", "/datasets/data.jsonl") == []  # not even the dataset was fetched
    final = server.accepted_callbacks()[-1]
    assert final["state"] == "FAILED" and final["error"]["code"] == "QUANTIZATION_UNSUPPORTED"
    assert final["stage"] == "LOADING_MODEL" and final["step"] == 0


def test_an_unavailable_base_model_and_a_refused_upload(make_spec, server, tmp_path: Path) -> None:
    outcome = run_spec(make_spec(raw={"baseModel": {"id": "nobody/none", "path": str(tmp_path / "missing")}}),
                       tmp_path / "a")
    assert outcome.state == "FAILED" and outcome.error["code"] == "BASE_MODEL_UNAVAILABLE"

    server.artifacts_statuses = [503, 413]
    outcome = run_spec(make_spec(), tmp_path / "b", options=TrainerOptions(flush_interval=0.05, upload_attempts=3))
    assert outcome.state == "FAILED" and outcome.error["code"] == "UPLOAD_FAILED" and "413" in outcome.error["message"]
    assert len(server.recorded("POST", "/artifacts")) == 2  # the 503 was retried, the 413 was not


def test_a_transient_upload_failure_is_retried(make_spec, server, tmp_path: Path) -> None:
    server.upload_statuses = [500]
    outcome = run_spec(make_spec(), tmp_path, options=TrainerOptions(flush_interval=0.05))
    assert outcome.state == "COMPLETED", outcome.error
    assert len(server.recorded("PUT", "/upload/adapter_model.safetensors")) == 2  # first file, retried once
    assert len(server.uploads) == len(outcome.artifacts)


def test_an_upload_that_already_landed_counts_as_done(make_spec, server, tmp_path: Path) -> None:
    # A create-only URL answers 409 when an earlier attempt stored the file and only its answer was lost.
    server.upload_statuses = [409]
    outcome = run_spec(make_spec(), tmp_path, options=TrainerOptions(flush_interval=0.05))
    assert outcome.state == "COMPLETED", outcome.error
    assert len(server.recorded("PUT", "/upload/adapter_model.safetensors")) == 1
    server.upload_statuses = [403]
    outcome = run_spec(make_spec(), tmp_path / "refused", options=TrainerOptions(flush_interval=0.05))
    assert outcome.state == "FAILED" and outcome.error["code"] == "UPLOAD_FAILED"


def test_runpod_style_run_returns_the_completion_without_posting_it(make_spec, server, tmp_path: Path) -> None:
    outcome = run_spec(make_spec(), tmp_path, post_completed=False)
    assert outcome.state == "COMPLETED"
    assert all(body["state"] != "COMPLETED" for body in server.callbacks())
    output = outcome.completed_output()
    assert output["step"] == output["totalSteps"] == outcome.step and output["artifacts"]
    assert output["lastPoint"]["step"] == outcome.step and output["totalEpochs"] == 1
