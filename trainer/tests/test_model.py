"""Precision, quantization refusal and LoRA target modules by architecture."""

from __future__ import annotations

import pytest
import torch

from brightrun_trainer.errors import TrainerError
from brightrun_trainer.model import check_quantization, choose_precision, target_modules

needs_no_cuda = pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")


def test_lora_targets_every_linear_projection_by_architecture() -> None:
    llama_like = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
    for model_type in ("llama", "mistral", "qwen2", "qwen3", "gemma", "gemma2"):
        assert target_modules(model_type) == llama_like
    assert target_modules("falcon") == ["query_key_value", "dense", "dense_h_to_4h", "dense_4h_to_h"]
    assert target_modules("gpt2") == "all-linear"


@needs_no_cuda
def test_the_cpu_trains_in_fp32() -> None:
    precision = choose_precision("NONE")
    assert (precision.device, precision.name, precision.dtype) == ("cpu", "fp32", torch.float32)
    assert not precision.bf16 and not precision.fp16


@needs_no_cuda
@pytest.mark.parametrize("quantization", ["NF4", "INT8"])
def test_quantization_without_cuda_is_refused(quantization: str) -> None:
    check_quantization("NONE")
    with pytest.raises(TrainerError) as error:
        choose_precision(quantization)
    assert error.value.code == "QUANTIZATION_UNSUPPORTED" and quantization in error.value.message
