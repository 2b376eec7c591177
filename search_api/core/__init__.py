"""The computing core: snapshots and their arrays, the query language, evaluation, facets, highlights, documents."""
