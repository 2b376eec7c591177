"""Data shipped with the analyzer: the UN term list and the table of member states and observers."""
