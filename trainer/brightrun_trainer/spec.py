"""The job spec (CONTRACT.md "Input") as dataclasses, read from its JSON and checked; a bad one is INVALID_SPEC."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal, Mapping

from .errors import TrainerError

DatasetFormat = Literal["CHAT_JSONL", "BRIGHTRUN_LORA_V4"]
Quantization = Literal["NF4", "INT8", "NONE"]
DATASET_FORMATS: tuple[DatasetFormat, ...] = ("CHAT_JSONL", "BRIGHTRUN_LORA_V4")
QUANTIZATIONS: tuple[Quantization, ...] = ("NF4", "INT8", "NONE")


@dataclass(frozen=True)
class Hyperparameters:
    epochs: int
    learning_rate: float
    batch_size: int
    lora_rank: int
    lora_alpha: float
    lora_dropout: float
    max_seq_length: int
    warmup_ratio: float
    gradient_accumulation: int
    quantization: Quantization


@dataclass(frozen=True)
class BaseModel:
    id: str
    #: A local folder to load instead of the hub id.
    path: str | None
    parameters_b: float
    hidden_size: int
    num_layers: int

    @property
    def source(self) -> str:
        """What `from_pretrained` is given: the local folder when there is one, else the hub id."""
        return self.path or self.id


@dataclass(frozen=True)
class Gpu:
    type: str | None
    count: int


@dataclass(frozen=True)
class JobSpec:
    job_id: str
    callback_url: str
    callback_token: str
    artifacts_url: str
    #: A signed http(s) URL, or (local runs and tests) a file path or file:// URL.
    dataset_url: str
    dataset_format: DatasetFormat
    dataset_tokens: int
    dataset_examples: int
    hyperparameters: Hyperparameters
    base_model: BaseModel
    gpu: Gpu


def parse_spec(raw: Any) -> JobSpec:
    """Reads the job spec JSON object; raises TrainerError(INVALID_SPEC) naming every bad field at once."""
    reader = _Reader()
    if not isinstance(raw, Mapping):
        raise TrainerError("INVALID_SPEC", f"The job spec must be a JSON object, not {_type_name(raw)}.")
    hp = reader.object(raw, "hyperparameters")
    model = reader.object(raw, "baseModel")
    gpu = reader.object(raw, "gpu", required=False)
    spec = JobSpec(
        job_id=reader.string(raw, "jobId"),
        callback_url=reader.url(raw, "callbackUrl"),
        callback_token=reader.string(raw, "callbackToken"),
        artifacts_url=reader.url(raw, "artifactsUrl"),
        dataset_url=reader.string(raw, "datasetUrl"),
        dataset_format=reader.choice(raw, "datasetFormat", DATASET_FORMATS),
        dataset_tokens=reader.integer(raw, "datasetTokens", minimum=0, default=0),
        dataset_examples=reader.integer(raw, "datasetExamples", minimum=0, default=0),
        hyperparameters=Hyperparameters(
            epochs=reader.integer(hp, "epochs", minimum=1, at="hyperparameters"),
            learning_rate=reader.number(hp, "learningRate", above=0, at="hyperparameters"),
            batch_size=reader.integer(hp, "batchSize", minimum=1, at="hyperparameters"),
            lora_rank=reader.integer(hp, "loraRank", minimum=1, at="hyperparameters"),
            lora_alpha=reader.number(hp, "loraAlpha", above=0, at="hyperparameters"),
            lora_dropout=reader.number(hp, "loraDropout", minimum=0, below=1, at="hyperparameters"),
            max_seq_length=reader.integer(hp, "maxSeqLength", minimum=2, at="hyperparameters"),
            warmup_ratio=reader.number(hp, "warmupRatio", minimum=0, maximum=1, at="hyperparameters"),
            gradient_accumulation=reader.integer(hp, "gradientAccumulation", minimum=1, at="hyperparameters"),
            quantization=reader.choice(hp, "quantization", QUANTIZATIONS, at="hyperparameters"),
        ),
        base_model=BaseModel(
            id=reader.string(model, "id", at="baseModel"),
            path=reader.string(model, "path", at="baseModel", required=False),
            parameters_b=reader.number(model, "parametersB", minimum=0, at="baseModel", default=0.0),
            hidden_size=reader.integer(model, "hiddenSize", minimum=0, at="baseModel", default=0),
            num_layers=reader.integer(model, "numLayers", minimum=0, at="baseModel", default=0),
        ),
        gpu=Gpu(
            type=reader.string(gpu, "type", at="gpu", required=False),
            count=reader.integer(gpu, "count", minimum=0, at="gpu", default=0),
        ),
    )
    if reader.problems:
        raise TrainerError("INVALID_SPEC", "The job spec is invalid: " + "; ".join(reader.problems) + ".")
    return spec


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


class _Reader:
    """Reads fields, collecting every problem instead of stopping at the first; bad fields read as a stand-in."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def _get(self, obj: Mapping[str, Any], key: str, at: str | None, required: bool) -> tuple[str, Any]:
        path = f"{at}.{key}" if at else key
        value = obj.get(key)
        if value is None and required:
            self.problems.append(f"{path} is missing")
        return path, value

    def object(self, obj: Mapping[str, Any], key: str, *, required: bool = True) -> Mapping[str, Any]:
        path, value = self._get(obj, key, None, required)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.problems.append(f"{path} must be an object, not {_type_name(value)}")
            return {}
        return value

    def string(self, obj: Mapping[str, Any], key: str, *, at: str | None = None, required: bool = True) -> Any:
        path, value = self._get(obj, key, at, required)
        if value is None:
            return None if not required else ""
        if not isinstance(value, str) or (required and value == ""):
            self.problems.append(f"{path} must be a non-empty string")
            return ""
        return value or None

    def url(self, obj: Mapping[str, Any], key: str) -> str:
        value = self.string(obj, key)
        if value and not value.startswith(("http://", "https://")):
            self.problems.append(f"{key} must be an http(s) URL")
        return value

    def choice(self, obj: Mapping[str, Any], key: str, options: tuple[str, ...], *, at: str | None = None) -> Any:
        path, value = self._get(obj, key, at, True)
        if value is not None and value not in options:
            self.problems.append(f"{path} must be one of {', '.join(options)}, not {value!r}")
        return value

    def number(
        self,
        obj: Mapping[str, Any],
        key: str,
        *,
        at: str | None = None,
        above: float | None = None,
        minimum: float | None = None,
        below: float | None = None,
        maximum: float | None = None,
        default: float | None = None,
    ) -> float:
        path, value = self._get(obj, key, at, default is None)
        if value is None:
            return default if default is not None else 0.0
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.problems.append(f"{path} must be a finite number, not {_type_name(value)}")
            return default if default is not None else 0.0
        bounds = [
            (above is not None and value <= above, f"greater than {above}"),
            (minimum is not None and value < minimum, f"at least {minimum}"),
            (below is not None and value >= below, f"less than {below}"),
            (maximum is not None and value > maximum, f"at most {maximum}"),
        ]
        for broken, rule in bounds:
            if broken:
                self.problems.append(f"{path} must be {rule}, not {value}")
                break
        return float(value)

    def integer(
        self,
        obj: Mapping[str, Any],
        key: str,
        *,
        at: str | None = None,
        minimum: int | None = None,
        default: int | None = None,
    ) -> int:
        path, value = self._get(obj, key, at, default is None)
        if value is None:
            return default if default is not None else 0
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer():
            self.problems.append(f"{path} must be a whole number, not {value!r}")
            return default if default is not None else 0
        if minimum is not None and value < minimum:
            self.problems.append(f"{path} must be at least {minimum}, not {value}")
        return int(value)
