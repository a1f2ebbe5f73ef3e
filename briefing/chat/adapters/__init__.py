"""Platform adapters of the chat function, each a few lines over :mod:`briefing.chat.http`.

``api/chat.py`` stays at the repository root only because Vercel looks for functions there; it
re-exports :mod:`.vercel`. ``requirements-chat.txt`` lists what a function bundle needs.
"""
