"""A minimal Flask app: the baseline the meeting page is measured against."""

from flask import Flask

app = Flask(__name__)

PAGE = """<!doctype html>
<html lang="nb">
<head><meta charset="utf-8"><title>Hei</title></head>
<body><h1>Hei, verden</h1></body>
</html>
"""


@app.get("/")
def hello():
    return PAGE
