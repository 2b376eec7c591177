"""The HTTP face: the Starlette service, its OpenAPI description, serving with workers, the page."""
