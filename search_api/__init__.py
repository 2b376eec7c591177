"""The one search layer (engine.py) and its three faces: HTTP (app.py), web page (static/), CLI (cli.py)."""
