"""WSGI entry point: `gunicorn wsgi:app`."""

from transform import create_app

app = create_app()
