"""`/docs`: the API's operations as a plain page from this site (no CDN), for admins only."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse


def docs_page(spec: dict[str, Any]) -> str:
    """Every operation of an OpenAPI document: method, path, summary, parameters."""
    rows = []
    for path, operations in sorted(spec.get("paths", {}).items()):
        for method, operation in operations.items():
            parameters = ", ".join(p["name"] for p in operation.get("parameters", []))
            body = "JSON body" if "requestBody" in operation else ""
            rows.append(f"<tr><td><code>{escape(method.upper())}</code></td>"
                        f"<td><code>{escape(path)}</code></td>"
                        f"<td>{escape(operation.get('summary', ''))}</td>"
                        f"<td>{escape(', '.join(x for x in (parameters, body) if x))}</td></tr>")
    title = escape(spec.get("info", {}).get("title", "API"))
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{title}: API</title><link rel=\"stylesheet\" href=\"/static/pace.css\">"
            f"</head><body><main><h1>{title}: API</h1><p>The machine-readable document: "
            "<a href=\"/openapi.json\">/openapi.json</a>. Log in with <code>POST /api/login"
            "</code>; the session cookie authorises the rest.</p><table><thead><tr>"
            "<th>method</th><th>path</th><th>what</th><th>takes</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></main></body></html>")


def mount_docs(app: FastAPI, admitted: Callable[..., Any]) -> None:
    """Serve /docs to the users `admitted` lets through (401/403 for the others)."""

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request, _user: Any = Depends(admitted)) -> HTMLResponse:  # noqa: B008
        return HTMLResponse(docs_page(request.app.openapi()))
