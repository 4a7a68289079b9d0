"""Media: uploaded pictures, video and audio, processed in a job and kept in a storage
backend (a local directory, or an S3-compatible object store)."""
