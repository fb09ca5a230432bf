"""Fetches the dataset, reads both formats as messages, renders them with the chat template and labels the trained tokens."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence
from urllib.parse import unquote, urlparse

import requests
import torch

from .errors import TrainerError
from .spec import DatasetFormat

log = logging.getLogger(__name__)

IGNORE_INDEX = -100
"""The label of a token that carries no loss (the value transformers' loss functions skip)."""

DOWNLOADED_DATASET = "dataset.jsonl"
"""The name of the dataset's copy in the work folder when it is downloaded (run_job deletes it at the end)."""

CHATML_TEMPLATE = (
    "{{ bos_token if bos_token else '' }}"
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' }}"
    "{% if message['role'] == 'assistant' and eos_token %}{{ eos_token }}{% endif %}"
    "{{ '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
"""The template used when the tokenizer has none (base models): ChatML, with the model's own BOS first and its EOS
after each assistant turn, so the adapter learns where an answer ends."""


@dataclass(frozen=True)
class Message:
    role: str
    content: str
    #: True for the assistant messages the loss is taken on.
    train: bool


Example = list[Message]


@dataclass
class TokenizedExample:
    input_ids: list[int]
    labels: list[int]

    @property
    def trained_tokens(self) -> int:
        # The first label is never predicted (labels are shifted by one inside the model).
        return sum(1 for label in self.labels[1:] if label != IGNORE_INDEX)


@dataclass
class PreparedData:
    """The tokenized examples, split, with what was dropped or cut on the way."""

    train: list[TokenizedExample]
    validation: list[TokenizedExample]
    #: Lines read as examples.
    examples: int
    #: Lines that were not an example of the format (shape errors), skipped.
    skipped_lines: int
    #: Examples left with no trained token (after truncation, or with every assistant message at weight 0).
    dropped_examples: int
    truncated_examples: int
    #: "tokenizer" when the tokenizer's own chat template was used, "chatml_fallback" otherwise.
    chat_template_source: str
    stats: dict[str, Any] = field(default_factory=dict)


# --- fetching and reading ---


def fetch_dataset(url: str, work_dir: Path, *, attempts: int = 4, timeout: float = 60.0) -> Path:
    """The dataset as a local file: an http(s) URL is downloaded into work_dir (retrying transient failures);
    a file:// URL or a path is used where it is."""
    if not url.startswith(("http://", "https://")):
        path = Path(unquote(urlparse(url).path)) if url.startswith("file://") else Path(url)
        if not path.is_file():
            raise TrainerError("DATASET_UNREADABLE", f"The dataset file {path} does not exist.")
        return path
    target = work_dir / DOWNLOADED_DATASET
    delay = 1.0
    for attempt in range(1, attempts + 1):
        try:
            with requests.get(url, stream=True, timeout=timeout) as response:
                if response.status_code == 200:
                    with open(target, "wb") as file:
                        for chunk in response.iter_content(chunk_size=1 << 20):
                            file.write(chunk)
                    return target
                problem = f"HTTP {response.status_code}"
                transient = response.status_code in (408, 429) or response.status_code >= 500
        except requests.RequestException as error:
            problem, transient = f"{type(error).__name__}: {error}", True
        if not transient or attempt == attempts:
            raise TrainerError("DATASET_UNREADABLE", f"Downloading the dataset failed ({problem}).")
        log.info("dataset download failed (%s); retrying in %.0fs", problem, delay)
        time.sleep(delay)
        delay *= 2
    raise AssertionError("unreachable")


def read_examples(path: Path, dataset_format: DatasetFormat) -> tuple[list[Example], int]:
    """Reads every line as an example of the format; returns the examples and the count of lines skipped
    because they were not one (a line that is not JSON text means the file is not a dataset: DATASET_UNREADABLE)."""
    examples: list[Example] = []
    skipped = 0
    for number, line in _lines(path):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise TrainerError("DATASET_UNREADABLE", f"Line {number} of the dataset is not valid JSON: {error}.")
        example = to_messages(row, dataset_format)
        if example is None:
            skipped += 1
        else:
            examples.append(example)
    return examples, skipped


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        with open(path, "r", encoding="utf-8") as file:
            for number, line in enumerate(file, start=1):
                if line.strip():
                    yield number, line
    except UnicodeDecodeError as error:
        raise TrainerError("DATASET_UNREADABLE", f"The dataset is not UTF-8 text: {error}.")
    except OSError as error:
        raise TrainerError("DATASET_UNREADABLE", f"The dataset cannot be read: {error}.")


def to_messages(row: Any, dataset_format: DatasetFormat) -> Example | None:
    """One row as messages with their train flags, or None when the row is not an example of the format.

    CHAT_JSONL: `{"messages": [{role, content, weight?}]}`; assistant messages are trained unless weight is 0.
    BRIGHTRUN_LORA_V4: system_prompt? + conversation_history + current_user_input + target_response; only the
    target response is trained.
    """
    if not isinstance(row, dict):
        return None
    if dataset_format == "CHAT_JSONL":
        raw = row.get("messages")
        if not isinstance(raw, list):
            return None
        messages = [_message(item, trainable=True) for item in raw]
    else:
        history = row.get("conversation_history", [])
        user, target = row.get("current_user_input"), row.get("target_response")
        if not isinstance(history, list) or not isinstance(user, str) or not isinstance(target, str):
            return None
        system = row.get("system_prompt")
        messages = [Message("system", system, False)] if isinstance(system, str) and system else []
        messages += [_message(item, trainable=False) for item in history]
        messages += [Message("user", user, False), Message("assistant", target, True)]
    if not messages or any(message is None for message in messages):
        return None
    return messages  # type: ignore[return-value]


def _message(item: Any, *, trainable: bool) -> Message | None:
    if not isinstance(item, dict) or not isinstance(item.get("role"), str) or not isinstance(item.get("content"), str):
        return None
    role = item["role"]
    return Message(role, item["content"], trainable and role == "assistant" and item.get("weight") != 0)


# --- the chat template ---


def ensure_chat_template(tokenizer: Any) -> str:
    """Makes sure the tokenizer has a chat template; returns where it came from ("tokenizer" or "chatml_fallback").
    The fallback is set on the tokenizer, so it is saved with the tokenizer files."""
    if getattr(tokenizer, "chat_template", None):
        return "tokenizer"
    tokenizer.chat_template = CHATML_TEMPLATE
    return "chatml_fallback"


def render(tokenizer: Any, messages: Sequence[Message], *, add_generation_prompt: bool) -> str:
    """The conversation as text, by the tokenizer's chat template."""
    return tokenizer.apply_chat_template(
        [{"role": m.role, "content": m.content} for m in messages],
        tokenize=False,
        add_generation_prompt=add_generation_prompt,
    )


def fold_system_prompt(messages: Example) -> Example:
    """For templates without a system role: the system prompt goes at the head of the first user message."""
    if len(messages) < 2 or messages[0].role != "system" or messages[1].role != "user":
        return messages
    system, user = messages[0], messages[1]
    return [Message("user", f"{system.content}\n\n{user.content}", False), *messages[2:]]


def trained_spans(tokenizer: Any, messages: Example) -> tuple[str, list[tuple[int, int]]]:
    """The rendered conversation and the character span of each trained assistant message in it.

    A message's span runs from the end of the conversation before it rendered with the generation prompt (the
    prompt side) to the end of the conversation up to and including it (so the end-of-turn marker is learnt).
    Templates that render a message differently when it is last fall back to locating its content.
    """
    full = render(tokenizer, messages, add_generation_prompt=False)
    spans: list[tuple[int, int]] = []
    cursor = 0
    for index, message in enumerate(messages):
        if not message.train:
            continue
        span = None
        if index > 0:
            before = render(tokenizer, messages[:index], add_generation_prompt=True)
            upto = render(tokenizer, messages[: index + 1], add_generation_prompt=False)
            if upto.startswith(before) and full.startswith(upto) and len(before) >= cursor:
                span = (len(before), len(upto))
        if span is None:
            start = full.find(message.content, cursor)
            if start < 0:
                continue
            span = (start, start + len(message.content))
        spans.append(span)
        cursor = span[1]
    return full, spans


def tokenize_example(tokenizer: Any, messages: Example, max_seq_length: int) -> tuple[TokenizedExample, bool]:
    """Token ids and labels (-100 everywhere but the trained assistant messages' tokens), cut at max_seq_length;
    returns whether it was cut."""
    try:
        text, spans = trained_spans(tokenizer, messages)
    except Exception as error:  # jinja2's TemplateError: some templates refuse a system message
        folded = fold_system_prompt(messages)
        if folded is messages:
            raise TrainerError("DATASET_UNREADABLE", f"The chat template cannot render an example: {error}") from error
        text, spans = trained_spans(tokenizer, folded)
    encoding = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    input_ids: list[int] = encoding["input_ids"]
    labels = [IGNORE_INDEX] * len(input_ids)
    span_index = 0
    for position, (start, end) in enumerate(encoding["offset_mapping"]):
        while span_index < len(spans) and start >= spans[span_index][1]:
            span_index += 1
        if span_index == len(spans):
            break
        span_start, span_end = spans[span_index]
        # Any overlap: a SentencePiece token "▁Two" may start at the space before the answer.
        if start < span_end and end > span_start and end > start:
            labels[position] = input_ids[position]
    truncated = len(input_ids) > max_seq_length
    return TokenizedExample(input_ids[:max_seq_length], labels[:max_seq_length]), truncated


# --- the validation split ---


def example_key(messages: Example) -> int:
    """A stable hash of the example's content: the same example always lands on the same side of the split."""
    text = json.dumps([[m.role, m.content, m.train] for m in messages], ensure_ascii=False)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def validation_size(examples: int, fraction: float, cap: int) -> int:
    """About `fraction` of the examples, at least 1 and at most `cap`; none when there are fewer than 2."""
    if examples < 2 or fraction <= 0:
        return 0
    return max(1, min(cap, round(examples * fraction), examples - 1))


def split_examples(examples: list[Example], fraction: float, cap: int) -> tuple[list[Example], list[Example]]:
    """(train, validation): the validation examples are those of smallest content hash, so the split is the same
    for the same dataset whatever its line order."""
    size = validation_size(len(examples), fraction, cap)
    order = sorted(range(len(examples)), key=lambda i: (example_key(examples[i]), i))
    held_out = set(order[:size])
    train = [example for i, example in enumerate(examples) if i not in held_out]
    validation = [examples[i] for i in sorted(held_out)]
    return train, validation


def prepare_data(
    path: Path,
    dataset_format: DatasetFormat,
    tokenizer: Any,
    max_seq_length: int,
    *,
    validation_fraction: float = 0.05,
    max_validation_examples: int = 200,
) -> PreparedData:
    """Reads, splits and tokenizes the dataset; DATASET_EMPTY when no example is left to train on."""
    source = ensure_chat_template(tokenizer)
    examples, skipped = read_examples(path, dataset_format)
    train_examples, validation_examples = split_examples(examples, validation_fraction, max_validation_examples)
    dropped = truncated = 0

    def tokenize_all(items: list[Example]) -> list[TokenizedExample]:
        nonlocal dropped, truncated
        kept = []
        for messages in items:
            tokenized, was_cut = tokenize_example(tokenizer, messages, max_seq_length)
            truncated += was_cut
            if tokenized.trained_tokens == 0:
                dropped += 1
            else:
                kept.append(tokenized)
        return kept

    train = tokenize_all(train_examples)
    validation = tokenize_all(validation_examples)
    if not train:
        raise TrainerError(
            "DATASET_EMPTY",
            f"No example is left to train on: {len(examples)} read, {skipped} lines skipped, "
            f"{dropped} with no trained token (every assistant message at weight 0, or cut off at "
            f"maxSeqLength {max_seq_length}).",
        )
    return PreparedData(
        train=train,
        validation=validation,
        examples=len(examples),
        skipped_lines=skipped,
        dropped_examples=dropped,
        truncated_examples=truncated,
        chat_template_source=source,
        stats={
            "train_examples": len(train),
            "validation_examples": len(validation),
            "train_tokens": sum(len(e.input_ids) for e in train),
            "trained_tokens": sum(e.trained_tokens for e in train),
        },
    )


# --- batching ---


class PaddingCollator:
    """Pads a batch to its longest example (input ids with the pad token, labels with -100) and adds the attention
    mask; with `multiple_of`, lengths round up to it (tensor cores like multiples of 8)."""

    def __init__(self, pad_token_id: int, multiple_of: int | None = None) -> None:
        self.pad_token_id = pad_token_id
        self.multiple_of = multiple_of

    def __call__(self, batch: Sequence[TokenizedExample | dict[str, Any]]) -> dict[str, torch.Tensor]:
        rows = [(item.input_ids, item.labels) if isinstance(item, TokenizedExample) else (item["input_ids"], item["labels"]) for item in batch]
        length = max(len(ids) for ids, _ in rows)
        if self.multiple_of:
            length = -(-length // self.multiple_of) * self.multiple_of
        input_ids = torch.full((len(rows), length), self.pad_token_id, dtype=torch.long)
        labels = torch.full((len(rows), length), IGNORE_INDEX, dtype=torch.long)
        attention_mask = torch.zeros((len(rows), length), dtype=torch.long)
        for row, (ids, row_labels) in enumerate(rows):
            input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
            labels[row, : len(ids)] = torch.tensor(row_labels, dtype=torch.long)
            attention_mask[row, : len(ids)] = 1
        return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}
