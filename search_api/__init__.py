"""The one search layer (engine.py) and its faces: HTTP and the page (http/), the command line (cli/);
built on features/ (precedents, lineage, diff) and core/ (snapshots, arrays, query, evaluation),
with the shared vocabulary (models, errors, facets, params, labels) here at the root."""
