"""Shared fixtures: the tiny model (made once), the fake server, datasets and job specs."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from fake_server import TOKEN, FakeServer, RunningServer  # noqa: E402

from brightrun_trainer.testing import make_tiny_model  # noqa: E402

JOB_ID = "7d4c2b8e-1f0a-4c3e-9b6d-2a5e8f1c0d9b"

QA = [
    ("What is two plus two?", "Two plus two is four."),
    ("What is the capital of France?", "The capital of France is Paris."),
    ("Translate hello into Spanish.", "Hola."),
    ("Tell me a joke.", "Why did the programmer quit his job? Because he did not get arrays."),
    ("What is ten times three?", "Ten times three is thirty."),
    ("How do I bake bread?", "Mix flour, water, salt and yeast, knead the dough, let it rise and bake it."),
    ("Write a haiku about autumn.", "Leaves drift on cold wind, the river carries them home, quiet evening light."),
    ("Translate thank you into French.", "Merci beaucoup."),
]


def chat_rows(copies: int = 3, system: bool = True) -> list[dict[str, Any]]:
    rows = []
    for _ in range(copies):
        for question, answer in QA:
            messages = [{"role": "system", "content": "You are a helpful assistant."}] if system else []
            messages += [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
            rows.append({"messages": messages})
    return rows


def v4_rows() -> list[dict[str, Any]]:
    rows = []
    for index, (question, answer) in enumerate(QA):
        rows.append(
            {
                "conversation_id": f"c{index}",
                "turn": 2,
                "system_prompt": "You are a helpful assistant.",
                "conversation_history": [
                    {"role": "user", "content": "Hello."},
                    {"role": "assistant", "content": "Hola."},
                ],
                "current_user_input": question,
                "target_response": answer,
            }
        )
    return rows


def jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_model(tmp_path_factory.mktemp("tiny-model"))


@pytest.fixture(scope="session")
def tiny_model_no_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_model(tmp_path_factory.mktemp("tiny-model-plain"), chat_template=False)


@pytest.fixture
def server() -> Iterator[FakeServer]:
    running = RunningServer()
    yield running.state
    running.stop()


SpecMaker = Callable[..., dict[str, Any]]


@pytest.fixture
def make_spec(server: FakeServer, tiny_model: Path) -> SpecMaker:
    """A job spec JSON for the tiny model and the fake server; keyword arguments override hyperparameters,
    `rows`/`dataset_format` set the dataset, `raw` entries override top-level fields."""

    def make(
        rows: list[dict[str, Any]] | None = None,
        dataset_format: str = "CHAT_JSONL",
        model: Path | None = None,
        raw: dict[str, Any] | None = None,
        **hyperparameters: Any,
    ) -> dict[str, Any]:
        rows = chat_rows() if rows is None else rows
        spec = {
            "jobId": JOB_ID,
            "callbackUrl": server.callback_url,
            "callbackToken": TOKEN,
            "artifactsUrl": server.artifacts_url,
            "datasetUrl": server.dataset_url("data.jsonl", jsonl(rows)),
            "datasetFormat": dataset_format,
            "datasetTokens": 1000,
            "datasetExamples": len(rows),
            "hyperparameters": {
                "epochs": 1,
                "learningRate": 2e-3,
                "batchSize": 4,
                "loraRank": 8,
                "loraAlpha": 16,
                "loraDropout": 0.0,
                "maxSeqLength": 128,
                "warmupRatio": 0.1,
                "gradientAccumulation": 1,
                "quantization": "NONE",
                **hyperparameters,
            },
            "baseModel": {
                "id": "brightrun/tiny-llama",
                "path": str(model or tiny_model),
                "parametersB": 0.0002,
                "hiddenSize": 64,
                "numLayers": 2,
            },
            "gpu": {"type": "A100-80GB", "count": 1},
        }
        spec.update(raw or {})
        return spec

    return make


def run_spec(
    spec: dict[str, Any],
    work_dir: Path,
    *,
    options: Any = None,
    extra_sinks: list[Any] | None = None,
    cancel: Any = None,
    external_id: str = "local-test-1",
    post_completed: bool = True,
) -> Any:
    """Runs run_job in this process with the HTTP callback sink (posting quickly) and any extra sinks."""
    from brightrun_trainer.cancel import CancelToken
    from brightrun_trainer.run import TrainerOptions, callback_sink, run_job
    from brightrun_trainer.spec import parse_spec

    options = options or TrainerOptions(flush_interval=0.05, close_timeout=10)
    parsed = parse_spec(spec)
    cancel = cancel or CancelToken()
    sinks = [callback_sink(parsed, cancel, options), *(extra_sinks or [])]
    return run_job(parsed, external_id, sinks, cancel, work_dir, options, post_completed=post_completed)
