#!/usr/bin/env bash
# The trainer on a CUDA machine, in one call (about 3 minutes on an H100; nothing is downloaded):
#   1. the Python, torch, transformers, peft, ... versions and the GPU;
#   2. bench/throughput.py --device cuda --size 1b: the trainer beside a bare bf16 loop on a ~0.95 B-parameter
#      random-weight Llama, the GPU's measured bf16 matmul peak and the achieved share of it
#      -> "$OUT/trainer-gpu-throughput.json" (its progress and errors: trainer-gpu-throughput.log);
#   3. the trainer's pytest on the GPU, when pytest is installed and time allows -> "$OUT/trainer-gpu-pytest.txt".
#
#   bash trainer/bench/gpu_check.sh            # from the repository root or anywhere; OUT defaults to the current folder
#
# Uses the machine's own Python (PYTHON, else python3), not trainer/.venv (a CPU build of torch). Knobs, as
# environment variables: BENCH_ARGS (extra throughput.py flags, e.g. "--steps 20 --repeats 2"), BENCH_TIMEOUT
# (seconds, 240), PYTEST_TIMEOUT (seconds, 90; 0 skips the tests), BENCH_DEVICE (cuda; cpu only to try this script
# out on a machine without a GPU, with small BENCH_ARGS).
set -u
TRAINER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${OUT:-$PWD}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
PY="${PYTHON:-$(command -v python3 || command -v python)}"
DEVICE="${BENCH_DEVICE:-cuda}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1
export TOKENIZERS_PARALLELISM=false PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
cd "$TRAINER_DIR"
status=0

echo "== environment ($(date -u +%FT%TZ))"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit \
  --format=csv 2>&1 | sed 's/^/  /'
BENCH_DEVICE="$DEVICE" "$PY" - <<'PYEOF'
import importlib, os, platform, sys

print(f"  python         {platform.python_version()} ({sys.executable})")
missing = []
# Required by the trainer's run_job path (the bare loop needs only the first three and tokenizers/safetensors);
# optional: pynvml (GPU utilisation in metric points), pytest (step 3), runpod, bitsandbytes (not used here).
for name, required in [("torch", 1), ("transformers", 1), ("peft", 1), ("accelerate", 1), ("safetensors", 1),
                       ("tokenizers", 1), ("requests", 1), ("jinja2", 1), ("pynvml", 0), ("pytest", 0),
                       ("runpod", 0), ("bitsandbytes", 0)]:
    try:
        module = importlib.import_module(name)
        print(f"  {name:14s} {getattr(module, '__version__', '(no __version__)')}")
    except Exception as error:  # noqa: BLE001
        print(f"  {name:14s} MISSING ({'required' if required else 'optional'}): {type(error).__name__}: {error}")
        if required:
            missing.append(name)
import torch

print(f"  cuda           available={torch.cuda.is_available()} torch.version.cuda={torch.version.cuda}")
if torch.cuda.is_available():
    print(f"  device         {torch.cuda.get_device_name()} bf16={torch.cuda.is_bf16_supported()} "
          f"devices={torch.cuda.device_count()}")
if missing:
    print("  required modules missing: " + ", ".join(missing) + " (the loops that need them will record errors)")
sys.exit(0 if torch.cuda.is_available() or os.environ["BENCH_DEVICE"] == "cpu" else 3)
PYEOF
env_status=$?
if [ "$env_status" -ne 0 ]; then
  echo "no usable torch with CUDA (exit $env_status): not running the GPU benchmark"
  exit "$env_status"
fi

echo "== throughput: bench/throughput.py --device $DEVICE --size 1b ${BENCH_ARGS:-}"
started=$SECONDS
# shellcheck disable=SC2086
timeout "${BENCH_TIMEOUT:-240}" "$PY" bench/throughput.py --device "$DEVICE" --size 1b ${BENCH_ARGS:-} \
  >"$OUT/trainer-gpu-throughput.json" 2>"$OUT/trainer-gpu-throughput.log"
bench_status=$?
echo "  exit $bench_status after $((SECONDS - started)) s (124: cut off by BENCH_TIMEOUT); stderr tail:"
tail -n 15 "$OUT/trainer-gpu-throughput.log" | sed 's/^/    /'
[ "$bench_status" -ne 0 ] && status=1
"$PY" - "$OUT/trainer-gpu-throughput.json" <<'PYEOF' || status=1
import json, sys

try:
    r = json.load(open(sys.argv[1]))
except Exception as error:  # noqa: BLE001
    sys.exit(f"  no JSON result: {error}")
g, p, u = r.get("gpu") or {}, r.get("parameters") or {}, r.get("utilisation") or {}
print(f"  {g.get('name')}: measured bf16 peak {g.get('bf16_peak_tflops')} TFLOP/s ({g.get('peak_method')})")
print(f"  model {p.get('total')} parameters (N without input embedding {p.get('without_input_embedding')}), "
      f"LoRA {p.get('lora_trainable')}; batch {r['batch']} x seq {r['seq']}, {r['steps']} steps, "
      f"{len(r['runs']['trainer'])}+{len(r['runs']['bare'])} runs, {r.get('precision')}, {r.get('optimizer')}")
print(f"  tokens/s: trainer {r['trainer_tokens_per_second']}, bare {r['bare_tokens_per_second']}; ratio {r['ratio']} "
      f"(median {r['median_ratio']}, median step {r['median_step_ratio']})")
for side in ("trainer", "bare", "trainer_median_step", "bare_median_step"):
    s = u.get(side)
    if s:
        share = s["share_of_peak"] or {}
        print(f"  {side:20s} " + ", ".join(
            f"{k}: {s['tflops'][k]} TFLOP/s" + (f" = {share[k]:.1%}" if k in share else "") for k in s["tflops"]))
for e in r.get("errors") or []:
    print(f"  ERROR {e['loop']} repeat {e['repeat']}: {e['error']}")
PYEOF

if [ "${PYTEST_TIMEOUT:-90}" != "0" ] && "$PY" -c "import pytest" 2>/dev/null; then
  echo "== pytest on the GPU (limit ${PYTEST_TIMEOUT:-90} s)"
  started=$SECONDS
  timeout "${PYTEST_TIMEOUT:-90}" "$PY" -m pytest -p no:cacheprovider --continue-on-collection-errors tests >"$OUT/trainer-gpu-pytest.txt" 2>&1
  echo "  exit $? after $((SECONDS - started)) s (124: cut off by PYTEST_TIMEOUT); tail:"
  tail -n 25 "$OUT/trainer-gpu-pytest.txt" | sed 's/^/    /'
  echo
else
  echo "== pytest skipped (PYTEST_TIMEOUT=0 or pytest not installed)"
fi
exit "$status"
