"""One training job from spec to artifacts, with its stages reported: what both entry points (local, RunPod) call."""

from __future__ import annotations

import gc
import logging
import os
import platform
import shutil
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .cancel import CancelToken, Cancelled
from .errors import TrainerError, as_trainer_error
from .report import HttpCallbackSink, Reporter, Sink, State
from .spec import JobSpec

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainerOptions:
    """Knobs for tests and benchmarks; the server never sends these, and the defaults are what production runs."""

    #: About this many evaluations per run (plus one at the last step), when eval_every is not given.
    evaluations: int = 10
    #: Evaluate every this many optimizer steps.
    eval_every: int | None = None
    #: Stop after this many optimizer steps (the schedule is planned for them).
    max_steps: int | None = None
    #: The random seed; by default derived from the job id.
    seed: int | None = None
    #: The held-out share of the examples (at least 1, at most max_validation_examples).
    validation_fraction: float = 0.05
    max_validation_examples: int = 200
    #: How often (seconds) the HTTP sink posts while the run goes on.
    flush_interval: float = 1.0
    #: How long (seconds) the sinks get to deliver what is left at the end.
    close_timeout: float = 30.0
    #: Attempts per HTTP request of the upload (asking for URLs, each PUT).
    upload_attempts: int = 4
    #: Train on the CPU even where CUDA is present.
    use_cpu: bool = False


@dataclass
class JobOutcome:
    """How the run ended. `error` is `{code, message}` when FAILED; `summary` is training_summary.json's content."""

    state: State
    error: dict[str, str] | None = None
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] | None = None
    step: int = 0
    total_steps: int = 0
    epoch: float = 0.0
    total_epochs: int = 0
    last_point: dict[str, Any] | None = None
    #: Why it was cancelled (a signal, or "the server ended the job").
    cancel_reason: str | None = None

    def completed_output(self) -> dict[str, Any]:
        """The RunPod handler's return value for a COMPLETED run (server/gpu/runpod/contract.ts completedOutputSchema)."""
        return {
            "step": self.step,
            "totalSteps": self.total_steps,
            "epoch": self.epoch,
            "totalEpochs": self.total_epochs,
            "artifacts": self.artifacts,
            "summary": self.summary,
            "lastPoint": self.last_point,
        }


def callback_sink(spec: JobSpec, cancel: CancelToken, options: TrainerOptions | None = None) -> HttpCallbackSink:
    """The sink that POSTs events to the spec's callback URL (it cancels the run when the server ends the job)."""
    options = options or TrainerOptions()
    return HttpCallbackSink(spec.callback_url, spec.callback_token, cancel, interval=options.flush_interval)


def quiet_libraries() -> None:
    """No progress bars or info chatter from transformers, peft and the hub: the events are the run's output."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    warnings.filterwarnings("ignore", category=FutureWarning, module=r"(transformers|peft)(\.|$)")
    import transformers

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()


def run_job(
    spec: JobSpec,
    external_id: str,
    sinks: Sequence[Sink],
    cancel: CancelToken,
    work_dir: str | Path,
    options: TrainerOptions | None = None,
    post_completed: bool = True,
) -> JobOutcome:
    """Runs one job: LOADING_MODEL (state INITIALIZING) → TRAINING ↔ EVALUATING → SAVING → UPLOADING_ARTIFACTS
    (state RUNNING), reporting every event to `sinks` and closing them before it returns.

    Never raises for a failure of the run: FAILED (with `{code, message}`) and CANCELLED are always reported;
    COMPLETED (with the artifacts) only when `post_completed` (the local entry point; on RunPod the handler returns
    `outcome.completed_output()` instead). `cancel` stops the run after the current optimizer step; nothing is
    uploaded once it is set. `work_dir` receives the downloaded dataset and the saved files.
    """
    options = options or TrainerOptions()
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    reporter = Reporter(spec.job_id, external_id, sinks)
    reporter.start()
    job = _Job(spec, options, reporter, cancel, work_dir)
    try:
        artifacts, summary = job.run()
        outcome = _outcome(reporter, "COMPLETED", artifacts=artifacts, summary=summary)
        if post_completed:
            reporter.finish("COMPLETED", artifacts=artifacts)
    except Cancelled:
        outcome = _cancelled(reporter, cancel, job.summary)
    except BaseException as error:  # noqa: BLE001 - every failure is reported, then the crash goes on if it is not one
        if cancel.cancelled:
            outcome = _cancelled(reporter, cancel, job.summary)
        else:
            trainer_error = as_trainer_error(error)
            if trainer_error.code == "TRAINER_CRASHED":
                log.exception("the trainer crashed")
            reporter.finish("FAILED", error=trainer_error.to_json())
            outcome = _outcome(reporter, "FAILED", error=trainer_error.to_json(), summary=job.summary)
        if not isinstance(error, Exception):  # KeyboardInterrupt, SystemExit: report, close, then let it go on
            reporter.close(options.close_timeout)
            raise
    finally:
        job.release()
    reporter.close(options.close_timeout)
    return outcome


def fail_job(
    error: TrainerError,
    *,
    job_id: str,
    external_id: str,
    sinks: Sequence[Sink],
    close_timeout: float = 30.0,
) -> JobOutcome:
    """Reports FAILED for a job that could not start (an invalid spec) and closes the sinks."""
    reporter = Reporter(job_id, external_id, sinks)
    reporter.finish("FAILED", error=error.to_json())
    reporter.close(close_timeout)
    return _outcome(reporter, "FAILED", error=error.to_json())


def fail_unreadable_spec(
    error: TrainerError, raw: Any, *, external_id: str, cancel: CancelToken, sinks: Sequence[Sink] = ()
) -> JobOutcome:
    """Reports FAILED for a spec that cannot be read to `sinks`, and to the callback URL when the raw input names one
    with its token and job id, so the server hears the code (INVALID_SPEC) instead of waiting for a heartbeat."""
    job_id, url, token = (_text(raw, key) for key in ("jobId", "callbackUrl", "callbackToken"))
    callback = [HttpCallbackSink(url, token, cancel)] if job_id and url and token and url.startswith(("http://", "https://")) else []
    return fail_job(error, job_id=job_id or "unknown", external_id=external_id, sinks=[*callback, *sinks])


def _text(raw: Any, key: str) -> str | None:
    value = raw.get(key) if isinstance(raw, dict) else None
    return value if isinstance(value, str) and value else None


def _outcome(reporter: Reporter, state: State, **fields: Any) -> JobOutcome:
    current = reporter.current
    return JobOutcome(
        state=state,
        step=current.step,
        total_steps=current.total_steps,
        epoch=current.epoch,
        total_epochs=current.total_epochs,
        last_point=reporter.last_point,
        **fields,
    )


def _cancelled(reporter: Reporter, cancel: CancelToken, summary: dict[str, Any] | None) -> JobOutcome:
    log.info("cancelled: %s", cancel.reason)
    reporter.finish("CANCELLED")
    return _outcome(reporter, "CANCELLED", summary=summary, cancel_reason=cancel.reason)


class _Job:
    """The steps of one run; holds the model so it can be freed at the end (a RunPod worker runs many jobs)."""

    def __init__(
        self, spec: JobSpec, options: TrainerOptions, reporter: Reporter, cancel: CancelToken, work_dir: Path
    ) -> None:
        self.spec = spec
        self.options = options
        self.reporter = reporter
        self.cancel = cancel
        self.work_dir = work_dir
        self.model: Any = None
        self.summary: dict[str, Any] | None = None
        self.started = time.perf_counter()

    def check_cancel(self) -> None:
        if self.cancel.cancelled:
            raise Cancelled(self.cancel.reason)

    def run(self) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        from . import model as models  # imports torch: after the event that says the job started

        spec, hp, options = self.spec, self.spec.hyperparameters, self.options
        precision = models.choose_precision(hp.quantization, use_cpu=options.use_cpu)  # QUANTIZATION_UNSUPPORTED first
        quiet_libraries()

        from .artifacts import save_artifacts, upload_artifacts
        from .data import fetch_dataset, prepare_data
        from .train import plan_steps, run_training, seed_for

        dataset = fetch_dataset(spec.dataset_url, self.work_dir)
        self.check_cancel()
        tokenizer = models.load_tokenizer(spec.base_model)
        data = prepare_data(
            dataset,
            spec.dataset_format,
            tokenizer,
            hp.max_seq_length,
            validation_fraction=options.validation_fraction,
            max_validation_examples=options.max_validation_examples,
        )
        plan = plan_steps(
            len(data.train),
            hp,
            has_validation=bool(data.validation),
            evaluations=options.evaluations,
            eval_every=options.eval_every,
            max_steps=options.max_steps,
        )
        self.reporter.update(total_steps=plan.total_steps, total_epochs=plan.total_epochs)
        self.check_cancel()

        import transformers

        seed = options.seed if options.seed is not None else seed_for(spec.job_id)
        transformers.set_seed(seed)
        checkpointing = models.uses_checkpointing(spec.base_model, precision)
        self.model = models.load_model(spec.base_model, precision)
        self.model = models.apply_lora(self.model, hp, checkpointing=checkpointing)
        self.check_cancel()

        result = run_training(
            self.model,
            tokenizer,
            data,
            hp,
            plan,
            precision,
            self.reporter,
            self.cancel,
            output_dir=self.work_dir / "trainer",
            seed=seed,
            checkpointing=checkpointing,
        )
        self.summary = training_summary(self, data, result, precision, checkpointing)
        if result.cancelled:
            raise Cancelled(self.cancel.reason)

        self.reporter.update(stage="SAVING")
        args = training_args_record(spec, plan, precision, seed, checkpointing, self.model)
        files = save_artifacts(self.model, tokenizer, self.work_dir / "artifacts", training_args=args, summary=self.summary)
        self.check_cancel()

        self.reporter.update(stage="UPLOADING_ARTIFACTS")
        artifacts = upload_artifacts(
            files,
            job_id=spec.job_id,
            artifacts_url=spec.artifacts_url,
            token=spec.callback_token,
            cancel=self.cancel,
            attempts=options.upload_attempts,
        )
        self.check_cancel()
        return artifacts, self.summary

    def release(self) -> None:
        """Frees the model and the GPU memory it held, and deletes the downloaded dataset copy and the saved files
        (uploaded by now, or of a run that ended without them): a local job's folder keeps only its status and log."""
        self.model = None
        from .data import DOWNLOADED_DATASET

        (self.work_dir / DOWNLOADED_DATASET).unlink(missing_ok=True)
        for folder in ("artifacts", "trainer"):
            shutil.rmtree(self.work_dir / folder, ignore_errors=True)
        gc.collect()
        try:
            import torch

            if torch.cuda.is_available():
                torch.cuda.empty_cache()
        except ImportError:  # pragma: no cover
            pass


def training_args_record(
    spec: JobSpec, plan: Any, precision: Any, seed: int, checkpointing: bool, model: Any
) -> dict[str, Any]:
    """training_args.json: the run's settings, under Hugging Face TrainingArguments names where one exists."""
    hp = spec.hyperparameters
    lora = model.peft_config["default"]
    target_modules = sorted(lora.target_modules) if isinstance(lora.target_modules, (set, list)) else lora.target_modules
    return {
        "base_model": spec.base_model.id,
        "num_train_epochs": hp.epochs,
        "max_steps": plan.total_steps,
        "learning_rate": hp.learning_rate,
        "lr_scheduler_type": "cosine",
        "warmup_ratio": hp.warmup_ratio,
        "warmup_steps": plan.warmup_steps,
        "per_device_train_batch_size": hp.batch_size,
        "per_device_eval_batch_size": hp.batch_size,
        "gradient_accumulation_steps": hp.gradient_accumulation,
        "eval_steps": plan.eval_every or None,
        "max_grad_norm": 1.0,
        "weight_decay": 0.0,
        "optim": "adamw_torch",
        "bf16": precision.bf16,
        "fp16": precision.fp16,
        "activation_checkpointing": checkpointing,
        "seed": seed,
        "max_seq_length": hp.max_seq_length,
        "quantization": hp.quantization,
        "lora_r": hp.lora_rank,
        "lora_alpha": hp.lora_alpha,
        "lora_dropout": hp.lora_dropout,
        "target_modules": target_modules,
        "dataset_format": spec.dataset_format,
        "gpu_type": spec.gpu.type,
        "gpu_count": spec.gpu.count,
    }


def training_summary(job: _Job, data: Any, result: Any, precision: Any, checkpointing: bool) -> dict[str, Any]:
    """training_summary.json: what the run did, on what, with which libraries."""
    import peft
    import torch
    import transformers

    trainable, total = job.model.get_nb_trainable_parameters()
    device_name = torch.cuda.get_device_name() if precision.device == "cuda" else platform.processor() or "cpu"
    return {
        "steps": result.steps,
        "epochs": result.epoch,
        "tokens_trained": result.tokens_trained,
        "tokens_per_second": result.tokens_per_second,
        "final_training_loss": result.final_training_loss,
        "final_validation_loss": result.final_validation_loss,
        "best_validation_loss": result.best_validation_loss,
        "best_validation_step": result.best_validation_step,
        "evaluations": result.evaluations,
        "train_runtime_seconds": round(result.train_runtime, 3),
        "eval_runtime_seconds": round(result.eval_runtime, 3),
        "wall_seconds": round(time.perf_counter() - job.started, 3),
        "cancelled": result.cancelled,
        "examples": data.examples,
        "train_examples": len(data.train),
        "validation_examples": len(data.validation),
        "skipped_lines": data.skipped_lines,
        "dropped_examples": data.dropped_examples,
        "truncated_examples": data.truncated_examples,
        "chat_template_source": data.chat_template_source,
        "device": precision.device,
        "device_name": device_name,
        "precision": precision.name,
        "quantization": precision.quantization,
        "activation_checkpointing": checkpointing,
        "trainable_parameters": trainable,
        "total_parameters": total,
        "versions": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "cuda": torch.version.cuda,
            "transformers": transformers.__version__,
            "peft": peft.__version__,
        },
    }
