"""Read-only mode for maintenance (`roost maintenance on|off`): reads go on, writes wait."""
