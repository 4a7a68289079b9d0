"""Web Push: subscriptions, VAPID keys, and encrypted pushes sent by a job."""
