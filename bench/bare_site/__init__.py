"""A bare Django site for bench/http_pages.py: one view rendering a small template, no
middleware, no database. The portal's pages are compared to it, under the same gunicorn
configuration, to show what the portal costs over Django itself."""
