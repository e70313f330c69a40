"""gunicorn's settings file, read from the working directory: what each worker does on start."""

import sys


def post_worker_init(worker) -> None:
    # simplemma reads a language's dictionary on its first lemma, about five seconds for fi, sv
    # and en together: done here, before the worker takes requests, instead of in the first
    # search or post a reader sends to it. Only when the app loaded is the forum.
    text = sys.modules.get("forum.search.text")
    if text is not None:
        text.load_dictionaries()
