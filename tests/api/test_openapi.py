"""GET /api/openapi.json and /api/docs: generated from the router's own
route table, present outside production mode only."""

import re

from helpers import unique_ip

# api-contract §0, the original's route inventory.
CONTRACT_ROUTES = [
    ("GET", "/health"),
    ("POST", "/api/v1/auth/register"), ("GET", "/api/v1/auth/verify-email"),
    ("POST", "/api/v1/auth/resend-verification"), ("POST", "/api/v1/auth/login"), ("GET", "/api/v1/auth/me"),
    ("POST", "/api/v1/auth/forgot-password"), ("POST", "/api/v1/auth/reset-password"),
    ("POST", "/api/v1/assessments/"), ("GET", "/api/v1/assessments/"),
    ("GET", "/api/v1/assessments/{assessment_id}"), ("POST", "/api/v1/assessments/token/{token}/start"),
    ("POST", "/api/v1/assessments/{assessment_id}/upload-cv"),
    ("POST", "/api/v1/assessments/token/{token}/upload-cv"),
    ("POST", "/api/v1/assessments/{assessment_id}/execute"), ("POST", "/api/v1/assessments/{assessment_id}/claude"),
    ("POST", "/api/v1/assessments/{assessment_id}/submit"), ("DELETE", "/api/v1/assessments/{assessment_id}"),
    ("POST", "/api/v1/assessments/{assessment_id}/resend"),
    ("POST", "/api/v1/assessments/{assessment_id}/post-to-workable"),
    ("GET", "/api/v1/assessments/{assessment_id}/report.pdf"), ("POST", "/api/v1/assessments/{assessment_id}/notes"),
    ("GET", "/api/v1/organizations/me"), ("PATCH", "/api/v1/organizations/me"),
    ("GET", "/api/v1/organizations/workable/authorize-url"), ("POST", "/api/v1/organizations/workable/connect"),
    ("POST", "/api/v1/webhooks/workable"), ("POST", "/api/v1/webhooks/stripe"),
    ("POST", "/api/v1/tasks/generate"), ("POST", "/api/v1/tasks/"), ("GET", "/api/v1/tasks/"),
    ("GET", "/api/v1/tasks/{task_id}"), ("PATCH", "/api/v1/tasks/{task_id}"), ("DELETE", "/api/v1/tasks/{task_id}"),
    ("GET", "/api/v1/analytics/"), ("GET", "/api/v1/billing/usage"), ("POST", "/api/v1/billing/checkout-session"),
    ("GET", "/api/v1/candidates/"), ("POST", "/api/v1/candidates/"), ("GET", "/api/v1/candidates/{candidate_id}"),
    ("PATCH", "/api/v1/candidates/{candidate_id}"), ("DELETE", "/api/v1/candidates/{candidate_id}"),
    ("POST", "/api/v1/candidates/{candidate_id}/upload-cv"),
    ("POST", "/api/v1/candidates/{candidate_id}/upload-job-spec"),
    ("GET", "/api/v1/users/"), ("POST", "/api/v1/users/invite"),
]


def concrete(path):
    return re.sub(r"\{[a-z_]*_id\}", "999999", path).replace("{token}", "no-such-token")


def is_routed(server, method, path):
    """True when the router knows method+path (any answer but the router's
    own 404 {"detail":"Not Found"} or 405)."""
    r = server.request(method, concrete(path), data=b"", headers={"X-Forwarded-For": unique_ip()})
    if r.status_code == 405:
        return False
    if r.status_code == 404 and r.headers.get("Content-Type") == "application/json" \
            and r.json() == {"detail": "Not Found"}:
        return False
    return True


def document(server):
    r = server.get("/api/openapi.json")
    assert r.status_code == 200, r.text
    return r.json()


def test_document_is_openapi_31(server):
    doc = document(server)
    assert doc["openapi"].startswith("3.1")
    assert doc["info"]["title"] == "TALI API"
    assert "/health" in doc["paths"]
    assert doc["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]["password"]["tokenUrl"] \
        == "/api/v1/auth/login"


def test_every_documented_operation_is_routed(server):
    doc = document(server)
    ops = [(m.upper(), p) for p, item in doc["paths"].items() for m in item]
    assert len(ops) >= 10
    missing = [(m, p) for m, p in ops if not is_routed(server, m, p)]
    assert not missing, f"documented but not routed: {missing}"


def test_every_routed_contract_path_is_documented(server):
    doc = document(server)
    documented = {(m.upper(), p) for p, item in doc["paths"].items() for m in item}
    routed = [(m, p) for m, p in CONTRACT_ROUTES if is_routed(server, m, p)]
    assert ("GET", "/health") in routed
    undocumented = [(m, p) for m, p in routed if (m, p) not in documented]
    assert not undocumented, f"routed but missing from /api/openapi.json: {undocumented}"


def test_path_parameters_and_auth_are_described(server):
    doc = document(server)
    for path, item in doc["paths"].items():
        names = re.findall(r"\{([a-z_]+)\}", path)
        for method, op in item.items():
            params = {p["name"]: p for p in op.get("parameters", []) if p["in"] == "path"}
            assert set(params) == set(names), (method, path)
            for n in names:
                assert params[n]["required"] is True
                if n.endswith("_id"):
                    assert params[n]["schema"]["type"] == "integer"
            assert op["responses"], (method, path)
    me = doc["paths"].get("/api/v1/auth/me", {}).get("get")
    if me is not None:
        assert me["security"] == [{"OAuth2PasswordBearer": []}]


def test_docs_page_lists_routes(server):
    r = server.get("/api/docs")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    assert "/health" in r.text and "/api/openapi.json" in r.text
    assert "<script" not in r.text  # self-contained: no third-party scripts


def test_test_hooks_are_not_documented(server):
    assert not [p for p in document(server)["paths"] if p.startswith("/__test__")]


def test_no_docs_in_production(server_factory):
    srv = server_factory.start({"FRONTEND_URL": "https://app.example.com",
                                "SECRET_KEY": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"})
    for path in ("/api/openapi.json", "/api/docs"):
        r = srv.get(path)
        assert r.status_code == 404 and r.json() == {"detail": "Not Found"}
