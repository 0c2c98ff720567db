"""System calls of synchronisation: events, mutants, semaphores, waits."""

DECLARATIONS: dict = {}
