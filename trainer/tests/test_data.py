"""Reading both formats, labels on trained assistant tokens only, truncation, the split and the collator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import chat_rows, jsonl, v4_rows
from transformers import AutoTokenizer

from brightrun_trainer.data import (
    CHATML_TEMPLATE,
    IGNORE_INDEX,
    Message,
    PaddingCollator,
    fetch_dataset,
    prepare_data,
    split_examples,
    to_messages,
    tokenize_example,
)
from brightrun_trainer.errors import TrainerError


@pytest.fixture(scope="module")
def tokenizer(tiny_model: Path):
    return AutoTokenizer.from_pretrained(tiny_model)


def trained_text(tokenizer, example) -> str:
    return tokenizer.decode([t for t, label in zip(example.input_ids, example.labels) if label != IGNORE_INDEX])


def untrained_text(tokenizer, example) -> str:
    return tokenizer.decode([t for t, label in zip(example.input_ids, example.labels) if label == IGNORE_INDEX])


def test_user_and_system_tokens_carry_no_loss(tokenizer) -> None:
    messages = to_messages(
        {
            "messages": [
                {"role": "system", "content": "You are a helpful assistant."},
                {"role": "user", "content": "What is two plus two?"},
                {"role": "assistant", "content": "Two plus two is four."},
                {"role": "user", "content": "And ten times three?"},
                {"role": "assistant", "content": "Ten times three is thirty."},
            ]
        },
        "CHAT_JSONL",
    )
    example, truncated = tokenize_example(tokenizer, messages, 512)
    assert not truncated
    # Every labelled position holds its own token (the model shifts labels itself).
    assert all(label in (IGNORE_INDEX, token) for token, label in zip(example.input_ids, example.labels))
    # The labelled tokens are exactly the two answers with their end-of-turn markers...
    assert trained_text(tokenizer, example) == "Two plus two is four.<|im_end|>\nTen times three is thirty.<|im_end|>\n"
    # ...and the system prompt, the questions and the generation prompts are all on the unlabelled side.
    rest = untrained_text(tokenizer, example)
    for text in ("<|im_start|>system\nYou are a helpful assistant.<|im_end|>", "What is two plus two?",
                 "And ten times three?", "<|im_start|>assistant\n"):
        assert text in rest


def test_weight_zero_assistant_messages_carry_no_loss(tokenizer) -> None:
    messages = to_messages(
        {
            "messages": [
                {"role": "user", "content": "Hello."},
                {"role": "assistant", "content": "Bad answer.", "weight": 0},
                {"role": "user", "content": "Again?"},
                {"role": "assistant", "content": "Good answer.", "weight": 1},
            ]
        },
        "CHAT_JSONL",
    )
    assert [m.train for m in messages] == [False, False, False, True]
    example, _ = tokenize_example(tokenizer, messages, 512)
    assert trained_text(tokenizer, example) == "Good answer.<|im_end|>\n"
    assert "Bad answer." in untrained_text(tokenizer, example)


def test_brightrun_v4_trains_only_the_target_response(tokenizer) -> None:
    row = v4_rows()[0]
    messages = to_messages(row, "BRIGHTRUN_LORA_V4")
    assert [(m.role, m.train) for m in messages] == [
        ("system", False), ("user", False), ("assistant", False), ("user", False), ("assistant", True)
    ]
    assert messages[-1].content == row["target_response"]
    example, _ = tokenize_example(tokenizer, messages, 512)
    assert trained_text(tokenizer, example) == row["target_response"] + "<|im_end|>\n"
    assert "Hola." in untrained_text(tokenizer, example)  # the history's assistant turn is context only


def test_v4_without_system_prompt_and_rows_that_are_not_examples() -> None:
    row = {**v4_rows()[0], "system_prompt": ""}
    assert [m.role for m in to_messages(row, "BRIGHTRUN_LORA_V4")] == ["user", "assistant", "user", "assistant"]
    assert to_messages({"messages": "nope"}, "CHAT_JSONL") is None
    assert to_messages({"conversation_history": []}, "BRIGHTRUN_LORA_V4") is None
    assert to_messages(["not", "an", "object"], "CHAT_JSONL") is None


def test_truncation_at_max_seq_length_and_examples_left_untrained_are_dropped(tokenizer, tmp_path: Path) -> None:
    long_answer = "The capital of France is Paris. " * 20
    rows = [{"messages": [{"role": "user", "content": "Tell me " * 40}, {"role": "assistant", "content": long_answer}]}]
    rows += chat_rows(copies=1, system=False)
    path = tmp_path / "data.jsonl"
    path.write_bytes(jsonl(rows))

    data = prepare_data(path, "CHAT_JSONL", tokenizer, 24, validation_fraction=0)
    assert all(len(e.input_ids) <= 24 for e in data.train)
    assert data.truncated_examples >= 1
    # The long example's question fills all 24 tokens: nothing of its answer is left, so it is dropped.
    assert data.dropped_examples == 1
    assert len(data.train) == len(rows) - 1

    # With room for part of the answer it stays, cut at the limit, its answer partly trained.
    whole, truncated = tokenize_example(tokenizer, to_messages(rows[0], "CHAT_JSONL"), 10_000)
    assert not truncated
    limit = len(whole.input_ids) - 10
    cut, truncated = tokenize_example(tokenizer, to_messages(rows[0], "CHAT_JSONL"), limit)
    assert truncated and len(cut.input_ids) == limit and 0 < cut.trained_tokens < whole.trained_tokens
    assert cut.labels == whole.labels[:limit]
    assert long_answer.startswith(trained_text(tokenizer, cut))


def test_chatml_fallback_when_the_tokenizer_has_no_template(tiny_model_no_template: Path, tmp_path: Path) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_no_template)
    assert not tokenizer.chat_template
    path = tmp_path / "data.jsonl"
    path.write_bytes(jsonl(chat_rows(copies=1)))
    data = prepare_data(path, "CHAT_JSONL", tokenizer, 128)
    assert data.chat_template_source == "chatml_fallback"
    assert tokenizer.chat_template == CHATML_TEMPLATE
    # The model's own BOS opens each example, and its EOS ends each answer and is trained: the adapter learns to stop.
    example = data.train[0]
    assert example.input_ids[0] == tokenizer.bos_token_id and example.labels[0] == -100
    trained = [token for token, label in zip(example.input_ids, example.labels) if label != -100]
    assert tokenizer.eos_token_id in trained
    tokenizer.save_pretrained(tmp_path / "saved")
    assert (tmp_path / "saved" / "chat_template.jinja").read_text() == CHATML_TEMPLATE


def test_validation_split_is_small_stable_and_order_independent() -> None:
    examples = [[Message("user", f"q{i}", False), Message("assistant", f"a{i}", True)] for i in range(100)]
    train, validation = split_examples(examples, 0.05, 200)
    assert len(validation) == 5 and len(train) == 95
    again_train, again_validation = split_examples(list(reversed(examples)), 0.05, 200)
    assert sorted(map(str, again_validation)) == sorted(map(str, validation))
    assert len(split_examples(examples[:3], 0.05, 200)[1]) == 1  # at least one
    assert len(split_examples(examples, 0.5, 7)[1]) == 7  # capped
    assert split_examples(examples[:1], 0.05, 200) == (examples[:1], [])  # one example: nothing held out


def test_collator_pads_labels_with_ignore_index() -> None:
    from brightrun_trainer.data import TokenizedExample

    batch = PaddingCollator(pad_token_id=0, multiple_of=4)(
        [TokenizedExample([5, 6, 7], [-100, 6, 7]), TokenizedExample([5, 6, 7, 8, 9], [-100, -100, 7, 8, 9])]
    )
    assert batch["input_ids"].tolist() == [[5, 6, 7, 0, 0, 0, 0, 0], [5, 6, 7, 8, 9, 0, 0, 0]]
    assert batch["labels"].tolist() == [[-100, 6, 7, -100, -100, -100, -100, -100], [-100, -100, 7, 8, 9, -100, -100, -100]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 0, 0, 0]]


def test_dataset_fetched_from_a_url_or_a_path(server, tmp_path: Path) -> None:
    content = jsonl(chat_rows(copies=1))
    fetched = fetch_dataset(server.dataset_url("d.jsonl", content), tmp_path)
    assert fetched.read_bytes() == content
    local = tmp_path / "local.jsonl"
    local.write_bytes(content)
    assert fetch_dataset(str(local), tmp_path) == local
    assert fetch_dataset(local.as_uri(), tmp_path) == local
    with pytest.raises(TrainerError) as error:
        fetch_dataset(f"{server.base}/datasets/missing.jsonl", tmp_path)
    assert error.value.code == "DATASET_UNREADABLE"


def test_unreadable_and_empty_datasets(tokenizer, tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps(chat_rows(1)[0]) + "\n{not json\n")
    with pytest.raises(TrainerError) as error:
        prepare_data(broken, "CHAT_JSONL", tokenizer, 128)
    assert error.value.code == "DATASET_UNREADABLE" and "Line 2" in error.value.message

    nothing = tmp_path / "nothing.jsonl"
    nothing.write_bytes(
        jsonl([{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hey", "weight": 0}]}])
        + b"\n\n"
    )
    with pytest.raises(TrainerError) as error:
        prepare_data(nothing, "CHAT_JSONL", tokenizer, 128)
    assert error.value.code == "DATASET_EMPTY"
