"""Provider-neutral core: status model, clock, store, rules, dispatcher.

Nothing in this package imports aiohttp.web or any provider module; providers
translate between their wire formats and these objects.
"""
