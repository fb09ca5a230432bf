"""Training throughput of the trainer (run_job: Trainer, callbacks, reporting to a local HTTP sink) beside a bare
forward + backward + AdamW loop over the same model, LoRA and collated batches, on the CPU. Prints one JSON object.

    cd trainer && .venv/bin/python bench/throughput.py [--steps 12] [--repeats 2]

Every example is cut to exactly --seq tokens, so every batch is batch x seq with no padding in both loops. Evaluation
runs once, at the end, and its time is left out of the trainer's figure. Each side runs --repeats times, alternating;
`ratio` compares the best whole runs, `best_step_ratio` the fastest single steps (the first of each run left out),
which a machine shared with other work disturbs least.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seq", type=int, default=256)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    import torch
    import transformers

    from brightrun_trainer.run import quiet_libraries
    from brightrun_trainer.testing import make_tiny_model

    quiet_libraries()
    load_before = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="brightrun-bench-") as scratch:
        root = Path(scratch)
        model_dir = make_tiny_model(
            root / "model",
            hidden_size=args.hidden,
            num_layers=args.layers,
            num_heads=max(1, args.hidden // 64),
            intermediate_size=args.hidden * 3,
            initializer_range=0.02,
        )
        # Enough examples for `steps` batches after the validation split takes its ~5% (at least one).
        examples = args.steps * args.batch
        rows = make_rows(examples + max(1, round(examples * 0.06)), words=args.seq * 2)
        trainer_runs, bare_runs = [], []
        for repeat in range(args.repeats):
            bare_runs.append(bare_loop(model_dir, rows, args, root / f"bare-{repeat}"))
            trainer_runs.append(trainer_loop(model_dir, rows, args, root / f"trainer-{repeat}"))

    trainer_best = max(run["tokens_per_second"] for run in trainer_runs)
    bare_best = max(run["tokens_per_second"] for run in bare_runs)
    trainer_median = statistics.median(run["tokens_per_second"] for run in trainer_runs)
    bare_median = statistics.median(run["tokens_per_second"] for run in bare_runs)
    result = {
        "benchmark": "trainer training throughput vs a bare loop (CPU)",
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "torch_threads": torch.get_num_threads(),
        },
        "versions": {"python": platform.python_version(), "torch": torch.__version__,
                     "transformers": transformers.__version__},
        "model": {"architecture": "llama (random weights)", "hidden": args.hidden, "layers": args.layers,
                  "lora_rank": 16, "target_modules": "q,k,v,o,gate,up,down_proj"},
        "steps": args.steps,
        "batch": args.batch,
        "seq": args.seq,
        "trainer_tokens_per_second": round(trainer_best, 1),
        "bare_tokens_per_second": round(bare_best, 1),
        "ratio": round(trainer_best / bare_best, 3),
        "median_ratio": round(trainer_median / bare_median, 3),
        # Per step (the first left out): the least disturbed steps of each, for a machine shared with other work.
        "best_step_ratio": round(
            max(r["best_step_tokens_per_second"] for r in trainer_runs)
            / max(r["best_step_tokens_per_second"] for r in bare_runs), 3),
        "median_step_ratio": round(
            statistics.median(s for r in trainer_runs for s in [r["median_step_tokens_per_second"]])
            / statistics.median(s for r in bare_runs for s in [r["median_step_tokens_per_second"]]), 3),
        "load_average_before": load_before,
        "target_ratio": 0.8,
        "runs": {"trainer": trainer_runs, "bare": bare_runs},
    }
    print(json.dumps(result, indent=2))


def hyperparameters(args: argparse.Namespace) -> dict:
    return {
        "epochs": 1, "learningRate": 2e-4, "batchSize": args.batch, "loraRank": 16, "loraAlpha": 32,
        "loraDropout": 0.0, "maxSeqLength": args.seq, "warmupRatio": 0.1, "gradientAccumulation": 1,
        "quantization": "NONE",
    }


def trainer_loop(model_dir: Path, rows: list[dict], args: argparse.Namespace, work: Path) -> dict:
    """run_job as production runs it, with its callback sink posting to a local HTTP server every second."""
    from conftest import TOKEN, jsonl
    from fake_server import RunningServer

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
            "baseModel": {"id": "bench/tiny", "path": str(model_dir), "parametersB": 0.01, "hiddenSize": args.hidden,
                          "numLayers": args.layers},
        })
        # One evaluation, at the last step (its time is left out below).
        options = TrainerOptions(eval_every=10**6, max_steps=args.steps, seed=0)
        cancel = CancelToken()
        outcome = run_job(spec, "bench-1", [callback_sink(spec, cancel, options)], cancel, work, options)
        if outcome.state != "COMPLETED":
            raise SystemExit(f"the trainer run ended {outcome.state}: {outcome.error}")
        summary = outcome.summary
        assert summary["evaluations"] == 1 and summary["dropped_examples"] == 0
        seconds = summary["train_runtime_seconds"] - summary["eval_runtime_seconds"]
        # The trainer's own per-step figure: step end to step end, its logging and reporting included.
        step_rates = [point["throughput"] for point in server.points()[1:]]
        return {
            "steps": summary["steps"],
            "tokens": summary["tokens_trained"],
            "seconds": round(seconds, 3),
            "tokens_per_second": summary["tokens_trained"] / seconds,
            "best_step_tokens_per_second": max(step_rates),
            "median_step_tokens_per_second": statistics.median(step_rates),
            "callbacks_posted": len(server.accepted_callbacks()),
        }
    finally:
        running.stop()


def bare_loop(model_dir: Path, rows: list[dict], args: argparse.Namespace, work: Path) -> dict:
    """The same model, LoRA, split and collated batches, trained by hand: forward, backward, clip, AdamW step."""
    import torch
    import transformers

    from brightrun_trainer import model as models
    from brightrun_trainer.data import PaddingCollator, prepare_data
    from brightrun_trainer.spec import BaseModel, Hyperparameters

    work.mkdir(parents=True)
    dataset = work / "bench.jsonl"
    dataset.write_text("".join(json.dumps(row) + "\n" for row in rows))
    hp = Hyperparameters(**{
        "epochs": 1, "learning_rate": 2e-4, "batch_size": args.batch, "lora_rank": 16, "lora_alpha": 32,
        "lora_dropout": 0.0, "max_seq_length": args.seq, "warmup_ratio": 0.1, "gradient_accumulation": 1,
        "quantization": "NONE",
    })
    base = BaseModel(id="bench/tiny", path=str(model_dir), parameters_b=0.01, hidden_size=args.hidden,
                     num_layers=args.layers)
    tokenizer = models.load_tokenizer(base)
    data = prepare_data(dataset, "CHAT_JSONL", tokenizer, args.seq)
    collate = PaddingCollator(tokenizer.pad_token_id)
    batches = [collate(data.train[i : i + args.batch]) for i in range(0, args.steps * args.batch, args.batch)]
    assert all(b["input_ids"].shape == (args.batch, args.seq) for b in batches)

    transformers.set_seed(0)
    precision = models.choose_precision("NONE")
    model = models.apply_lora(models.load_model(base, precision), hp, checkpointing=False)
    model.train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=hp.learning_rate,
                                  weight_decay=0.0)
    tokens = 0
    step_rates = []
    started = mark = time.perf_counter()
    for batch in batches:
        loss = model(**batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad()
        loss.item()
        step_tokens = int(batch["attention_mask"].sum())
        tokens += step_tokens
        now = time.perf_counter()
        step_rates.append(step_tokens / (now - mark))
        mark = now
    seconds = time.perf_counter() - started
    return {
        "steps": len(batches),
        "tokens": tokens,
        "seconds": round(seconds, 3),
        "tokens_per_second": tokens / seconds,
        "best_step_tokens_per_second": max(step_rates[1:]),
        "median_step_tokens_per_second": statistics.median(step_rates[1:]),
    }


if __name__ == "__main__":
    main()
