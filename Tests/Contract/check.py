"""Checks every answer the Swift tests received against openapi.yaml (openapi-core, from PyPI).

    check.py openapi.yaml exchanges.jsonl

Each line of the log is one exchange (method, path, query, status, content type, body in base64), written by
the tests' client when AP_CONTRACT_LOG is set (Tests/ServiceHarness). Every answer must be one the document
allows for that operation and status: its schema, its content type. Prints each kind of mismatch once, with
how often it was seen, and exits 1 if there was any.
"""
import base64
import collections
import json
import sys

from openapi_core import Config, OpenAPI
from openapi_core.templating.paths.exceptions import PathNotFound
from openapi_core.testing import MockRequest, MockResponse


def main():
    spec, log = sys.argv[1], sys.argv[2]
    # A problem is JSON too; a property the document does not name is a drift, as much as a missing one.
    config = Config(extra_media_type_deserializers={"application/problem+json": json.loads, "text/csv": bytes.decode},
                    additional_properties_default_policy="forbid")
    api = OpenAPI.from_file_path(spec, config=config)
    seen = 0
    problems = collections.Counter()
    examples = {}
    with open(log) as f:
        for line in f:
            e = json.loads(line)
            content_type = e["contentType"].split(";")[0].strip() or "application/octet-stream"
            request = MockRequest("http://127.0.0.1:8080", e["method"].lower(), e["path"], args=e["query"])
            response = MockResponse(base64.b64decode(e["body"]), status_code=e["status"], content_type=content_type)
            seen += 1
            try:
                api.validate_response(request, response)
            except PathNotFound:
                # A route the document does not have: the tests try some on purpose, and the service must answer
                # them with its problem for no such route.
                body = json.loads(base64.b64decode(e["body"]) or b"{}")
                if e["status"] != 404 or not body.get("type", "").endswith("/no-such-route"):
                    problems[f"{e['method']} {e['path']} {e['status']}: not in the document"] += 1
            except Exception as error:  # every kind openapi-core raises: a mismatch to report
                cause = error.__cause__ or error
                errors = getattr(cause, "schema_errors", [])
                detail = "; ".join(f"{'.'.join(map(str, x.path))}: {x.message[-150:]}" for x in errors) or str(cause).split("\n")[0][-200:]
                key = f"{e['method']} {e['path'] if '{' in e['path'] else template(api, e)} {e['status']}: {type(error).__name__}: {detail[:300]}"
                problems[key] += 1
    for key, n in sorted(problems.items()):
        print(f"{n:5d}x {key}")
    print(f"{seen} answers checked against {spec}, {sum(problems.values())} did not match it")
    sys.exit(1 if problems else 0)


def template(api, e):
    """The path with ids replaced, so that one mismatch is reported once, not once per id."""
    import re
    return re.sub(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", "{id}", e["path"])


if __name__ == "__main__":
    main()
