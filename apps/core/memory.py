"""Memory management for bulk work in a long-lived process."""

import contextlib
import gc


@contextlib.contextmanager
def cyclic_gc_paused():
    """Pauses Python's cyclic garbage collector for a bulk step that makes tens of thousands of small,
    acyclic objects (parsed rows, records): each generation fills again and again, and every full
    collection walks the whole heap of a loaded Django process, which costs more than the step itself.
    Reference counting still frees everything as usual; cycles wait for the next collection after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
