"""API operations: one decorator registers the route, validates its input with pydantic and
records it for the OpenAPI document, so what is validated is what is described.

An operation's view gets its path parameters, plus `query` and `body` as validated models
when it declares them, and returns a model (or a dict the response model validates), or a
Response for anything else.
"""

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from flask import Blueprint, Response, request
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from transform.access import programme_access_or_404
from transform.api.problems import TITLES, ApiProblem, invalid

API_VERSION = "1.1.0"
#: The error type of an unreadable timestamp (transform.api.schemas.Timestamp).
TIMESTAMP_ERROR = "timestamp_format"
#: Ids are 32-bit wherever they are stored; a larger path id cannot name anything.
ID_MAX = 2**31 - 1


@dataclass(frozen=True)
class Operation:
    method: str
    rule: str
    endpoint: str
    summary: str
    tag: str
    description: str = ""
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    #: Error statuses beyond 401 and 429, which every operation may answer.
    errors: tuple[int, ...] = ()
    etag: bool = False
    #: What a view returning its own Response sends instead of JSON (e.g. text/csv).
    media_type: str | None = None


@dataclass
class Registry:
    blueprint: Blueprint
    operations: list[Operation] = field(default_factory=list)

    def operation(self, method: str, rule: str, **details) -> Callable:
        def decorator(view: Callable) -> Callable:
            op = Operation(method.upper(), rule, view.__name__, **details)
            self.operations.append(op)

            @wraps(view)
            def endpoint(**path):
                if any(isinstance(value, int) and value > ID_MAX for value in path.values()):
                    raise ApiProblem(404, "There is nothing with that id.")
                if "programme_id" in path:
                    # Membership before validation: a non-member learns nothing, not even
                    # that a body would have been refused (the view checks its role).
                    programme_access_or_404(path["programme_id"])
                arguments = dict(path)
                if op.query is not None:
                    arguments["query"] = _validated(op.query, _query_values(), "query")
                if op.body is not None:
                    arguments["body"] = _validated(op.body, _json_body(), "body")
                result = view(**arguments)
                if isinstance(result, Response):
                    return result
                return _json_response(op, result)

            self.blueprint.add_url_rule(rule, op.endpoint, endpoint, methods=[op.method])
            return view

        return decorator


def _query_values() -> dict:
    return {key: request.args.getlist(key)[-1] for key in request.args}


def _json_body():
    if not request.is_json:
        raise ApiProblem(415, "Send the body as JSON (Content-Type: application/json).")
    body = request.get_json(silent=True)
    if body is None:
        raise ApiProblem(400, "The body is not valid JSON.")
    return body


def _validated(model: type[BaseModel], values, where: str) -> BaseModel:
    try:
        return model.model_validate(values)
    except ValidationError as error:
        problem = invalid(error, where)
        if where == "query" and any(e["type"] == TIMESTAMP_ERROR for e in error.errors()):
            # A sync's bookmark it cannot read is a bad request, not invalid data.
            problem.status = 400
            problem.detail = "A timestamp in the query cannot be read; see errors."
        raise problem from None


def _json_response(op: Operation, result) -> Response:
    model = op.response
    payload = model.model_validate(result).model_dump(mode="json") if model is not None else result
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True)
    response = Response(body, status=op.status, mimetype="application/json")
    if op.etag:
        tag = hashlib.sha256(body.encode()).hexdigest()[:32]
        response.set_etag(tag)
        if tag in request.if_none_match:
            return Response(status=304, headers={"ETag": response.headers["ETag"]})
        response.headers["Cache-Control"] = "private, no-cache"
    return response


def openapi_document(registry: Registry, base_path: str) -> dict:
    """The OpenAPI 3.1 document of every registered operation."""
    models = {
        (model, mode)
        for op in registry.operations
        for model, mode in (
            (op.query, "validation"),
            (op.body, "validation"),
            (op.response, "serialization"),
        )
        if model is not None
    }
    keys, definitions = models_json_schema(
        sorted(models, key=lambda pair: (pair[0].__name__, pair[1])),
        ref_template="#/components/schemas/{model}",
    )
    schemas = definitions.get("$defs", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    paths: dict = {}
    for op in registry.operations:
        path = _openapi_path(op.rule)
        item = {
            "operationId": op.endpoint,
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": _path_parameters(op.rule),
            "responses": _responses(op, keys),
            "security": [{"bearerAuth": []}],
        }
        if op.description:
            item["description"] = op.description
        if op.query is not None:
            item["parameters"] += _query_parameters(keys[(op.query, "validation")], schemas)
        if op.body is not None:
            item["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": keys[(op.body, "validation")]}},
            }
        paths.setdefault(path, {})[op.method.lower()] = item
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "transform API",
            "version": API_VERSION,
            "description": "Programmes, phases, teams, KPIs, surveys, indices and feedback "
            "of the programmes your token's owner belongs to.",
        },
        "servers": [{"url": base_path}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }


PROBLEM_SCHEMA = {
    "type": "object",
    "title": "Problem",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["path", "message"],
                "properties": {"path": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}

_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def _openapi_path(rule: str) -> str:
    return _CONVERTER.sub(lambda m: "{" + m.group(2) + "}", rule)


def _path_parameters(rule: str) -> list[dict]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": ID_MAX}
            if converter == "int"
            else {"type": "string"},
        }
        for converter, name in _CONVERTER.findall(rule)
    ]


def _query_parameters(reference: dict, schemas: dict) -> list[dict]:
    schema = schemas[reference["$ref"].rsplit("/", 1)[1]]
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop}
        for name, prop in schema.get("properties", {}).items()
    ]


def _responses(op: Operation, keys: dict) -> dict:
    ok: dict = {"description": "OK" if op.status == 200 else TITLES.get(op.status, "Done")}
    if op.response is not None:
        ok["content"] = {"application/json": {"schema": keys[(op.response, "serialization")]}}
    elif op.media_type is not None:
        ok["content"] = {op.media_type: {"schema": {"type": "string"}}}
    responses = {str(op.status): ok}
    if op.etag:
        responses["304"] = {"description": "Not modified since the ETag in If-None-Match"}
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    statuses = {401, 429, *op.errors}
    if op.query is not None or op.body is not None:
        # 400: a NUL character anywhere in the request (transform/input_guard.py).
        statuses.update({400, 422})
    if op.body is not None:
        statuses.add(415)
    for status in sorted(statuses):
        responses[str(status)] = {"description": TITLES[status], "content": problem}
    return responses
