"""Korean-aware search: analysis (build time and query time) and the browser's sharded index.

* :mod:`briefing.search.query` — ``query_terms(text)``: light, model-free; safe to import anywhere.
* :mod:`briefing.search.analyzer` — ``analyze_document(text)``: kiwipiepy, build time only.
* :mod:`briefing.search.client_index` — ``build_client_index(documents, out_dir, cache_dir)``.

Nothing is imported here so that importing the query side never loads the analyzer's model.
"""
