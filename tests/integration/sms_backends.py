"""An SMS backend for the kill test: announces that it is delivering, then blocks until a
release file appears, then writes like the file backend."""
import os
import time
from pathlib import Path

from notifications.sms.backends.base import SMSMessage, SMSResult
from notifications.sms.backends.file import FileSMSBackend


class BlockingFileSMSBackend(FileSMSBackend):
    def send(self, message: SMSMessage) -> SMSResult:
        started = Path(os.environ["SMS_BLOCK_STARTED"])
        release = Path(os.environ["SMS_BLOCK_RELEASE"])
        with open(started, "a") as fh:
            fh.write(f"{os.getpid()}\n")
        deadline = time.monotonic() + 60
        while not release.exists():
            if time.monotonic() > deadline:
                raise TimeoutError("release file never appeared")
            time.sleep(0.05)
        return super().send(message)
