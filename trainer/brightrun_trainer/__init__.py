"""BrightRun's LoRA trainer: turns a chat dataset into a LoRA adapter and reports to the server (see CONTRACT.md)."""

__version__ = "0.1.0"
