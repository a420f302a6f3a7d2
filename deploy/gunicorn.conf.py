"""gunicorn settings for the 揭榜挂帅 platform: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`
(what `make run` does, with these defaults: http://127.0.0.1:5000).

Any setting can be changed on the command line or in GUNICORN_CMD_ARGS, which win over this
file, e.g. GUNICORN_CMD_ARGS="--bind 0.0.0.0:8000 --timeout 300"; WEB_CONCURRENCY sets the
number of worker processes.

The app is preloaded: the master imports wsgi.py once, which builds the matching indexes, and
forks the workers from it, so they share one copy. Nothing in the master may run a thread or
hold a lock when it forks (a lock held by a thread that does not exist in the child stays
held there for ever), hence no control-socket thread and the check in `pre_fork`.
"""

import gc
import os
import threading

# The workers are the parallelism; a BLAS thread pool per process would only oversubscribe the
# cores (set before the app, and numpy with it, is imported).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

bind = "127.0.0.1:5000"
# gunicorn's rule of thumb, on the cores this process may use (taskset, cpuset).
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * len(os.sched_getaffinity(0)) + 1)
worker_class = "gthread"
threads = 4  # per worker: requests waiting on the database do not hold up the others
preload_app = True

timeout = 120  # a worker silent this long is killed and replaced
graceful_timeout = 30  # on stop or reload, then workers still busy are killed
keepalive = 5  # seconds an idle keep-alive connection (from nginx) stays open

accesslog = "-"  # stdout; %(M)s is the request's duration in milliseconds
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
errorlog = "-"
loglevel = "info"

control_socket_disable = True  # its server is a thread in the master (see above)
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"  # the workers' heartbeat files never wait on a slow disk


def pre_fork(server, worker):
    others = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
    if others:
        server.log.error("forking a worker while other threads run in the master: %s", others)
    # What the master built is never collected: keep the collector's bookkeeping writes off
    # those pages, so the workers go on sharing them.
    gc.freeze()
