"""What an operator needs from the running processes: health, metrics, task hooks.

Above the apps (it may read every app), so no app imports it."""
