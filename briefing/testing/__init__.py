"""Stand-ins for the outside world, used by the tests, the demo, the end-to-end run and the benches.

A fake korea.kr + data.go.kr (:mod:`.fakeportal`), a fake OpenAI-compatible LLM (:mod:`.fakellm`),
synthetic releases (:mod:`.synthetic`) and tiny generated documents (:mod:`.sample_documents`). They
are real servers on 127.0.0.1 and real files, not mocks; nothing in the product imports this room.
"""
