"""Training throughput of the trainer (run_job: Trainer, callbacks, reporting to a local HTTP sink) beside a bare
forward + backward + AdamW loop over the same model, LoRA and collated batches, on the CPU (default) or a CUDA GPU.
Prints one JSON object.

    cd trainer && .venv/bin/python bench/throughput.py [--steps 12] [--repeats 2]
    python bench/throughput.py --device cuda --size 1b          # a CUDA machine (bench/gpu_check.sh runs this)

Every example is cut to exactly --seq tokens, so every batch is batch x seq with no padding in both loops. Evaluation
runs once, at the end, and its time is left out of the trainer's figure. Each side runs --repeats times, alternating;
`ratio` compares the best whole runs, `best_step_ratio` the fastest single steps (the first of each run left out),
which a machine shared with other work disturbs least.

--size picks the random-weight Llama: `tiny` (hidden 256, 4 layers, the tiny tokenizer's ~600-token vocabulary: the
CPU default) or `1b` (hidden 2048, 16 layers, 16 heads, MLP 5632, vocabulary 32000: ~0.95 B parameters); --hidden,
--layers, --heads, --intermediate and --vocab override single fields of the preset.

On CUDA both loops train as the trainer does there: base weights loaded in bf16 (fp16 on GPUs without bf16), LoRA
adapters in fp32 (peft's default), the forward under torch.autocast(bf16) (what the Trainer's accelerate does), fused
AdamW (the Trainer's default optimizer with torch >= 2.8). The output then adds the GPU, its bf16 matmul peak as
measured here, the parameter count and the achieved share of that peak under labelled FLOP formulas. A failure of one
loop on CUDA (or with any non-default model) is recorded in the JSON (`errors`) instead of ending the run; the exit
status is then 1.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path

TRAINER_ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(TRAINER_ROOT), str(TRAINER_ROOT / "tests")]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

WORDS = (
    "the quick brown fox jumps over the lazy dog a lora adapter learns a low rank update of the weights "
    "mix flour water salt and yeast knead the dough let it rise and bake it leaves drift on cold wind "
    "the river carries them home quiet evening light the capital of france is paris"
).split()

LORA_RANK = 16

#: Model presets. head_dim and mlp_ratio derive heads and intermediate size from the hidden size (so --hidden alone
#: scales a preset); vocab None is the tiny tokenizer's own vocabulary (testing.make_tiny_model).
SIZES = {
    "tiny": {"hidden": 256, "layers": 4, "head_dim": 64, "mlp_ratio": 3.0, "vocab": None},
    "1b": {"hidden": 2048, "layers": 16, "head_dim": 128, "mlp_ratio": 5632 / 2048, "vocab": 32000},
}

#: Run-shape defaults by device (the CPU ones are what `npm run bench` has always measured).
RUN_DEFAULTS = {
    "cpu": {"steps": 12, "batch": 8, "seq": 256, "repeats": 3},
    "cuda": {"steps": 50, "batch": 8, "seq": 1024, "repeats": 3},
}

FORMULAS = {
    "6N": "6 x N x tokens/s: the full fine-tuning convention (forward 2N, activation gradients 2N, weight gradients "
          "2N); N = base parameters without the input embedding (lm_head included)",
    "4N": "4 x N x tokens/s: LoRA with a frozen base (forward 2N + activation gradients 2N, no weight-gradient "
          "matmuls for the base); the adapters' own ~1% and the attention scores left out",
    "4N+attn": "(4 x N + 12 x layers x hidden x seq) x tokens/s: 4N plus the attention score and value matmuls, "
               "forward and backward, counted non-causal (PaLM appendix B)",
}


def make_rows(count: int, words: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    return [
        {
            "messages": [
                {"role": "user", "content": f"Tell me story number {index}."},
                {"role": "assistant", "content": " ".join(rng.choice(WORDS) for _ in range(words))},
            ]
        }
        for index in range(count)
    ]


def jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", choices=["cpu", "cuda", "auto"], default="cpu",
                        help="where both loops train (auto: cuda when available); default cpu")
    parser.add_argument("--size", choices=sorted(SIZES), default="tiny", help="the model preset; default tiny")
    parser.add_argument("--steps", type=int, help="optimizer steps per run (cpu 12, cuda 50)")
    parser.add_argument("--batch", type=int, help="examples per batch (8)")
    parser.add_argument("--seq", type=int, help="tokens per example (cpu 256, cuda 1024)")
    parser.add_argument("--repeats", type=int, help="runs of each loop, alternating (3)")
    parser.add_argument("--hidden", type=int, help="override the preset's hidden size")
    parser.add_argument("--layers", type=int, help="override the preset's layer count")
    parser.add_argument("--heads", type=int, help="override the attention heads (default hidden / preset head_dim)")
    parser.add_argument("--intermediate", type=int, help="override the MLP size (default hidden x preset ratio)")
    parser.add_argument("--vocab", type=int, help="override the vocabulary (embedding rows; >= the tokenizer's)")
    parser.add_argument("--peak-size", type=int, default=8192, help="square bf16 matmul size for the GPU peak")
    args = parser.parse_args(argv)

    if args.device == "auto":
        import torch

        args.device = "cuda" if torch.cuda.is_available() else "cpu"
    for name, value in RUN_DEFAULTS[args.device].items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    preset = SIZES[args.size]
    args.hidden = args.hidden or preset["hidden"]
    args.layers = args.layers or preset["layers"]
    args.heads = args.heads or max(1, args.hidden // preset["head_dim"])
    args.intermediate = args.intermediate or int(round(args.hidden * preset["mlp_ratio"]))
    args.vocab = args.vocab or preset["vocab"]
    # The original CPU benchmark's output, unchanged, unless something beyond it is asked for.
    args.extended = args.device != "cpu" or args.size != "tiny" or args.vocab is not None
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    import torch
    import transformers

    from brightrun_trainer.run import quiet_libraries

    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: torch sees no CUDA device (torch %s, built for CUDA %s)"
                         % (torch.__version__, torch.version.cuda))
    quiet_libraries()
    load_before = [round(x, 2) for x in os.getloadavg()]
    errors: list[dict] = []
    gpu = measure_gpu(args) if args.device == "cuda" else None
    if gpu:
        print(f"{gpu['name']}: measured bf16 peak {gpu['bf16_peak_tflops']} TFLOP/s", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="brightrun-bench-") as scratch:
        root = Path(scratch)
        started = time.perf_counter()
        model_dir = build_model(root / "model", args)
        build_seconds = time.perf_counter() - started
        parameters = count_parameters(model_dir) if args.extended else None
        args.parameters_b = round(parameters["total"] / 1e9, 3) if parameters else 0.01
        if parameters:
            print(f"model: {parameters['total'] / 1e9:.3f} B parameters, built in {build_seconds:.1f} s",
                  file=sys.stderr, flush=True)
        # Enough examples for `steps` batches after the validation split takes its ~5% (at least one).
        examples = args.steps * args.batch
        rows = make_rows(examples + max(1, round(examples * 0.06)), words=args.seq * 2)
        trainer_runs, bare_runs = [], []
        for repeat in range(args.repeats):
            for name, loop, runs in (("bare", bare_loop, bare_runs), ("trainer", trainer_loop, trainer_runs)):
                if any(error["loop"] == name for error in errors):
                    continue  # failed once: it would fail again, and device time is short
                if args.device == "cuda":
                    torch.cuda.reset_peak_memory_stats()
                run = None
                try:
                    run = loop(model_dir, rows, args, root / f"{name}-{repeat}")
                except (Exception, SystemExit) as error:
                    if not args.extended:  # the CPU benchmark (`npm run bench`) fails as it always did
                        raise
                    errors.append({"loop": name, "repeat": repeat, "error": f"{type(error).__name__}: {error}",
                                   "traceback": traceback.format_exc(limit=-6)})
                    print(f"{name} loop, repeat {repeat}: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
                finally:
                    gc.collect()
                if args.device == "cuda":
                    if run is not None:
                        run["max_memory_allocated_gib"] = round(torch.cuda.max_memory_allocated() / 2**30, 2)
                    torch.cuda.empty_cache()
                if run is not None:
                    runs.append(run)
                    if args.extended:  # progress, for a run cut off by a time limit
                        print(f"{name} loop, repeat {repeat}: {run['tokens_per_second']:.1f} tokens/s "
                              f"({run['seconds']} s)", file=sys.stderr, flush=True)

    def best(runs: list[dict], key: str = "tokens_per_second") -> float | None:
        return max(run[key] for run in runs) if runs else None

    def median(runs: list[dict], key: str = "tokens_per_second") -> float | None:
        return statistics.median(run[key] for run in runs) if runs else None

    def ratio(a: float | None, b: float | None) -> float | None:
        return round(a / b, 3) if a is not None and b else None

    def rounded(value: float | None) -> float | None:
        return round(value, 1) if value is not None else None

    trainer_best, bare_best = best(trainer_runs), best(bare_runs)
    result = {
        "benchmark": f"trainer training throughput vs a bare loop ({'CUDA' if args.device == 'cuda' else 'CPU'})",
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "torch_threads": torch.get_num_threads(),
        },
        "versions": {"python": platform.python_version(), "torch": torch.__version__,
                     "transformers": transformers.__version__},
        "model": {"architecture": "llama (random weights)", "hidden": args.hidden, "layers": args.layers,
                  "lora_rank": LORA_RANK, "target_modules": "q,k,v,o,gate,up,down_proj"},
        "steps": args.steps,
        "batch": args.batch,
        "seq": args.seq,
        "trainer_tokens_per_second": rounded(trainer_best),
        "bare_tokens_per_second": rounded(bare_best),
        "ratio": ratio(trainer_best, bare_best),
        "median_ratio": ratio(median(trainer_runs), median(bare_runs)),
        # Per step (the first left out): the least disturbed steps of each, for a machine shared with other work.
        "best_step_ratio": ratio(best(trainer_runs, "best_step_tokens_per_second"),
                                 best(bare_runs, "best_step_tokens_per_second")),
        "median_step_ratio": ratio(median(trainer_runs, "median_step_tokens_per_second"),
                                   median(bare_runs, "median_step_tokens_per_second")),
        "load_average_before": load_before,
        "target_ratio": 0.8,
        "runs": {"trainer": trainer_runs, "bare": bare_runs},
    }
    if args.extended:
        import peft

        from brightrun_trainer import model as models

        precision = models.choose_precision("NONE", use_cpu=args.device == "cpu")
        result["device"] = args.device
        result["precision"] = precision.name
        result["optimizer"] = "AdamW, fused" if bare_optimizer_fused(args) else "AdamW (foreach)"
        result["versions"].update({"peft": peft.__version__, "cuda": torch.version.cuda})
        result["model"].update({"size": args.size, "heads": args.heads, "intermediate": args.intermediate,
                                "vocab": args.vocab or "the tiny tokenizer's", "build_seconds": round(build_seconds, 1)})
        lora = next((run["lora_trainable_parameters"] for run in bare_runs), None)
        result["parameters"] = {**parameters, "lora_trainable": lora}
        result["gpu"] = gpu
        result["utilisation"] = utilisation(args, parameters["without_input_embedding"], gpu, {
            "trainer": trainer_best,
            "bare": bare_best,
            "trainer_median_step": median(trainer_runs, "median_step_tokens_per_second"),
            "bare_median_step": median(bare_runs, "median_step_tokens_per_second"),
        })
        result["errors"] = errors
    print(json.dumps(result, indent=2))
    return 1 if errors else 0


def build_model(directory: Path, args: argparse.Namespace) -> Path:
    """The random-weight Llama and the tiny tokenizer. The tiny preset is testing.make_tiny_model exactly as the CPU
    benchmark always made it; a preset with its own vocabulary gets a LlamaConfig of that size (make_tiny_model ties
    the vocabulary to the tokenizer's ~600 tokens), built on the training device and saved in the training dtype."""
    import torch

    from brightrun_trainer.testing import make_tiny_model, make_tiny_tokenizer

    if args.vocab is None:
        return make_tiny_model(
            directory,
            hidden_size=args.hidden,
            num_layers=args.layers,
            num_heads=args.heads,
            intermediate_size=args.intermediate,
            max_positions=max(1024, args.seq),
            initializer_range=0.02,
        )
    from transformers import LlamaConfig, LlamaForCausalLM

    from brightrun_trainer import model as models

    directory.mkdir(parents=True, exist_ok=True)
    tokenizer = make_tiny_tokenizer()
    if args.vocab < len(tokenizer):
        raise SystemExit(f"--vocab {args.vocab} is below the tokenizer's {len(tokenizer)} tokens")
    config = LlamaConfig(
        vocab_size=args.vocab,
        hidden_size=args.hidden,
        intermediate_size=args.intermediate,
        num_hidden_layers=args.layers,
        num_attention_heads=args.heads,
        num_key_value_heads=args.heads,
        max_position_embeddings=max(2048, args.seq),
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=False,
        initializer_range=0.02,
    )
    dtype = models.choose_precision("NONE", use_cpu=args.device == "cpu").dtype
    torch.manual_seed(0)
    with torch.device("cuda" if args.device == "cuda" else "cpu"):
        model = LlamaForCausalLM(config)
    model.to(dtype).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    del model
    gc.collect()
    if args.device == "cuda":
        torch.cuda.empty_cache()
    return directory


def count_parameters(model_dir: Path) -> dict:
    """The base model's parameters (built on the meta device: nothing is allocated)."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(model_dir))
    total = sum(p.numel() for p in model.parameters())
    embedding = model.get_input_embeddings().weight.numel()
    return {"total": total, "input_embedding": embedding, "without_input_embedding": total - embedding}


def measure_gpu(args: argparse.Namespace) -> dict:
    """The GPU, and its bf16 matmul throughput measured here: square --peak-size matmuls, warmed up, then timed in
    rounds between torch.cuda.synchronize() calls; the best round is the peak the shares are taken of."""
    import torch

    props = torch.cuda.get_device_properties(0)
    n = args.peak_size
    a = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
    b = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
    c = torch.empty(n, n, device="cuda", dtype=torch.bfloat16)
    # Warm up for about a second at the H100's rate (cuBLAS heuristics, clocks up).
    for _ in range(max(10, int(5e14 // (2 * n**3)))):
        torch.mm(a, b, out=c)
    torch.cuda.synchronize()
    iterations = max(10, int(2e14 // (2 * n**3)))  # ~0.3 s a round on an H100
    rounds = []
    for _ in range(5):
        torch.cuda.synchronize()
        started = time.perf_counter()
        for _ in range(iterations):
            torch.mm(a, b, out=c)
        torch.cuda.synchronize()
        rounds.append(2 * n**3 * iterations / (time.perf_counter() - started) / 1e12)
    del a, b, c
    torch.cuda.empty_cache()
    return {
        "name": torch.cuda.get_device_name(0),
        "capability": ".".join(map(str, torch.cuda.get_device_capability(0))),
        "memory_gib": round(props.total_memory / 2**30, 1),
        "multiprocessors": props.multi_processor_count,
        "bf16_supported": torch.cuda.is_bf16_supported(),
        "bf16_peak_tflops": round(max(rounds), 1),
        "bf16_peak_tflops_rounds": [round(r, 1) for r in rounds],
        "peak_method": f"torch.mm bf16 {n}x{n}x{n}, {iterations} per round, best of 5 rounds after warm-up",
    }


def utilisation(args: argparse.Namespace, n: int, gpu: dict | None, rates: dict[str, float | None]) -> dict:
    """Achieved TFLOP/s of each rate under each formula, and its share of the measured bf16 peak (on CUDA)."""
    per_token = {
        "6N": 6 * n,
        "4N": 4 * n,
        "4N+attn": 4 * n + 12 * args.layers * args.hidden * args.seq,
    }
    peak = gpu["bf16_peak_tflops"] if gpu else None
    out: dict = {"n_parameters": n, "formulas": FORMULAS, "flops_per_token": per_token, "peak_tflops": peak}
    for name, rate in rates.items():
        if rate is None:
            out[name] = None
            continue
        tflops = {key: flops * rate / 1e12 for key, flops in per_token.items()}
        out[name] = {
            "tokens_per_second": round(rate, 1),
            "tflops": {key: round(value, 2) for key, value in tflops.items()},
            "share_of_peak": {key: round(value / peak, 4) for key, value in tflops.items()} if peak else None,
        }
    return out


def hyperparameters(args: argparse.Namespace) -> dict:
    return {
        "epochs": 1, "learningRate": 2e-4, "batchSize": args.batch, "loraRank": LORA_RANK, "loraAlpha": 32,
        "loraDropout": 0.0, "maxSeqLength": args.seq, "warmupRatio": 0.1, "gradientAccumulation": 1,
        "quantization": "NONE",
    }


def trainer_loop(model_dir: Path, rows: list[dict], args: argparse.Namespace, work: Path) -> dict:
    """run_job as production runs it, with its callback sink posting to a local HTTP server every second."""
    from fake_server import TOKEN, RunningServer

    from brightrun_trainer.cancel import CancelToken
    from brightrun_trainer.run import TrainerOptions, callback_sink, run_job
    from brightrun_trainer.spec import parse_spec

    running = RunningServer()
    server = running.state
    try:
        spec = parse_spec({
            "jobId": "bench-job", "callbackUrl": server.callback_url, "callbackToken": TOKEN,
            "artifactsUrl": server.artifacts_url, "datasetUrl": server.dataset_url("bench.jsonl", jsonl(rows)),
            "datasetFormat": "CHAT_JSONL", "datasetTokens": 0, "datasetExamples": len(rows),
            "hyperparameters": hyperparameters(args),
            "baseModel": {"id": f"bench/{args.size}", "path": str(model_dir), "parametersB": args.parameters_b,
                          "hiddenSize": args.hidden, "numLayers": args.layers},
        })
        # One evaluation, at the last step (its time is left out below).
        options = TrainerOptions(eval_every=10**6, max_steps=args.steps, seed=0, use_cpu=args.device == "cpu")
        cancel = CancelToken()
        synchronize(args)
        outcome = run_job(spec, "bench-1", [callback_sink(spec, cancel, options)], cancel, work, options)
        if outcome.state != "COMPLETED":
            raise SystemExit(f"the trainer run ended {outcome.state}: {outcome.error}")
        summary = outcome.summary
        assert summary["evaluations"] == 1 and summary["dropped_examples"] == 0
        assert summary["device"] == args.device, summary["device"]
        seconds = summary["train_runtime_seconds"] - summary["eval_runtime_seconds"]
        # The trainer's own per-step figure: step end to step end, its logging and reporting included.
        step_rates = [point["throughput"] for point in server.points()[1:]]
        run = {
            "steps": summary["steps"],
            "tokens": summary["tokens_trained"],
            "seconds": round(seconds, 3),
            "tokens_per_second": summary["tokens_trained"] / seconds,
            "best_step_tokens_per_second": max(step_rates),
            "median_step_tokens_per_second": statistics.median(step_rates),
            "callbacks_posted": len(server.accepted_callbacks()),
        }
        if args.extended:
            run.update({"precision": summary["precision"], "device_name": summary["device_name"],
                        "activation_checkpointing": summary["activation_checkpointing"],
                        "trainable_parameters": summary["trainable_parameters"]})
        return run
    finally:
        running.stop()


def bare_optimizer_fused(args: argparse.Namespace) -> bool:
    """On CUDA the bare loop uses the optimizer the Trainer defaults to (adamw_torch_fused with torch >= 2.8); on the
    CPU it keeps the foreach AdamW it has always measured."""
    if args.device == "cpu":
        return False
    from transformers import TrainingArguments

    return str(TrainingArguments.__dataclass_fields__["optim"].default).endswith("adamw_torch_fused")


def synchronize(args: argparse.Namespace) -> None:
    if args.device == "cuda":
        import torch

        torch.cuda.synchronize()


def bare_loop(model_dir: Path, rows: list[dict], args: argparse.Namespace, work: Path) -> dict:
    """The same model, LoRA, split and collated batches, trained by hand: forward, backward, clip, AdamW step. On CUDA,
    as the Trainer does it there: bf16 base weights, fp32 adapters, the forward under bf16 autocast."""
    import contextlib

    import torch
    import transformers

    from brightrun_trainer import model as models
    from brightrun_trainer.data import PaddingCollator, prepare_data
    from brightrun_trainer.spec import BaseModel, Hyperparameters

    work.mkdir(parents=True)
    dataset = work / "bench.jsonl"
    dataset.write_text("".join(json.dumps(row) + "\n" for row in rows))
    hp = Hyperparameters(**{
        "epochs": 1, "learning_rate": 2e-4, "batch_size": args.batch, "lora_rank": LORA_RANK, "lora_alpha": 32,
        "lora_dropout": 0.0, "max_seq_length": args.seq, "warmup_ratio": 0.1, "gradient_accumulation": 1,
        "quantization": "NONE",
    })
    base = BaseModel(id=f"bench/{args.size}", path=str(model_dir), parameters_b=args.parameters_b,
                     hidden_size=args.hidden, num_layers=args.layers)
    precision = models.choose_precision("NONE", use_cpu=args.device == "cpu")
    tokenizer = models.load_tokenizer(base)
    data = prepare_data(dataset, "CHAT_JSONL", tokenizer, args.seq)
    # The Trainer's collator: on CUDA it pads to a multiple of 8 (nothing to pad when seq is one).
    collate = PaddingCollator(tokenizer.pad_token_id, 8 if precision.device == "cuda" else None)
    batches = [collate(data.train[i : i + args.batch]) for i in range(0, args.steps * args.batch, args.batch)]
    assert all(b["input_ids"].shape[0] == args.batch for b in batches)
    assert all(int(b["attention_mask"].sum()) == args.batch * args.seq for b in batches)

    transformers.set_seed(0)
    checkpointing = models.uses_checkpointing(base, precision)
    model = models.apply_lora(models.load_model(base, precision), hp, checkpointing=checkpointing)
    if checkpointing:  # what the Trainer does with activation_checkpointing (models of 3 B parameters and more)
        model.activation_checkpointing_enable(activation_checkpointing_kwargs={"use_reentrant": False})
        model.enable_input_require_grads()
    model.train()
    trainable = [p for p in model.parameters() if p.requires_grad]
    fused = bare_optimizer_fused(args)
    optimizer = torch.optim.AdamW(trainable, lr=hp.learning_rate, weight_decay=0.0, **({"fused": True} if fused else {}))
    if precision.device == "cuda":
        autocast = lambda: torch.autocast("cuda", dtype=precision.dtype)  # noqa: E731
    else:
        autocast = contextlib.nullcontext
    tokens = 0
    step_rates = []
    synchronize(args)
    started = mark = time.perf_counter()
    for batch in batches:
        step_tokens = int(batch["attention_mask"].sum())
        if precision.device == "cuda":
            batch = {key: value.to("cuda", non_blocking=True) for key, value in batch.items()}
        with autocast():
            loss = model(**batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad()
        loss.item()
        tokens += step_tokens
        now = time.perf_counter()
        step_rates.append(step_tokens / (now - mark))
        mark = now
    synchronize(args)
    seconds = time.perf_counter() - started
    run = {
        "steps": len(batches),
        "tokens": tokens,
        "seconds": round(seconds, 3),
        "tokens_per_second": tokens / seconds,
        "best_step_tokens_per_second": max(step_rates[1:]),
        "median_step_tokens_per_second": statistics.median(step_rates[1:]),
    }
    if args.extended:
        run.update({"precision": precision.name, "activation_checkpointing": checkpointing,
                    "lora_trainable_parameters": sum(p.numel() for p in trainable),
                    "final_loss": round(float(loss.item()), 4)})
    del model, optimizer, trainable, loss
    return run


if __name__ == "__main__":
    raise SystemExit(main())
