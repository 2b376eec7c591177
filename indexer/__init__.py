"""Reading UN General Assembly documents and writing the ga-search index."""
