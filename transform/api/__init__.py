"""The versioned JSON API under /api/v1, described by an OpenAPI document built from the
same pydantic schemas its endpoints validate with."""
