"""Small status trackers and the client code around them, written the way real integrations are.

``trackers.py`` holds four trackers with the bugs WhatsApp integrations keep shipping and one
correct tracker; ``clients.py`` sends through each provider and feeds a tracker from its
webhooks (or, for Mojeeb, which never pushes, from polling). tests/orderings/ shows the
``wa_orderings`` fixture finding each bug.
"""
