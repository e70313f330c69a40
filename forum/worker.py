"""The job worker's command, `forum-worker [huey_consumer's options]`: huey's consumer of
forum.jobs.huey, its every line in the forum's logging (forum.logs: JSON lines outside `make
run`) from the first. huey's own `huey_consumer` writes its start in a format of its own, before
the worker's first task makes the app that sets up the forum's logging.
"""

import logging
import os
import sys

from huey.bin.huey_consumer import OptionParserHandler
from huey.consumer_options import ConsumerConfig

from forum import logs
from forum.config import env_flag


def main(argv: list[str] | None = None) -> None:
    options, _args = OptionParserHandler().get_option_parser().parse_args(argv)
    config = ConsumerConfig(**{k: v for k, v in vars(options).items() if v is not None})
    config.validate()
    development = env_flag("FORUM_DEVELOPMENT", False)
    logs.configure(
        json=env_flag("FORUM_LOG_JSON", not development),
        level=os.environ.get("FORUM_LOG_LEVEL", "INFO"),
        stream=open(config.logfile, "a") if config.logfile else None,  # noqa: SIM115 - the worker's life
    )
    logs.configured_before_app = True
    logging.getLogger("huey").setLevel(config.loglevel)  # its --quiet and --verbose
    from forum.jobs import huey  # after logging is set up: the import makes the queue

    huey.create_consumer(**config.values).run()


if __name__ == "__main__":
    main(sys.argv[1:])
