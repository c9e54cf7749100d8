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


# ---- per-route description: parameters, request bodies, responses ----

def operations(doc):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            yield method.upper(), path, op


def resolve(doc, schema):
    """The schema behind a local $ref (one level), or the schema itself."""
    ref = schema.get("$ref")
    if ref is None:
        return schema
    assert ref.startswith("#/components/schemas/"), ref
    return doc["components"]["schemas"][ref.rsplit("/", 1)[1]]


def body_schema(doc, op, media="application/json"):
    assert "requestBody" in op, op.get("operationId")
    return resolve(doc, op["requestBody"]["content"][media]["schema"])


def success(op):
    codes = sorted(c for c in op["responses"] if c.startswith("2"))
    assert len(codes) == 1, (op["operationId"], codes)
    return codes[0], op["responses"][codes[0]]


def query_params(op):
    return {p["name"]: p for p in op.get("parameters", []) if p["in"] == "query"}


# api-contract §3: the JSON fields each body-carrying endpoint accepts.
CONTRACT_JSON_BODIES = {
    ("POST", "/api/v1/auth/register"): {"email", "password", "full_name", "organization_name"},
    ("POST", "/api/v1/auth/resend-verification"): {"email"},
    ("POST", "/api/v1/auth/forgot-password"): {"email"},
    ("POST", "/api/v1/auth/reset-password"): {"token", "new_password"},
    # D28 (spec v2 §3): today's relaxed body adds three fields
    ("POST", "/api/v1/assessments/"): {"candidate_email", "candidate_name", "task_id", "duration_minutes",
                                       "application_id", "role_id", "allow_external_clipboard"},
    # D31: today's start body (February's start sends none)
    ("POST", "/api/v1/assessments/token/{token}/start"): {"candidate_session_key", "candidate_proof_key_id",
                                                          "candidate_proof_public_jwk", "calibration_warmup_prompt"},
    ("POST", "/api/v1/assessments/{assessment_id}/execute"): {"code"},
    ("POST", "/api/v1/assessments/{assessment_id}/claude"): {
        "message", "conversation_history", "code_context", "paste_detected", "browser_focused",
        "time_since_last_prompt_ms"},
    ("POST", "/api/v1/assessments/{assessment_id}/submit"): {"final_code", "tab_switch_count"},
    ("POST", "/api/v1/assessments/{assessment_id}/notes"): {"note"},
    ("PATCH", "/api/v1/organizations/me"): {"name", "workable_config"},
    ("POST", "/api/v1/organizations/workable/connect"): {"code"},
    ("POST", "/api/v1/tasks/generate"): {"prompt", "difficulty", "duration_minutes"},
    ("POST", "/api/v1/tasks/"): {
        "name", "description", "task_type", "difficulty", "duration_minutes", "starter_code", "test_code",
        "sample_data", "dependencies", "success_criteria", "test_weights", "is_template", "calibration_prompt",
        "score_weights", "recruiter_weight_preset", "proctoring_enabled"},
    ("PATCH", "/api/v1/tasks/{task_id}"): {
        "name", "description", "task_type", "difficulty", "duration_minutes", "starter_code", "test_code",
        "is_active", "calibration_prompt", "score_weights", "recruiter_weight_preset", "proctoring_enabled"},
    ("POST", "/api/v1/billing/checkout-session"): {"success_url", "cancel_url"},
    ("POST", "/api/v1/candidates/"): {"email", "full_name", "position"},
    ("PATCH", "/api/v1/candidates/{candidate_id}"): {"full_name", "position"},
    ("POST", "/api/v1/users/invite"): {"email", "full_name"},
}

# Today's body fields the kept routes also accept (v2 spec §2.8, §2.10, §2.12;
# §3 D21-D26: superset bodies).
V2_TASK_BODY = {"claude_budget_limit_usd", "task_key", "role", "scenario", "repo_structure", "evaluation_rubric",
                "extra_data", "expected_insights", "valid_solutions", "expected_approaches"}
V2_LEAD_BODY = {"work_email", "company_name", "company_size", "lead_source", "marketing_consent"}
CONTRACT_JSON_BODIES[("PATCH", "/api/v1/organizations/me")] |= {
    "fireflies_config", "workspace_settings", "scoring_policy", "ai_tooling_config", "notification_preferences",
    "allowed_email_domains", "sso_enforced", "saml_enabled", "saml_metadata_url", "two_factor_required",
    "default_assessment_duration_minutes", "invite_email_template", "default_role_budget_cents",
    "default_score_threshold", "monthly_spend_cap_cents"}
CONTRACT_JSON_BODIES[("POST", "/api/v1/tasks/")] |= V2_TASK_BODY
CONTRACT_JSON_BODIES[("PATCH", "/api/v1/tasks/{task_id}")] |= V2_TASK_BODY
CONTRACT_JSON_BODIES[("POST", "/api/v1/candidates/")] |= V2_LEAD_BODY
CONTRACT_JSON_BODIES[("PATCH", "/api/v1/candidates/{candidate_id}")] |= V2_LEAD_BODY

# Operations that take no body at all (a POST that would otherwise be given
# a generic JSON body).
NO_BODY = {
    ("POST", "/api/v1/assessments/{assessment_id}/resend"),
    ("POST", "/api/v1/assessments/{assessment_id}/post-to-workable"),
}

# Operations that answer 401 without being bearer-authenticated.
OTHER_401 = {
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/assessments/{assessment_id}/upload-cv"),
    ("POST", "/api/v1/webhooks/workable"),
}


def test_json_bodies_list_the_contract_fields(server):
    doc = document(server)
    ops = {(m, p): op for m, p, op in operations(doc)}
    for key, fields in CONTRACT_JSON_BODIES.items():
        if key not in ops:
            continue
        schema = body_schema(doc, ops[key])
        assert schema["type"] == "object", key
        assert set(schema["properties"]) == fields, key
        assert set(schema.get("required", [])) <= fields, key
    for key in NO_BODY:
        if key in ops:
            assert "requestBody" not in ops[key], key
    # every other body-carrying operation says what it accepts
    for method, path, op in operations(doc):
        if method in ("POST", "PATCH", "PUT") and (method, path) not in NO_BODY:
            content = op["requestBody"]["content"]
            assert content, (method, path)
            for media in content.values():
                schema = resolve(doc, media["schema"])
                assert schema.get("type") == "object", (method, path)


def test_register_body_precisely(server):
    doc = document(server)
    schema = body_schema(doc, doc["paths"]["/api/v1/auth/register"]["post"])
    assert set(schema["required"]) == {"email", "password", "full_name"}
    props = schema["properties"]
    assert props["password"]["type"] == "string"
    assert props["password"]["minLength"] == 8 and props["password"]["maxLength"] == 200
    assert props["full_name"]["minLength"] == 1 and props["full_name"]["maxLength"] == 200
    assert props["email"]["format"] == "email"
    assert props["organization_name"]["type"] == ["string", "null"]
    assert props["organization_name"]["maxLength"] == 200
    resp = doc["paths"]["/api/v1/auth/register"]["post"]["responses"]
    assert "Email already registered" in resp["400"]["description"]


def test_other_bodies_precisely(server):
    doc = document(server)
    p = doc["paths"]
    reset = body_schema(doc, p["/api/v1/auth/reset-password"]["post"])["properties"]
    assert (reset["token"]["minLength"], reset["token"]["maxLength"]) == (16, 500)
    assert (reset["new_password"]["minLength"], reset["new_password"]["maxLength"]) == (8, 200)
    if "/api/v1/assessments/" in p:
        create = body_schema(doc, p["/api/v1/assessments/"]["post"])
        assert set(create["required"]) == set()  # D28: candidate_email or application_id, checked by the model
        d = create["properties"]["duration_minutes"]
        assert (d["minimum"], d["maximum"], d["default"]) == (15, 180, 30)
        assert create["properties"]["task_id"]["exclusiveMinimum"] == 0
        chat = body_schema(doc, p["/api/v1/assessments/{assessment_id}/claude"]["post"])
        assert chat["required"] == ["message"]
        assert chat["properties"]["message"]["maxLength"] == 4000
        hdrs = {x["name"]: x for x in p["/api/v1/assessments/{assessment_id}/execute"]["post"]["parameters"]
                if x["in"] == "header"}
        assert hdrs["X-Assessment-Token"]["required"] is True
    if "/api/v1/tasks/" in p:
        task = body_schema(doc, p["/api/v1/tasks/"]["post"])
        assert set(task["required"]) == {"name", "description", "task_type", "difficulty", "starter_code",
                                         "test_code"}
        assert task["properties"]["description"]["maxLength"] == 5000
        assert task["properties"]["test_code"]["maxLength"] == 100000


def test_login_is_form_encoded(server):
    doc = document(server)
    op = doc["paths"]["/api/v1/auth/login"]["post"]
    assert list(op["requestBody"]["content"]) == ["application/x-www-form-urlencoded"]
    schema = body_schema(doc, op, "application/x-www-form-urlencoded")
    assert set(schema["required"]) == {"username", "password"}
    assert {"username", "password", "grant_type"} <= set(schema["properties"])
    assert resolve(doc, success(op)[1]["content"]["application/json"]["schema"])["properties"]["token_type"]


def test_uploads_are_multipart_with_file(server):
    doc = document(server)
    p = doc["paths"]
    uploads = [("/api/v1/candidates/{candidate_id}/upload-cv", {"file"}),
               ("/api/v1/candidates/{candidate_id}/upload-job-spec", {"file"}),
               ("/api/v1/assessments/{assessment_id}/upload-cv", {"file", "token"}),
               ("/api/v1/assessments/token/{token}/upload-cv", {"file"})]
    for path, required in uploads:
        if path not in p:
            continue
        op = p[path]["post"]
        assert list(op["requestBody"]["content"]) == ["multipart/form-data"], path
        schema = body_schema(doc, op, "multipart/form-data")
        assert set(schema["required"]) == required, path
        assert schema["properties"]["file"] == {"type": "string", "format": "binary",
                                                "description": schema["properties"]["file"].get("description")}
        assert "File must be 5MB or smaller" in op["responses"]["400"]["description"], path


def test_list_endpoints_document_paging(server):
    doc = document(server)
    for path in ("/api/v1/assessments/", "/api/v1/candidates/"):
        if path not in doc["paths"]:
            continue
        op = doc["paths"][path]["get"]
        q = query_params(op)
        assert q["limit"]["schema"]["minimum"] == 1 and q["limit"]["schema"]["maximum"] == 100
        assert q["limit"]["schema"]["default"] == 50 and q["limit"]["required"] is False
        assert q["offset"]["schema"]["minimum"] == 0 and q["offset"]["schema"]["default"] == 0
        envelope = resolve(doc, success(op)[1]["content"]["application/json"]["schema"])
        assert list(envelope["properties"]) == ["items", "total", "limit", "offset"]
        assert resolve(doc, envelope["properties"]["items"]["items"])["type"] == "object"
    if "/api/v1/candidates/" in doc["paths"]:
        assert "q" in query_params(doc["paths"]["/api/v1/candidates/"]["get"])
    if "/api/v1/assessments/" in doc["paths"]:
        assert {"status", "task_id", "candidate_id"} <= set(query_params(doc["paths"]["/api/v1/assessments/"]["get"]))
    verify = query_params(doc["paths"]["/api/v1/auth/verify-email"]["get"])["token"]
    assert verify["required"] is True and verify["schema"]["minLength"] == 16


def test_every_operation_documents_its_success_response(server):
    doc = document(server)
    for method, path, op in operations(doc):
        code, resp = success(op)
        assert resp.get("description"), (method, path)
        if code == "204":
            assert "content" not in resp, (method, path)
            continue
        content = resp["content"]
        assert len(content) == 1, (method, path)
        schema = next(iter(content.values()))["schema"]
        assert schema, (method, path)  # not the generic {}
        schema = resolve(doc, schema)
        if schema.get("type") == "object":
            assert schema.get("properties"), (method, path)


def test_response_objects_in_contract_order(server):
    doc = document(server)
    schemas = doc["components"]["schemas"]
    assert list(schemas["User"]["properties"]) == [
        "id", "email", "full_name", "is_active", "is_email_verified", "organization_id", "created_at"]
    assert schemas["User"]["properties"]["full_name"]["type"] == ["string", "null"]
    assert schemas["User"]["properties"]["created_at"]["format"] == "date-time"
    me = doc["paths"]["/api/v1/auth/me"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert me == {"$ref": "#/components/schemas/User"}
    if "Assessment" in schemas:
        model, item = schemas["Assessment"], schemas["AssessmentListItem"]
        assert len(model["properties"]) == 107 and len(item["properties"]) == 110  # D30 supersets
        assert list(model["properties"])[:8] == ["id", "organization_id", "candidate_id", "task_id", "role_id",
                                                 "application_id", "token", "status"]  # today's order (D30)
        assert list(item["properties"])[55:58] == ["candidate_name", "candidate_email", "task_name"]
        assert model["properties"]["candidate_id"]["type"] == "integer"
        assert item["properties"]["candidate_id"]["type"] == ["integer", "null"]
        assert model["properties"]["timeline"]["items"] == {"$ref": "#/components/schemas/TimelineEntry"}
    if "Task" in schemas:
        assert list(schemas["Task"]["properties"])[:3] == ["id", "name", "description"]
    if "Candidate" in schemas:
        assert list(schemas["Candidate"]["properties"])[-1] == "created_at"


def test_every_operation_that_can_401_says_so(server):
    doc = document(server)
    for method, path, op in operations(doc):
        bearer = op.get("security") == [{"OAuth2PasswordBearer": []}]
        if bearer or (method, path) in OTHER_401:
            assert "401" in op["responses"], (method, path)
            assert resolve(doc, op["responses"]["401"]["content"]["application/json"]["schema"])[
                "required"] == ["detail"]
        else:
            assert "401" not in op["responses"], (method, path)
    login = doc["paths"]["/api/v1/auth/login"]["post"]["responses"]["401"]
    assert "Incorrect email or password" in login["description"]


def test_error_statuses_name_their_details(server):
    doc = document(server)
    for method, path, op in operations(doc):
        for code, resp in op["responses"].items():
            if code.startswith(("4", "5")):
                schema = resp["content"]["application/json"]["schema"]
                want = "HTTPValidationError" if code == "422" else "HTTPError"
                assert schema == {"$ref": f"#/components/schemas/{want}"}, (method, path, code)
                assert resp["description"], (method, path, code)
    p = doc["paths"]
    if "/api/v1/tasks/{task_id}" in p:
        assert "Cannot delete task" in p["/api/v1/tasks/{task_id}"]["delete"]["responses"]["400"]["description"]
    if "/api/v1/assessments/{assessment_id}/execute" in p:
        r = p["/api/v1/assessments/{assessment_id}/execute"]["post"]["responses"]
        assert "Invalid assessment token" in r["403"]["description"]
        assert "Active assessment not found" in r["404"]["description"]


def walk_refs(node, where=""):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield where, v
            else:
                yield from walk_refs(v, f"{where}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk_refs(v, f"{where}/{i}")


def test_document_is_structurally_valid(server):
    doc = document(server)
    schemas = doc["components"]["schemas"]
    refs = list(walk_refs(doc))
    assert refs
    for where, ref in refs:
        assert ref.startswith("#/components/schemas/"), (where, ref)
        assert ref.rsplit("/", 1)[1] in schemas, f"unresolved $ref {ref} at {where}"
    op_ids = [op["operationId"] for _, _, op in operations(doc)]
    assert len(op_ids) == len(set(op_ids))
    types = {"string", "integer", "number", "boolean", "object", "array", "null"}
    for where, node in walk_schemas(doc):
        t = node.get("type")
        if t is not None:
            for x in (t if isinstance(t, list) else [t]):
                assert x in types, (where, t)
        if "required" in node and node.get("type") in ("object", ["object", "null"]):
            assert set(node["required"]) <= set(node.get("properties", {})), where
    for method, path, op in operations(doc):
        for p in op.get("parameters", []):
            assert p["in"] in ("path", "query", "header"), (method, path)
            assert isinstance(p["required"], bool) and "schema" in p, (method, path, p["name"])
        if "requestBody" in op:
            assert op["requestBody"]["content"], (method, path)
        for code, resp in op["responses"].items():
            assert re.fullmatch(r"[1-5]\d\d", code), (method, path, code)
            assert isinstance(resp.get("description"), str), (method, path, code)


def walk_schemas(doc):
    """Every schema object in the document: components/schemas and the
    schemas of parameters, request bodies and responses, with nested
    properties, items and additionalProperties."""
    def rec(node, where):
        yield where, node
        for name, sub in node.get("properties", {}).items():
            yield from rec(sub, f"{where}/properties/{name}")
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                yield from rec(node[key], f"{where}/{key}")
    for name, schema in doc["components"]["schemas"].items():
        yield from rec(schema, f"#/components/schemas/{name}")
    for method, path, op in operations(doc):
        for p in op.get("parameters", []):
            yield from rec(p["schema"], f"{method} {path} parameter {p['name']}")
        for media, c in op.get("requestBody", {}).get("content", {}).items():
            yield from rec(c["schema"], f"{method} {path} body {media}")
        for code, resp in op["responses"].items():
            for media, c in resp.get("content", {}).items():
                yield from rec(c["schema"], f"{method} {path} {code} {media}")
