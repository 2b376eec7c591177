"""What is built on the core: precedents (agreed language), lineage of a series, word diffs."""
