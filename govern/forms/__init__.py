"""WTForms classes; each checks shape and hands a frozen input to a service."""
