"""The instance's own pages: its extended description, privacy policy and terms of
service (admin-edited Markdown), its weekly activity and its NodeInfo."""
