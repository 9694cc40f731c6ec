"""The API's routers, one per domain app."""
