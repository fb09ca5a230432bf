"""The trainer's failures, each with the error code the server knows (CONTRACT.md "Error codes")."""

from __future__ import annotations

from typing import Literal

ErrorCode = Literal[
    "QUANTIZATION_UNSUPPORTED",
    "INVALID_SPEC",
    "DATASET_UNREADABLE",
    "DATASET_EMPTY",
    "BASE_MODEL_UNAVAILABLE",
    "TRAINING_DIVERGED",
    "CUDA_OOM",
    "UPLOAD_FAILED",
    "TRAINER_CRASHED",
]

MAX_MESSAGE_LENGTH = 2000


class TrainerError(Exception):
    """A failure the trainer reports as FAILED with `{code, message}`."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message[:MAX_MESSAGE_LENGTH]

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def as_trainer_error(error: BaseException) -> TrainerError:
    """Reads any exception as a TrainerError: CUDA out of memory as CUDA_OOM, anything unknown as TRAINER_CRASHED."""
    if isinstance(error, TrainerError):
        return error
    if _is_cuda_oom(error):
        return TrainerError("CUDA_OOM", f"The GPU ran out of memory: {error}")
    text = str(error) or type(error).__name__
    return TrainerError("TRAINER_CRASHED", f"{type(error).__name__}: {text}")


def _is_cuda_oom(error: BaseException) -> bool:
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is always installed with the trainer
        return False
    out_of_memory = getattr(torch, "OutOfMemoryError", None) or torch.cuda.OutOfMemoryError
    return isinstance(error, out_of_memory) or (
        isinstance(error, RuntimeError) and "CUDA out of memory" in str(error)
    )
