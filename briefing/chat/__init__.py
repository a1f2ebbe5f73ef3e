"""The policy assistant ("AI 정책 비서"): retrieval over the releases and a cited answer.

Runtime (what the deployed function loads): :mod:`.answer` (question → events), :mod:`.retrieval`
(the index reader), :mod:`.http` (one HTTP contract), :mod:`.serve` (local dev server) and
:mod:`.adapters` (Vercel, AWS Lambda). Build time only: :mod:`.index_build` (writes the index from
the releases; imports the Korean analyser). Nothing here imports the build side at import time.
"""
