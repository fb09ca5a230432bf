"""Saves the adapter, tokenizer and run records, and uploads them to the signed URLs the server hands out."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import urlsplit, urlunsplit

import requests

from .cancel import CancelToken, Cancelled
from .errors import TrainerError
from .report import ENDED_STATUSES, SERVER_ENDED_JOB, is_transient

log = logging.getLogger(__name__)

ADAPTER_FILES = ("adapter_model.safetensors", "adapter_config.json")
#: The tokenizer files uploaded, where the tokenizer wrote them; chat_template.jinja holds the template used.
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja")
RECORD_FILES = ("training_args.json", "training_summary.json")
CONTENT_TYPES = {".json": "application/json", ".jinja": "text/plain; charset=utf-8"}


@dataclass(frozen=True)
class ArtifactFile:
    name: str
    path: Path
    size: int
    sha256: str
    content_type: str

    def describe(self) -> dict[str, Any]:
        """The file as the artifacts URL is told of it."""
        return {"name": self.name, "size": self.size, "sha256": self.sha256, "contentType": self.content_type}


def describe_file(path: Path) -> ArtifactFile:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return ArtifactFile(
        name=path.name,
        path=path,
        size=path.stat().st_size,
        sha256=digest.hexdigest(),
        content_type=CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
    )


def write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")


def save_artifacts(
    model: Any,
    tokenizer: Any,
    directory: Path,
    *,
    training_args: dict[str, Any],
    summary: dict[str, Any],
) -> list[ArtifactFile]:
    """Writes the adapter (safetensors), the tokenizer with its chat template and the two records; returns the files
    to upload with their size and sha256."""
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(directory, safe_serialization=True)
    tokenizer.save_pretrained(directory)
    write_json(directory / "training_args.json", training_args)
    write_json(directory / "training_summary.json", summary)
    names = [*ADAPTER_FILES, *RECORD_FILES, *(name for name in TOKENIZER_FILES if (directory / name).is_file())]
    missing = [name for name in ADAPTER_FILES if not (directory / name).is_file()]
    if missing:
        raise TrainerError("TRAINER_CRASHED", f"Saving the adapter did not write {', '.join(missing)}.")
    return [describe_file(directory / name) for name in names]


def without_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


class _Uploader:
    def __init__(self, token: str, cancel: CancelToken, attempts: int, timeout: float, first_backoff: float) -> None:
        self.token = token
        self.cancel = cancel
        self.attempts = attempts
        self.timeout = timeout
        self.first_backoff = first_backoff
        self.session = requests.Session()

    def request(self, what: str, method: str, url: str, *, file: Path | None = None, **kwargs: Any) -> requests.Response:
        """The first answer that is not transient; network errors, 408, 429 and 5xx are retried with backoff and
        end in UPLOAD_FAILED after the last attempt."""
        delay = self.first_backoff
        for attempt in range(1, self.attempts + 1):
            if self.cancel.cancelled:
                raise Cancelled(self.cancel.reason)
            try:
                if file is not None:
                    with open(file, "rb") as data:
                        response = self.session.request(method, url, data=data, timeout=self.timeout, **kwargs)
                else:
                    response = self.session.request(method, url, timeout=self.timeout, **kwargs)
                if not is_transient(response.status_code):
                    return response
                problem = f"HTTP {response.status_code}"
            except requests.RequestException as error:
                problem = f"{type(error).__name__}: {error}"
            if attempt == self.attempts:
                raise TrainerError("UPLOAD_FAILED", f"{what} failed after {attempt} attempts ({problem}).")
            log.info("%s failed (%s); retrying in %.1fs", what, problem, delay)
            if self.cancel.wait(delay):
                raise Cancelled(self.cancel.reason)
            delay *= 2
        raise AssertionError("unreachable")


def upload_artifacts(
    files: Sequence[ArtifactFile],
    *,
    job_id: str,
    artifacts_url: str,
    token: str,
    cancel: CancelToken,
    attempts: int = 4,
    timeout: float = 300.0,
    first_backoff: float = 0.5,
) -> list[dict[str, Any]]:
    """Asks the artifacts URL for signed upload URLs and PUTs each file there with the headers given; returns the
    artifacts of the final state (`url` is the upload URL without its query). UPLOAD_FAILED when that fails;
    Cancelled when the job is cancelled meanwhile or the server answers that it ended."""
    uploader = _Uploader(token, cancel, attempts, timeout, first_backoff)
    try:
        response = uploader.request(
            "Asking for upload URLs",
            "POST",
            artifacts_url,
            json={"jobId": job_id, "files": [file.describe() for file in files]},
            headers={"X-Callback-Token": token},
        )
        if response.status_code in ENDED_STATUSES:
            cancel.cancel(SERVER_ENDED_JOB)
            raise Cancelled(SERVER_ENDED_JOB)
        if not response.ok:
            raise TrainerError(
                "UPLOAD_FAILED", f"The server refused the artifacts (HTTP {response.status_code}): {response.text[:500]}"
            )
        targets = {target["name"]: target for target in _targets(response)}
        artifacts = []
        for file in files:
            target = targets.get(file.name)
            if target is None:
                raise TrainerError("UPLOAD_FAILED", f"The server gave no upload URL for {file.name}.")
            put = uploader.request(
                f"Uploading {file.name}",
                target.get("method", "PUT"),
                target["url"],
                file=file.path,
                headers=dict(target.get("headers") or {}),
            )
            # Signed uploads are create-only: 409 (local storage) or 412 (GCS) after a retry means an earlier attempt
            # landed and only its answer was lost. The server checks size and sha256 when it copies the file.
            if not put.ok and put.status_code not in (409, 412):
                raise TrainerError("UPLOAD_FAILED", f"Uploading {file.name} failed (HTTP {put.status_code}).")
            artifacts.append({**file.describe(), "url": without_query(target["url"])})
        return artifacts
    finally:
        uploader.session.close()


def _targets(response: requests.Response) -> list[dict[str, Any]]:
    try:
        files = response.json()["files"]
        if not isinstance(files, list) or not all(isinstance(f, dict) and "name" in f and "url" in f for f in files):
            raise ValueError("files is not a list of {name, url}")
        return files
    except (ValueError, KeyError, TypeError) as error:
        raise TrainerError("UPLOAD_FAILED", f"The artifacts URL answered something unexpected: {error}") from error
