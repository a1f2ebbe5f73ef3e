"""Pure helpers for building the site: text for templates, related releases, listings, feeds,
sitemap. No Pelican here; ``plugins/briefing_site`` calls these with plain values."""
