"""`python -m search_api.cli`: the `ga-search` command."""

from search_api.cli.main import main

main()
