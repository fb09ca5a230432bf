"""The local entry point end to end in a subprocess, as the local provider runs it (cwd trainer/, no install)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import chat_rows

TRAINER_ROOT = Path(__file__).resolve().parent.parent


def env() -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": ""}


@pytest.fixture(scope="module")
def cli_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model made by the CLI the server's end-to-end test uses (called in this process: a subprocess
    would spend seconds importing torch again)."""
    import contextlib
    import io

    from brightrun_trainer import testing

    target = tmp_path_factory.mktemp("cli-model") / "tiny"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert testing.main([str(target)]) == 0
    assert json.loads(out.getvalue()) == {"path": str(target.resolve())}
    assert (target / "config.json").is_file() and (target / "chat_template.jinja").is_file()
    return target


def start_local(spec: dict[str, Any], tmp_path: Path, external_id: str = "local-e2e") -> tuple[subprocess.Popen, Path]:
    job = tmp_path / "job.json"
    job.write_text(json.dumps(spec))
    status_dir = tmp_path / "status"
    process = subprocess.Popen(
        [sys.executable, "-m", "brightrun_trainer.local", "--spec", str(job), "--status-dir", str(status_dir),
         "--external-id", external_id],
        cwd=TRAINER_ROOT, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    return process, status_dir


def read_points(status_dir: Path) -> list[dict[str, Any]]:
    path = status_dir / "points.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_local_entry_point_trains_uploads_and_reports(make_spec, server, cli_model: Path, tmp_path: Path) -> None:
    process, status_dir = start_local(make_spec(model=cli_model, epochs=2), tmp_path)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr[-3000:]

    status = json.loads((status_dir / "status.json").read_text())
    assert status["state"] == "COMPLETED" and status["error"] is None
    assert status["step"] == status["totalSteps"] > 0 and status["totalEpochs"] == 2
    assert status["startedAt"] and status["finishedAt"]
    assert len(status["artifacts"]) == 7
    points = read_points(status_dir)
    assert [p["step"] for p in points] == list(range(1, status["step"] + 1))

    final = server.accepted_callbacks()[-1]
    assert final["state"] == "COMPLETED" and final["externalId"] == "local-e2e"
    assert final["artifacts"] == status["artifacts"]
    assert sorted(server.uploads) == sorted(a["name"] for a in status["artifacts"])
    assert server.points() == points
    # Uploaded, so the job's folder keeps no second copy of the adapter, the trainer's scratch or the dataset.
    assert sorted(path.name for path in (status_dir / "work").iterdir()) == []


def test_sigterm_ends_the_run_cancelled(make_spec, server, cli_model: Path, tmp_path: Path) -> None:
    process, status_dir = start_local(make_spec(chat_rows(copies=4), model=cli_model, epochs=500), tmp_path)
    try:
        deadline = time.monotonic() + 60
        while len(read_points(status_dir)) < 2:
            assert process.poll() is None, process.communicate()[1][-3000:]
            assert time.monotonic() < deadline, "no training step within a minute"
            time.sleep(0.05)
        steps_before = len(read_points(status_dir))
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr[-3000:]
    status = json.loads((status_dir / "status.json").read_text())
    assert status["state"] == "CANCELLED" and status["artifacts"] == [] and status["finishedAt"]
    assert status["step"] < status["totalSteps"]
    # It stopped within a step or two of the signal (one may have been running, one reported late).
    assert len(read_points(status_dir)) <= steps_before + 2
    assert server.accepted_callbacks()[-1]["state"] == "CANCELLED"
    assert server.recorded("POST", "/artifacts") == [] and server.uploads == {}


def test_an_invalid_spec_fails_with_invalid_spec(make_spec, server, tmp_path: Path) -> None:
    spec = make_spec(epochs=0, raw={"datasetFormat": "CSV"})
    del spec["artifactsUrl"]
    process, status_dir = start_local(spec, tmp_path)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr[-3000:]
    status = json.loads((status_dir / "status.json").read_text())
    assert status["state"] == "FAILED" and status["error"]["code"] == "INVALID_SPEC"
    message = status["error"]["message"]
    assert "artifactsUrl" in message and "datasetFormat" in message and "hyperparameters.epochs" in message
    final = server.accepted_callbacks()[-1]
    assert final["state"] == "FAILED" and final["error"] == status["error"]
