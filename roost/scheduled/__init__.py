"""Scheduled posts: kept until their time, then published by a job."""
