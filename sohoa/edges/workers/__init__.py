"""RQ on Redis: the queue the API feeds and the worker that digitizes queued dossiers."""
