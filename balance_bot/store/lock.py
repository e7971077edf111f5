"""One bot per DATA_DIR: an exclusive flock on DATA_DIR/bot.lock, held while the bot runs.

The kernel drops the lock when the process ends, however it ends (`kill -9` included), so a
lock file left behind never blocks the next start. The holder writes its PID into the file,
for the message the second process prints.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from balance_bot.store.database import StoreError

LOCK_NAME = "bot.lock"


@contextlib.contextmanager
def data_dir_lock(data_dir: Path) -> Iterator[Path]:
    """Hold DATA_DIR's lock for the length of the block; StoreError when another bot holds it."""
    path = data_dir / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise StoreError(f"cannot create the lock file {path}: {exc.strerror or exc}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise StoreError(
                f"DATA_DIR {data_dir} is in use by another bot process (PID {holder}); "
                "stop it first or give this one its own DATA_DIR"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield path
    finally:
        os.close(fd)  # closing the only descriptor releases the lock
