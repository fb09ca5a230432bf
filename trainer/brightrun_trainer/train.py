"""Trains the LoRA model with transformers' Trainer and turns its logs into one metric point per optimizer step."""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from transformers import PrinterCallback, Trainer, TrainerCallback, TrainingArguments

from .cancel import CancelToken, Cancelled
from .data import PaddingCollator, PreparedData
from .errors import TrainerError
from .model import Precision
from .report import MetricPoint, Reporter
from .spec import Hyperparameters


def seed_for(job_id: str) -> int:
    """The run's random seed, derived from the job id: the same job trains the same way."""
    return int.from_bytes(hashlib.sha256(job_id.encode("utf-8")).digest()[:4], "big")


@dataclass(frozen=True)
class StepPlan:
    steps_per_epoch: int
    total_steps: int
    total_epochs: int
    warmup_steps: int
    #: Evaluate every this many steps (and at the last one); 0 when there is no validation split.
    eval_every: int


def plan_steps(
    train_examples: int,
    hp: Hyperparameters,
    *,
    has_validation: bool,
    evaluations: int = 10,
    eval_every: int | None = None,
    max_steps: int | None = None,
) -> StepPlan:
    """Optimizer steps as the Trainer counts them (a last short accumulation still makes a step)."""
    batches = math.ceil(train_examples / hp.batch_size)
    steps_per_epoch = max(1, math.ceil(batches / hp.gradient_accumulation))
    total_steps = steps_per_epoch * hp.epochs
    if max_steps:
        total_steps = min(total_steps, max_steps)
    every = 0
    if has_validation:
        every = eval_every or max(1, math.ceil(total_steps / max(1, evaluations)))
    return StepPlan(
        steps_per_epoch=steps_per_epoch,
        total_steps=total_steps,
        total_epochs=math.ceil(total_steps / steps_per_epoch),
        warmup_steps=math.ceil(hp.warmup_ratio * total_steps),
        eval_every=every,
    )


@dataclass
class TrainingResult:
    steps: int
    epoch: float
    tokens_trained: int
    cancelled: bool
    final_training_loss: float | None
    final_validation_loss: float | None
    best_validation_loss: float | None
    best_validation_step: int | None
    #: Seconds in Trainer.train, evaluations included.
    train_runtime: float
    #: Seconds spent evaluating.
    eval_runtime: float
    evaluations: int
    points: list[dict[str, Any]] = field(default_factory=list)

    @property
    def tokens_per_second(self) -> float | None:
        """Training throughput: non-padding tokens over the training time, evaluations left out."""
        seconds = self.train_runtime - self.eval_runtime
        return self.tokens_trained / seconds if seconds > 0 else None


def training_arguments(
    hp: Hyperparameters,
    plan: StepPlan,
    precision: Precision,
    *,
    output_dir: Path,
    seed: int,
    checkpointing: bool,
) -> TrainingArguments:
    """The Trainer's settings: cosine schedule with warm-up, one log per step, no checkpoints, no progress bars."""
    return TrainingArguments(
        output_dir=str(output_dir),
        num_train_epochs=hp.epochs,
        max_steps=plan.total_steps,
        per_device_train_batch_size=hp.batch_size,
        per_device_eval_batch_size=hp.batch_size,
        gradient_accumulation_steps=hp.gradient_accumulation,
        learning_rate=hp.learning_rate,
        lr_scheduler_type="cosine",
        warmup_steps=plan.warmup_steps,
        weight_decay=0.0,
        max_grad_norm=1.0,
        bf16=precision.bf16,
        fp16=precision.fp16,
        use_cpu=precision.device == "cpu",
        activation_checkpointing=checkpointing,
        activation_checkpointing_kwargs={"use_reentrant": False} if checkpointing else None,
        logging_strategy="steps",
        logging_steps=1,
        logging_nan_inf_filter=False,  # a non-finite loss must be seen: it ends the run as TRAINING_DIVERGED
        eval_strategy="steps" if plan.eval_every else "no",
        eval_steps=plan.eval_every or None,
        prediction_loss_only=True,
        save_strategy="no",
        report_to="none",
        disable_tqdm=True,
        log_level="warning",
        include_num_input_tokens_seen="non_padding",
        remove_unused_columns=False,
        dataloader_pin_memory=precision.device == "cuda",
        seed=seed,
        data_seed=seed,
    )


_nvml_missing = False


def gpu_utilization() -> float | None:
    """The GPU's utilisation as a fraction 0..1, as the server stores it (NVML through torch, which gives percent),
    or None without CUDA or NVML."""
    global _nvml_missing
    if _nvml_missing or not torch.cuda.is_available():
        return None
    try:
        return float(torch.cuda.utilization()) / 100.0
    except Exception:  # no pynvml, or NVML unavailable in this container: stop asking
        _nvml_missing = True
        return None


class ReportingCallback(TrainerCallback):
    """Turns the Trainer's logs into one MetricPoint per optimizer step, reports stages, and checks the cancel token.

    HF logs a step's training loss after `on_step_end` and its evaluation (when due) after that, so a step's point is
    held until the next step begins or training ends; then it carries both losses.
    """

    def __init__(self, reporter: Reporter, cancel: CancelToken, plan: StepPlan) -> None:
        self.reporter = reporter
        self.cancel = cancel
        self.plan = plan
        self.pending: MetricPoint | None = None
        self.points: list[dict[str, Any]] = []
        self.last_tokens = 0
        self.mark = time.perf_counter()
        self.eval_runtime = 0.0
        self.evaluations = 0
        self.train_runtime: float | None = None
        self.cancelled = False

    # -- the step's point --

    def _flush(self) -> None:
        if self.pending is not None:
            point, self.pending = self.pending, None
            self.reporter.add_point(point)
            self.points.append(point.to_json())

    def on_train_begin(self, args, state, control, **kwargs):
        self.reporter.update(
            state="RUNNING", stage="TRAINING", total_steps=state.max_steps, total_epochs=self.plan.total_epochs
        )
        self.last_tokens = state.num_input_tokens_seen
        self.mark = time.perf_counter()

    def on_step_begin(self, args, state, control, **kwargs):
        self._flush()
        if self.cancel.cancelled:  # set while the last step was logged or evaluated
            self.cancelled = True
            raise Cancelled(self.cancel.reason)

    def on_step_end(self, args, state, control, **kwargs):
        now = time.perf_counter()
        tokens = state.num_input_tokens_seen
        seconds = now - self.mark
        self.pending = MetricPoint(
            step=state.global_step,
            epoch=state.epoch or 0.0,
            throughput=(tokens - self.last_tokens) / seconds if seconds > 0 else None,
            tokens_trained=tokens,
            gpu_utilization=gpu_utilization(),
        )
        self.last_tokens = tokens
        self.mark = now
        if self.cancel.cancelled:
            self.cancelled = True
            control.should_training_stop = True
            control.should_evaluate = False
            control.should_save = False
        elif control.should_evaluate:
            self.reporter.update(stage="EVALUATING", step=state.global_step, epoch=state.epoch or 0.0)
        return control

    def on_log(self, args, state, control, logs=None, **kwargs):
        logs = logs or {}
        point = self.pending
        if "loss" in logs and point is not None:
            point.training_loss = logs["loss"]
            point.grad_norm = logs.get("grad_norm")
            point.learning_rate = logs.get("learning_rate")
            if not math.isfinite(logs["loss"]):
                self._flush()
                raise TrainerError(
                    "TRAINING_DIVERGED",
                    f"The training loss became {logs['loss']} at step {state.global_step}: lower the learning rate.",
                )
        if "eval_loss" in logs and point is not None:
            point.validation_loss = logs["eval_loss"]
            if not math.isfinite(logs["eval_loss"]):
                self._flush()
                raise TrainerError(
                    "TRAINING_DIVERGED",
                    f"The validation loss became {logs['eval_loss']} at step {state.global_step}.",
                )
        if "train_runtime" in logs:
            self.train_runtime = float(logs["train_runtime"])

    def on_prediction_step(self, args, state, control, **kwargs):
        if self.cancel.cancelled:
            self.cancelled = True
            raise Cancelled(self.cancel.reason)

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        self.evaluations += 1
        self.eval_runtime += float((metrics or {}).get("eval_runtime", 0.0))
        self.reporter.update(stage="TRAINING")
        self.mark = time.perf_counter()  # the next step's time leaves the evaluation out

    def on_train_end(self, args, state, control, **kwargs):
        self._flush()


def run_training(
    model: Any,
    tokenizer: Any,
    data: PreparedData,
    hp: Hyperparameters,
    plan: StepPlan,
    precision: Precision,
    reporter: Reporter,
    cancel: CancelToken,
    *,
    output_dir: Path,
    seed: int,
    checkpointing: bool = False,
) -> TrainingResult:
    """Trains `model` (already LoRA-wrapped) on the prepared data; stops after the step in which `cancel` is set.

    Raises TrainerError TRAINING_DIVERGED on a non-finite loss and CUDA_OOM when the GPU runs out of memory.
    """
    args = training_arguments(hp, plan, precision, output_dir=output_dir, seed=seed, checkpointing=checkpointing)
    callback = ReportingCallback(reporter, cancel, plan)
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=data.train,
        eval_dataset=data.validation or None,
        data_collator=PaddingCollator(tokenizer.pad_token_id, 8 if precision.device == "cuda" else None),
        processing_class=tokenizer,
        callbacks=[callback],
    )
    trainer.remove_callback(PrinterCallback)
    started = time.perf_counter()
    try:
        trainer.train()
    except Cancelled:
        callback._flush()
        callback.cancelled = True
    except torch.cuda.OutOfMemoryError as error:
        raise TrainerError("CUDA_OOM", f"The GPU ran out of memory (lower batchSize or maxSeqLength): {error}") from error
    runtime = callback.train_runtime if callback.train_runtime is not None else time.perf_counter() - started
    evaluated = [p for p in callback.points if p["validationLoss"] is not None]
    best = min(evaluated, key=lambda p: p["validationLoss"]) if evaluated else None
    last = callback.points[-1] if callback.points else None
    return TrainingResult(
        steps=trainer.state.global_step,
        epoch=float(trainer.state.epoch or 0.0),
        tokens_trained=int(trainer.state.num_input_tokens_seen),
        cancelled=callback.cancelled,
        final_training_loss=last["trainingLoss"] if last else None,
        final_validation_loss=evaluated[-1]["validationLoss"] if evaluated else None,
        best_validation_loss=best["validationLoss"] if best else None,
        best_validation_step=best["step"] if best else None,
        train_runtime=runtime,
        eval_runtime=callback.eval_runtime,
        evaluations=callback.evaluations,
        points=callback.points,
    )
