"""The partner REST API (django-ninja): partner systems push submissions with a token of their own."""
