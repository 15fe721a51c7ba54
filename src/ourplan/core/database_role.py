"""SQL for the PostgreSQL role the app runs as: it may add audit rows but never change them."""

from __future__ import annotations

from django.db import connection

AUDIT_TABLE = "core_auditentry"


def app_role_sql(role: str, *, login: bool = True) -> list[str]:
    """Statements that create ``role`` with full use of every table except UPDATE/DELETE on the audit log.

    Run them as the database owner after migrating; see docs/operations.md.
    """
    quoted = connection.ops.quote_name(role)
    return [
        f"CREATE ROLE {quoted} {'LOGIN' if login else 'NOLOGIN'}",
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {AUDIT_TABLE} FROM {quoted}",
    ]
