"""The local provider's entry point: `python -m brightrun_trainer.local --spec job.json --status-dir DIR --external-id ID`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from .cancel import CancelToken, install_signal_handlers
from .errors import TrainerError
from .report import Sink, StatusDirSink
from .run import TrainerOptions, callback_sink, fail_unreadable_spec, run_job
from .spec import parse_spec


def main(argv: list[str] | None = None) -> int:
    """Runs the job; exits 0 once a terminal state is reported (COMPLETED, FAILED or CANCELLED)."""
    parser = argparse.ArgumentParser(prog="python -m brightrun_trainer.local", description=__doc__)
    parser.add_argument("--spec", required=True, type=Path, help="the job spec (job.json)")
    parser.add_argument("--status-dir", required=True, type=Path, help="where status.json and points.jsonl are kept")
    parser.add_argument("--external-id", required=True, help="the local provider's id of this job")
    parser.add_argument("--work-dir", type=Path, help="for the dataset and saved files (default: STATUS_DIR/work)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)

    cancel = CancelToken()
    install_signal_handlers(cancel)
    status = StatusDirSink(args.status_dir)
    raw: Any = None
    try:
        raw = _read_spec(args.spec)
        spec = parse_spec(raw)
    except TrainerError as error:
        outcome = fail_unreadable_spec(error, raw, external_id=args.external_id, cancel=cancel, sinks=[status])
        return 0 if outcome.state == "FAILED" else 1
    sinks: list[Sink] = [callback_sink(spec, cancel, TrainerOptions()), status]
    outcome = run_job(spec, args.external_id, sinks, cancel, args.work_dir or args.status_dir / "work", post_completed=True)
    logging.getLogger(__name__).info("job %s ended %s", spec.job_id, outcome.state)
    return 0


def _read_spec(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise TrainerError("INVALID_SPEC", f"The job spec {path} cannot be read: {error}") from error


if __name__ == "__main__":
    raise SystemExit(main())
