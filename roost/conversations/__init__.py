"""Direct messages as conversations: one per thread and participant, with its newest
post and whether it was read."""
