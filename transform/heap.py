"""The objects built at start-up, frozen out of the garbage collector's full passes.

Building the app imports pandas, SciPy, matplotlib, WeasyPrint and SQLAlchemy and sets
up models, blueprints and templates: some 340,000 container objects that live as long as
the process. Every full collection walks them all (0.1-0.4 s), and a report's first
render in a process sets off several. Once the first app is built they are moved to the
permanent generation (gc.freeze), which no collection walks; whatever is made afterwards
is collected as before. A forked worker (gunicorn, rq's work horse) also keeps sharing
its parent's pages, since the collector no longer writes to those objects.
"""

import gc


def freeze_startup_objects() -> None:
    """Freeze the objects alive now, once per process: later apps (tests build many)
    leave the collector as it is, so their objects stay collectable."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
