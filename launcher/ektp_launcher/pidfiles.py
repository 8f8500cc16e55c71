"""The processes a ``make up`` started, one pid file each (``<run dir>/pids/<name>.pid``), so that the next
``make up`` finds what a hard stop (SIGKILL, a closed terminal) left running. A file holds the pid and the
process's start time: a pid the system has since given to another program is never taken for ours."""
from __future__ import annotations

import contextlib
from collections.abc import Collection, Mapping
from pathlib import Path

import psutil


class PidFiles:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def record(self, name: str, pid: int) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{name}.pid").write_text(f"{pid} {psutil.Process(pid).create_time()!r}\n")

    def forget(self, name: str) -> None:
        (self.folder / f"{name}.pid").unlink(missing_ok=True)

    def running(self) -> dict[str, psutil.Process]:
        """The recorded processes still running, by name; the files of the others are removed."""
        found = {}
        for path in sorted(self.folder.glob("*.pid")):
            try:
                pid, started = path.read_text().split()
                process = psutil.Process(int(pid))
                if abs(process.create_time() - float(started)) < 0.01 and process.status() != psutil.STATUS_ZOMBIE:
                    found[path.stem] = process
                    continue
            except (ValueError, psutil.NoSuchProcess):  # garbled, or gone
                pass
            path.unlink(missing_ok=True)
        return found


def stop(processes: Mapping[str, psutil.Process], at_once: Collection[str] = (), timeout: float = 15) -> None:
    """SIGTERM each process and its children (workers finish the message in hand, gunicorn its requests), SIGKILL
    the ``at_once`` ones and whatever is still there after ``timeout``."""
    everyone = []
    for name, process in processes.items():
        try:
            everyone += [(name, member) for member in (process, *process.children(recursive=True))]
        except psutil.NoSuchProcess:
            pass
    for name, process in everyone:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill() if name in at_once else process.terminate()
    _, alive = psutil.wait_procs([process for _, process in everyone], timeout=timeout)
    for process in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    psutil.wait_procs(alive, timeout=5)
