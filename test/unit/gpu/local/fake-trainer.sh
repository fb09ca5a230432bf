#!/usr/bin/env bash
# Stands in for the trainer's Python in the local provider's tests (the real one is tested in trainer/tests and
# test/integration/trainer): called as `python -m brightrun_trainer.local --spec S --status-dir D --external-id E`,
# it behaves as the spec's baseModel.id says: fake/complete, fake/crash, fake/hang or fake/ignore-term.
while [ $# -gt 0 ]; do
  case "$1" in
    --spec) spec=$2; shift ;;
    --status-dir) dir=$2; shift ;;
    --external-id) id=$2; shift ;;
  esac
  shift
done
mode=$(grep -o '"id":"fake/[a-z-]*"' "$spec" | head -1 | sed 's/.*fake\///; s/"$//')
step=0
status() {
  printf '{"state":"%s","stage":"TRAINING","step":%d,"totalSteps":20,"epoch":0,"totalEpochs":1,"error":null,"artifacts":[],"startedAt":null,"finishedAt":null}' "$1" "$step" > "$dir/status.tmp"
  mv "$dir/status.tmp" "$dir/status.json"
}
if [ "$mode" = ignore-term ]; then trap '' TERM; else trap 'status CANCELLED; exit 0' TERM; fi
echo "fake trainer $id ($mode) on device '${CUDA_VISIBLE_DEVICES}', secret: ${SERVER_SECRET:-none}"
status RUNNING
for step in 1 2 3 4 5; do
  printf '{"step":%d,"epoch":0.1,"trainingLoss":2.0,"validationLoss":null,"learningRate":0.0001,"gradNorm":1.0,"throughput":100.0,"tokensTrained":%d,"gpuUtilization":null,"recordedAt":"2026-12-06T00:00:00.000Z"}\n' "$step" $((step * 64)) >> "$dir/points.jsonl"
  status RUNNING
  sleep 0.05
done
case "$mode" in
  complete) status COMPLETED; exit 0 ;;
  crash) echo "Traceback: something broke" >&2; exit 3 ;;
esac
while true; do sleep 0.1; done
