"""How gunicorn serves Salespipe: `make run` and the bench both read this file.

gunicorn reads it from the directory it starts in; the address to bind and the logs are
given on the command line by whoever starts it. `WEB_CONCURRENCY` and `THREADS` override the
number of processes and of threads in each.
"""

import os

# Threaded workers keep a client's connection open between its requests, as an API script
# or a browser expects; sync workers close it after every answer, so that each request pays
# a new TCP connection.
worker_class = "gthread"
# Two processes per core: while a request waits on the database, another one runs.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1)))
threads = int(os.environ.get("THREADS", 2))
# Seconds an idle kept-alive connection stays open.
keepalive = 5
