"""The cancel token the training loop checks at each step, and the SIGTERM/SIGINT handler that sets it."""

from __future__ import annotations

import signal
import threading
from types import FrameType


class CancelToken:
    """A one-way flag with the reason it was set: the first reason given wins."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._reason: str | None = None

    def cancel(self, reason: str) -> None:
        """Asks the run to stop after the current optimizer step; safe from any thread or a signal handler."""
        # No lock: a signal handler may run while the main thread holds one. The race between two
        # first reasons is harmless.
        if self._reason is None:
            self._reason = reason
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    @property
    def reason(self) -> str | None:
        return self._reason

    def wait(self, timeout: float | None = None) -> bool:
        return self._event.wait(timeout)


def install_signal_handlers(token: CancelToken) -> None:
    """SIGTERM and SIGINT cancel the run (it stops after the current step, reports CANCELLED and exits)."""

    def handle(signum: int, _frame: FrameType | None) -> None:
        token.cancel(f"stopped by {signal.Signals(signum).name}")

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)


class Cancelled(Exception):
    """Raised inside the run when the cancel token is found set where the run cannot simply stop after a step."""
