"""The job spec: read from its JSON, every problem named at once as INVALID_SPEC."""

from __future__ import annotations

import pytest

from brightrun_trainer.errors import TrainerError
from brightrun_trainer.spec import parse_spec


def test_a_valid_spec_reads_into_dataclasses(make_spec) -> None:
    raw = make_spec(gradientAccumulation=2.0)
    spec = parse_spec(raw)
    assert spec.job_id == raw["jobId"] and spec.dataset_format == "CHAT_JSONL"
    assert spec.hyperparameters.gradient_accumulation == 2 and isinstance(spec.hyperparameters.gradient_accumulation, int)
    assert spec.hyperparameters.learning_rate == 2e-3 and spec.hyperparameters.quantization == "NONE"
    assert spec.base_model.source == raw["baseModel"]["path"]
    assert spec.gpu.type == "A100-80GB" and spec.gpu.count == 1


def test_the_hub_id_is_loaded_when_there_is_no_path(make_spec) -> None:
    raw = make_spec()
    del raw["baseModel"]["path"], raw["gpu"]
    spec = parse_spec(raw)
    assert spec.base_model.source == "brightrun/tiny-llama" and spec.gpu.count == 0


def test_every_problem_is_named_at_once(make_spec) -> None:
    raw = make_spec(epochs=0, learningRate="fast", loraDropout=1.0, batchSize=2.5, quantization="FP8",
                    raw={"callbackUrl": "ftp://x", "datasetFormat": "CSV"})
    del raw["jobId"], raw["hyperparameters"]["maxSeqLength"]
    with pytest.raises(TrainerError) as error:
        parse_spec(raw)
    assert error.value.code == "INVALID_SPEC"
    for field in ("jobId", "callbackUrl", "datasetFormat", "hyperparameters.epochs", "hyperparameters.learningRate",
                  "hyperparameters.loraDropout", "hyperparameters.batchSize", "hyperparameters.quantization",
                  "hyperparameters.maxSeqLength"):
        assert field in error.value.message


@pytest.mark.parametrize("raw", [None, [], "job", {"hyperparameters": "x"}])
def test_not_a_spec(raw) -> None:
    with pytest.raises(TrainerError) as error:
        parse_spec(raw)
    assert error.value.code == "INVALID_SPEC"
