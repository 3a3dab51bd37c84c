"""How gunicorn serves Salespipe: `make run`, the bench and the screenshots read this file.

gunicorn reads it from the directory it starts in; the address to bind and the logs are
given on the command line by whoever starts it. `WEB_CONCURRENCY` overrides the number of
processes.

The app is served through ASGI by uvicorn workers: an open board or calendar keeps a live
feed open (SPEC B21), which costs a coroutine there, where a threaded WSGI worker would hold
one of its few threads for each. Views stay synchronous: each request runs in a thread of
its own, so that one waiting on the database never holds the others back.
"""

import os

worker_class = "uvicorn_worker.UvicornWorker"
# Two processes per core: while a request waits on the database, another one runs.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1)))
# Seconds an idle kept-alive connection stays open.
keepalive = 5
# A request runs in a thread of its own under ASGI, where a connection kept for the next
# request would be left behind: on PostgreSQL, each process keeps a pool of them instead.
raw_env = ["DATABASE_POOL=true"]
# At a restart, open live feeds are closed after this many seconds; browsers open them again.
graceful_timeout = 10
