"""Resource limits for work on untrusted input (a PDF bomb must fail its own task, not the worker)."""

import resource
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def address_space_limit(max_bytes: int | None) -> Iterator[None]:
    """Caps this process's address space while the block runs: an allocation past it raises MemoryError.
    Celery's prefork children run one task at a time, so the cap is the task's. The previous soft limit
    comes back afterwards. None means no cap."""
    if not max_bytes:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = max_bytes if hard == resource.RLIM_INFINITY else min(max_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
