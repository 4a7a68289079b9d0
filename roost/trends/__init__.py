"""Trends: the hashtags and posts many different people are using and sharing now."""
