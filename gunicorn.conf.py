"""gunicorn's settings file, read from the working directory: what each worker does on start."""

import os
import sys


def post_worker_init(worker) -> None:
    # Search's dictionaries are mapped before the worker takes requests (and built, once per
    # host, if the install did not): not in the first search or post a reader sends to it.
    # Only when the app loaded is the forum.
    text = sys.modules.get("forum.search.text")
    if text is not None:
        text.load_dictionaries()


# One log format for gunicorn and the forum (forum.logs); no access log of gunicorn's own, as
# it would write each request's path, tokens in links included.
logger_class = "forum.logs.GunicornLogger"
accesslog = None


def child_exit(_server, worker) -> None:
    # A finished worker's metric files are merged into the dead's, so that /metrics of the
    # others keeps its counts (forum.metrics).
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
