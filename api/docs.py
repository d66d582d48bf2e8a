"""The API's docs page: our own GOV.UK page built from the OpenAPI schema drf-spectacular generates.
Swagger UI and Redoc load from CDNs and run inline script, which the CSP refuses (and their markup
fails axe); this page needs no script at all."""

from dataclasses import dataclass
from functools import cache

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator

from wellbeing.access import public_view

HTTP_METHODS = ("get", "head", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class TypeInfo:
    text: str  # "string", "list of Intervention", "one of: gap, thin …"
    link: str = ""  # the component it refers to, for an in-page link


@dataclass(frozen=True)
class Row:
    name: str
    type: TypeInfo
    description: str
    location: str = ""
    required: bool = False


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    path: str
    summary: str
    description: str
    tag: str
    parameters: tuple[Row, ...]
    responses: tuple[Row, ...]  # name = status code


@dataclass(frozen=True)
class Component:
    name: str
    description: str
    fields: tuple[Row, ...]


@cache
def api_schema() -> dict:
    """The OpenAPI document, as /api/v1/schema/ serves it (worked out once per process)."""
    return SchemaGenerator().get_schema(request=None, public=True)


def _ref_name(schema: dict) -> str:
    return schema["$ref"].rsplit("/", 1)[-1]


def _type(schema: dict, components: dict) -> TypeInfo:
    if "$ref" in schema:
        name = _ref_name(schema)
        target = components.get(name, {})
        if "enum" in target:  # an enumeration: say its values where the field is
            return TypeInfo("one of: " + ", ".join(str(value) for value in target["enum"] if value not in ("", None)))
        return TypeInfo(name, link=name)
    for combined in ("allOf", "oneOf", "anyOf"):
        if combined in schema:
            parts = [part for part in schema[combined] if part.get("type") != "null"]
            found = _type(parts[0], components) if parts else TypeInfo("any")
            return TypeInfo(found.text + (" or null" if schema.get("nullable") else ""), found.link)
    kind = schema.get("type", "object")
    if kind == "array":
        inner = _type(schema.get("items", {}), components)
        return TypeInfo(f"list of {inner.text}", inner.link)
    if "enum" in schema:
        text = "one of: " + ", ".join(str(value) for value in schema["enum"] if value is not None)
    elif kind == "string" and schema.get("format") == "decimal":
        text = "decimal number (as a string)"
    elif schema.get("format"):
        text = f"{kind} ({schema['format']})"
    else:
        text = kind
    return TypeInfo(text + (" or null" if schema.get("nullable") else ""))


def _operations(schema: dict) -> list[Operation]:
    components = schema.get("components", {}).get("schemas", {})
    operations = []
    for path, item in schema.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method not in item:
                continue
            spec = item[method]
            parameters = tuple(
                Row(
                    name=parameter["name"],
                    location={"path": "address", "query": "query string"}.get(parameter["in"], parameter["in"]),
                    type=_type(parameter.get("schema", {}), components),
                    description=parameter.get("description", ""),
                    required=parameter.get("required", False),
                )
                for parameter in spec.get("parameters", [])
            )
            responses = tuple(
                Row(
                    name=code,
                    type=_type(response.get("content", {}).get("application/json", {}).get("schema", {}), components),
                    description=response.get("description", ""),
                )
                for code, response in sorted(spec.get("responses", {}).items())
            )
            operations.append(
                Operation(
                    id=spec["operationId"],
                    method=method.upper(),
                    path=path,
                    summary=spec.get("summary", ""),
                    description=spec.get("description", ""),
                    tag=(spec.get("tags") or ["API"])[0],
                    parameters=parameters,
                    responses=responses,
                )
            )
    return operations


def _components(schema: dict) -> list[Component]:
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for name, component in sorted(components.items()):
        if "enum" in component or "properties" not in component:
            continue
        required = set(component.get("required", []))
        fields = tuple(
            Row(
                name=field,
                type=_type(spec, components),
                description=spec.get("description", ""),
                required=field in required,
            )
            for field, spec in component["properties"].items()
        )
        found.append(Component(name=name, description=component.get("description", ""), fields=fields))
    return found


@public_view()
def api_docs(request: HttpRequest) -> HttpResponse:
    schema = api_schema()
    operations = _operations(schema)
    tags = list(dict.fromkeys(operation.tag for operation in operations))
    return render(
        request,
        "api/docs.html",
        {
            "info": schema["info"],
            "sections": [(tag, [o for o in operations if o.tag == tag]) for tag in tags],
            "components": _components(schema),
        },
    )
