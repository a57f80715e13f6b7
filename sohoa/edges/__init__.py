"""The edges: the `sohoa` CLI, the HTTP API, the RQ worker and the web pages. Each is a thin shell over the
services and the lifecycle, translating typed errors into exit codes and status codes."""
