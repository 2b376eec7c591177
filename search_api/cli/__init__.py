"""The command line: `ga-search` and its commands, options from the parameter table, rendering."""
