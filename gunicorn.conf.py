# Read by gunicorn from the directory it starts in (the image's /app, `make security`).
# Its access log, when turned on (--access-logfile -), never holds a manage or feed token or
# an admin search: see practice/gunicorn_logging.py.
logger_class = "practice.gunicorn_logging.RedactingLogger"
