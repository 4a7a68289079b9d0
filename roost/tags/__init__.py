"""tags: hashtags people follow (their posts reach the follower's home) and feature on
their profiles. The `tags` and `status_tags` tables themselves belong to statuses."""
