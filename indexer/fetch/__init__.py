"""Getting real documents: `ga-search fetch` from ODS (ods.py: HTTP; store.py: files; run.py: the run)."""
