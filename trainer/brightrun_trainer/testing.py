"""Makes a tiny random Llama with its own trained BPE tokenizer and chat template, for tests (no hub download)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

SPECIAL_TOKENS = ["<pad>", "<s>", "<|im_start|>", "<|im_end|>", "<unk>"]

_CORPUS = """\
The quick brown fox jumps over the lazy dog. A LoRA adapter learns a low-rank update of the weights.
You are a helpful assistant. What is the capital of France? The capital of France is Paris.
How do I bake bread? Mix flour, water, salt and yeast, knead the dough, let it rise and bake it.
Tell me a joke. Why did the programmer quit his job? Because he did not get arrays.
Translate hello into Spanish. Hola. Translate thank you into French. Merci beaucoup.
What is two plus two? Two plus two is four. What is ten times three? Ten times three is thirty.
Summarise the text in one sentence. The model answers questions about cooking, travel and code.
system user assistant 0123456789 {}[]()<>:;,.!?'"-_/\\|@#$%^&*+=~`
Write a haiku about autumn. Leaves drift on cold wind, the river carries them home, quiet evening light.
"""


def make_tiny_model(
    directory: str | Path,
    *,
    hidden_size: int = 64,
    num_layers: int = 2,
    num_heads: int = 4,
    vocab_size: int = 640,
    intermediate_size: int | None = None,
    max_positions: int = 1024,
    chat_template: bool = True,
    seed: int = 0,
    initializer_range: float = 0.2,
) -> Path:
    """Writes a random LlamaForCausalLM and a fast BPE tokenizer (with a ChatML template unless told not) to directory."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer = make_tiny_tokenizer(vocab_size=vocab_size, chat_template=chat_template)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=intermediate_size or hidden_size * 2,
        num_hidden_layers=num_layers,
        num_attention_heads=num_heads,
        num_key_value_heads=num_heads,
        max_position_embeddings=max_positions,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=False,
        initializer_range=initializer_range,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def make_tiny_tokenizer(*, vocab_size: int = 640, chat_template: bool = True):
    """A byte-level BPE trained in-process on a small built-in corpus, as a transformers fast tokenizer."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE(unk_token=None))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    bpe.train_from_iterator(_CORPUS.splitlines(), trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        bos_token="<s>",
        eos_token="<|im_end|>",
        pad_token="<pad>",
        unk_token="<unk>",
        additional_special_tokens=["<|im_start|>"],
    )
    if chat_template:
        tokenizer.chat_template = CHATML_TEMPLATE
    return tokenizer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a tiny random Llama model and tokenizer for tests.")
    parser.add_argument("dir", help="the folder to write (created when missing)")
    parser.add_argument("--no-chat-template", action="store_true", help="save the tokenizer without a chat template")
    args = parser.parse_args(argv)
    path = make_tiny_model(args.dir, chat_template=not args.no_chat_template)
    json.dump({"path": str(path.resolve())}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
