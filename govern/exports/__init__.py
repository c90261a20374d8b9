"""Pure builders: read models, return bytes or plain data; never write, never touch the request."""
