"""Action lists for case managers and site coordinators, and data requests reviewed by the hub and the data's owner."""
