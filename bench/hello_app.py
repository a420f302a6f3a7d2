"""The baseline for bench/load.py: a bare Flask "hello", served by the same gunicorn."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
