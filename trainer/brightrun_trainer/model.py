"""Loads the base model and tokenizer in the precision the hardware allows and wraps the model with LoRA (peft)."""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from typing import Any

import torch

from .errors import TrainerError
from .spec import BaseModel, Hyperparameters, Quantization

log = logging.getLogger(__name__)

#: Every linear projection of attention and MLP, by architecture (`config.model_type`).
_LLAMA_LIKE = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
TARGET_MODULES: dict[str, list[str]] = {
    **{name: _LLAMA_LIKE for name in ("llama", "mistral", "mixtral", "qwen2", "qwen3", "gemma", "gemma2", "gemma3", "gemma3_text")},
    "falcon": ["query_key_value", "dense", "dense_h_to_4h", "dense_4h_to_h"],
}
#: Models this large (billions of parameters) train with activation checkpointing on CUDA.
CHECKPOINTING_FROM_B = 3.0


@dataclass(frozen=True)
class Precision:
    """Where and how the model trains: `name` is bf16, fp16 (autocast, older CUDA) or fp32 (CPU)."""

    device: str
    name: str
    #: The dtype the base weights are loaded in.
    dtype: torch.dtype
    quantization: Quantization

    @property
    def bf16(self) -> bool:
        return self.name == "bf16"

    @property
    def fp16(self) -> bool:
        return self.name == "fp16"


def check_quantization(quantization: Quantization) -> None:
    """NF4/INT8 need CUDA and bitsandbytes: without them this fails at once with QUANTIZATION_UNSUPPORTED,
    before anything heavy is loaded."""
    if quantization == "NONE":
        return
    if not torch.cuda.is_available():
        raise TrainerError(
            "QUANTIZATION_UNSUPPORTED",
            f"{quantization} quantization needs a CUDA GPU (bitsandbytes), and this machine has none; "
            "train with quantization NONE or on a GPU.",
        )
    try:
        importlib.import_module("bitsandbytes")
    except ImportError as error:
        raise TrainerError(
            "QUANTIZATION_UNSUPPORTED", f"{quantization} quantization needs bitsandbytes, which is not installed: {error}"
        ) from error


def choose_precision(quantization: Quantization, *, use_cpu: bool = False) -> Precision:
    """bf16 where CUDA supports it, fp16 autocast on older CUDA, fp32 on the CPU."""
    check_quantization(quantization)
    if use_cpu or not torch.cuda.is_available():
        return Precision("cpu", "fp32", torch.float32, quantization)
    if torch.cuda.is_bf16_supported():
        return Precision("cuda", "bf16", torch.bfloat16, quantization)
    return Precision("cuda", "fp16", torch.float16, quantization)


def load_tokenizer(base: BaseModel) -> Any:
    """The base model's tokenizer (right padding; the EOS token pads when it has no pad token)."""
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(base.source)
    except Exception as error:
        raise TrainerError("BASE_MODEL_UNAVAILABLE", f"The tokenizer of {base.source} cannot be loaded: {error}") from error
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token or tokenizer.unk_token
    tokenizer.padding_side = "right"
    return tokenizer


def load_model(base: BaseModel, precision: Precision) -> Any:
    """The base model on the training device, in the precision chosen (quantized with bitsandbytes when asked)."""
    from transformers import AutoModelForCausalLM

    kwargs: dict[str, Any] = {"dtype": precision.dtype}
    if precision.device == "cuda":
        kwargs["device_map"] = {"": torch.cuda.current_device()}
    if precision.quantization != "NONE":
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = (
            BitsAndBytesConfig(
                load_in_4bit=True,
                bnb_4bit_quant_type="nf4",
                bnb_4bit_use_double_quant=True,
                bnb_4bit_compute_dtype=precision.dtype,
            )
            if precision.quantization == "NF4"
            else BitsAndBytesConfig(load_in_8bit=True)
        )
    try:
        model = AutoModelForCausalLM.from_pretrained(base.source, **kwargs)
    except torch.cuda.OutOfMemoryError:
        raise
    except Exception as error:
        raise TrainerError("BASE_MODEL_UNAVAILABLE", f"The model {base.source} cannot be loaded: {error}") from error
    model.config.use_cache = False  # the KV cache is for generation; training does not use it
    return model


def uses_checkpointing(base: BaseModel, precision: Precision) -> bool:
    """Activation checkpointing for large models on CUDA: it trades about a fifth of the speed for memory."""
    return precision.device == "cuda" and base.parameters_b >= CHECKPOINTING_FROM_B


def target_modules(model_type: str) -> list[str] | str:
    """The modules LoRA adapts: all linear projections of attention and MLP (peft's "all-linear" for others)."""
    return TARGET_MODULES.get(model_type, "all-linear")


def apply_lora(model: Any, hp: Hyperparameters, *, checkpointing: bool) -> Any:
    """Wraps the model with a LoRA adapter of the spec's rank, alpha and dropout; only the adapter trains."""
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training

    if getattr(model, "is_quantized", False) or getattr(model, "quantization_method", None):
        model = prepare_model_for_kbit_training(
            model,
            use_gradient_checkpointing=checkpointing,
            gradient_checkpointing_kwargs={"use_reentrant": False},
        )
    config = LoraConfig(
        r=hp.lora_rank,
        lora_alpha=hp.lora_alpha,
        lora_dropout=hp.lora_dropout,
        target_modules=target_modules(model.config.model_type),
        bias="none",
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, config)
