"""gunicorn configuration of the portal: `make serve` uses it, and so should a deployment
(`gunicorn -c gunicorn.conf.py vssid_portal.wsgi`). Every value can be set from the
environment (GUNICORN_*); README "Running at national scale" says how to size them.

Put a buffering reverse proxy (nginx with its default `proxy_request_buffering on`) in front:
a worker then never waits on a slow phone's upload or download, and the proxy's own body
limit (`client_max_body_size 47m`) matches the portal's.
"""
import multiprocessing
import os

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, one per core plus one: a request is CPU work in Python (the GIL makes
# threads in one worker share one core), and with a buffering proxy in front no worker
# waits on a client. GUNICORN_THREADS > 1 switches to gthread workers, for running without
# such a proxy (slow clients then hold a thread, not a whole worker).
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1)
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
# The slowest answer the portal gives is a registration with three photos (≈ 1 s of CPU);
# a request past 30 s is stuck, and its worker is replaced.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Workers are replaced now and then (a slow leak in a library cannot grow forever), not all
# at the same moment.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Request line and headers as small as the portal needs (414/431 before Django).
limit_request_line = _int("GUNICORN_LIMIT_REQUEST_LINE", 4094)
limit_request_fields = _int("GUNICORN_LIMIT_REQUEST_FIELDS", 100)
limit_request_field_size = _int("GUNICORN_LIMIT_REQUEST_FIELD_SIZE", 8190)
# Which front servers may set X-Forwarded-Proto (the portal reads X-Forwarded-For itself,
# through TRUSTED_PROXIES / NUM_PROXIES).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Workers share the application's code pages; no connection is opened at import.
preload_app = True
# gunicorn's control socket (gunicornc) only where asked for: its default path is one per
# user, which two instances on one machine (two nodes, a bench) would fight over.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The path without its query string (look-ups carry BHXH codes, names and dates of birth
# there), with its tokens masked; method, status, bytes and the time taken in µs.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(D)s'


class PortalLogger(Logger):
    """The access log never holds a token of a link that opens a declaration (SMS and PDF
    links) nor a query string."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        from vssid_portal.log_filters import mask_tokens

        atoms["U"] = mask_tokens(atoms.get("U", ""))
        atoms["r"] = f"{atoms.get('m', '-')} {atoms['U']} {atoms.get('H', '-')}"
        atoms["q"] = "-"
        return atoms


logger_class = PortalLogger
