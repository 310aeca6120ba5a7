//! The OpenAPI 3.1 document of the HTTP/JSON side, generated from the proto descriptor the
//! server is built from — the same messages, fields, enums and comments — so the two contracts
//! cannot drift apart. Served at `/openapi.json`; a checked-in copy (`proto/openapi.json`) is
//! compared with it by a test, so a proto change without a refreshed copy fails CI.
//!
//! Schemas follow the proto3 JSON mapping that pbjson implements: lowerCamelCase field names,
//! enums as their names, 64-bit integers as decimal strings, default values omitted.
//!
//! Reads the compiled descriptor set (`proto::pb`) and the route table (`super::http`) only;
//! must not import the service's handlers, the engine or the domain.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use prost::Message;
use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, FileDescriptorProto, FileDescriptorSet};
use serde_json::{json, Map, Value};

use super::http::ROUTES;
use crate::proto::pb;

/// Where the checked-in copy lives, relative to the repository root.
pub const CHECKED_IN_PATH: &str = "proto/openapi.json";

/// The document as served: pretty JSON with sorted keys and a final newline, built once.
pub fn document_text() -> String {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let mut text =
            serde_json::to_string_pretty(&document()).unwrap_or_else(|_| "{}".to_string());
        text.push('\n');
        text
    })
    .clone()
}

/// Comments of the proto file, by source path (see `SourceCodeInfo` in descriptor.proto).
struct Comments(BTreeMap<Vec<i32>, String>);

impl Comments {
    fn new(file: &FileDescriptorProto) -> Self {
        let mut map = BTreeMap::new();
        if let Some(info) = &file.source_code_info {
            for location in &info.location {
                let text = [location.leading_comments(), location.trailing_comments()]
                    .iter()
                    .map(|c| {
                        c.lines()
                            .map(str::trim)
                            .collect::<Vec<_>>()
                            .join(" ")
                            .trim()
                            .to_string()
                    })
                    .filter(|c| !c.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                if !text.is_empty() {
                    map.insert(location.path.clone(), text);
                }
            }
        }
        Comments(map)
    }

    fn at(&self, path: &[i32]) -> Option<&str> {
        self.0.get(path).map(String::as_str)
    }
}

/// The whole document.
pub fn document() -> Value {
    let package = "mentormatch.v1";
    let (mut schemas, service_doc, rpcs) = from_descriptors(package);
    schemas.insert("Error".into(), error_schema());
    let paths = paths(&rpcs);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "mentor-match HTTP/JSON API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!(
                "{service_doc} The HTTP/JSON side of the gRPC service mentormatch.v1.MentorMatch, \
                 on the same port: each body is the proto3 JSON mapping of the gRPC request \
                 message, each answer the response message, generated from \
                 proto/mentormatch/v1/mentormatch.proto."
            ),
            "license": { "name": "MIT" }
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The server's token (MENTOR_MATCH_TOKEN), when one is configured."
                }
            }
        },
        "security": [ { "bearer": [] } ]
    })
}

/// Each rpc by name: its input and output message (local names) and its doc comment.
type Rpcs = BTreeMap<String, (String, String, String)>;

/// What the compiled descriptors of `package` give: a schema per message and enum, the
/// service's doc comment and its rpcs.
fn from_descriptors(package: &str) -> (Map<String, Value>, String, Rpcs) {
    let set = FileDescriptorSet::decode(pb::FILE_DESCRIPTOR_SET).unwrap_or_default();
    let mut schemas = Map::new();
    let mut service_doc = String::new();
    let mut rpcs: Rpcs = BTreeMap::new();
    for file in set.file.iter().filter(|f| f.package() == package) {
        let comments = Comments::new(file);
        for (i, message) in file.message_type.iter().enumerate() {
            add_message(
                &mut schemas,
                &comments,
                message,
                "",
                &[4, i as i32],
                package,
            );
        }
        for (i, e) in file.enum_type.iter().enumerate() {
            let path = [5, i as i32];
            schemas.insert(e.name().to_string(), enum_schema(e, &comments, &path));
        }
        for (s, service) in file.service.iter().enumerate() {
            if let Some(doc) = comments.at(&[6, s as i32]) {
                service_doc = doc.to_string();
            }
            for (m, method) in service.method.iter().enumerate() {
                rpcs.insert(
                    method.name().to_string(),
                    (
                        local_name(method.input_type(), package),
                        local_name(method.output_type(), package),
                        comments
                            .at(&[6, s as i32, 2, m as i32])
                            .unwrap_or_default()
                            .to_string(),
                    ),
                );
            }
        }
    }
    (schemas, service_doc, rpcs)
}

/// The routes: one `POST` per rpc served over HTTP, then the plain `GET`s.
fn paths(rpcs: &Rpcs) -> Map<String, Value> {
    let mut paths = Map::new();
    for &(path, rpc) in ROUTES {
        let Some((input, output, doc)) = rpcs.get(rpc) else {
            continue;
        };
        paths.insert(
            path.to_string(),
            json!({ "post": operation(rpc, input, output, doc) }),
        );
    }
    paths.insert(
        "/healthz".into(),
        plain_get("Liveness: 200 while the process serves.", "text/plain"),
    );
    paths.insert(
        "/readyz".into(),
        json!({ "get": {
            "operationId": "readyz",
            "summary": "Readiness: 200 when accepting solves, 503 while draining.",
            "security": [],
            "responses": {
                "200": { "description": "Accepting solves.", "content": { "text/plain": {} } },
                "503": { "description": "Draining: finishing in-flight solves before stopping.",
                         "content": { "text/plain": {} } }
            }
        }}),
    );
    paths.insert(
        "/metrics".into(),
        plain_get(
            "Prometheus metrics (text format). Needs the token when the server's \
             `protect_metrics` is set.",
            "text/plain",
        ),
    );
    paths.insert(
        "/openapi.json".into(),
        plain_get("This document.", "application/json"),
    );
    paths
}

/// `.mentormatch.v1.SolveRequest` → `SolveRequest` (nested: `Outer.Inner`).
fn local_name(full: &str, package: &str) -> String {
    full.trim_start_matches('.')
        .strip_prefix(package)
        .map_or(full, |rest| rest.trim_start_matches('.'))
        .to_string()
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn plain_get(summary: &str, content: &str) -> Value {
    let id = summary
        .split(':')
        .next()
        .unwrap_or(summary)
        .to_lowercase()
        .replace(' ', "_");
    json!({ "get": {
        "operationId": id,
        "summary": summary,
        "security": [],
        "responses": { "200": { "description": "OK", "content": { content: {} } } }
    }})
}

fn operation(rpc: &str, input: &str, output: &str, doc: &str) -> Value {
    let error = |text: &str| {
        json!({
            "description": text,
            "content": { "application/json": { "schema": schema_ref("Error") } }
        })
    };
    let retry = json!({
        "Retry-After": {
            "description": "Seconds to wait before trying again.",
            "schema": { "type": "integer" }
        }
    });
    let mut busy = error("Every solve slot and queue place is taken.");
    busy["headers"] = retry.clone();
    let mut draining = error("The server is draining before it stops.");
    draining["headers"] = retry;
    json!({
        "operationId": rpc.chars().next().map_or(String::new(), |c| {
            c.to_lowercase().chain(rpc.chars().skip(1)).collect()
        }),
        "summary": doc,
        "parameters": [
            {
                "name": "timeout", "in": "header", "required": false,
                "description": "Time the caller waits, as 500ms, 10s or 2m (or 10S as in \
                                grpc-timeout). The solve is limited to it, less a margin to \
                                explain and encode the answer; at the limit the best plan found \
                                is returned with its gap.",
                "schema": { "type": "string", "examples": ["10s"] }
            },
            {
                "name": "timeout", "in": "query", "required": false,
                "description": "As the timeout header, for clients that cannot set headers.",
                "schema": { "type": "string" }
            },
            {
                "name": "x-request-id", "in": "header", "required": false,
                "description": "Echoed in the server's logs if at most 64 letters, digits, - or _.",
                "schema": { "type": "string", "maxLength": 64 }
            }
        ],
        "requestBody": {
            "required": true,
            "content": { "application/json": { "schema": schema_ref(input) } }
        },
        "responses": {
            "200": {
                "description": "The answer (an over-subscribed school is an answer, not an error).",
                "content": { "application/json": { "schema": schema_ref(output) } }
            },
            "400": error("The request is invalid: every problem is listed in `violations`."),
            "401": error("Missing or wrong bearer token."),
            "413": error("The body is larger than the server accepts, or the request implies \
                          more work than its budget."),
            "429": busy,
            "503": draining,
            "504": error("The deadline leaves no time to solve."),
            "500": error("The solve failed; the server log has the cause.")
        }
    })
}

fn error_schema() -> Value {
    json!({
        "type": "object",
        "description": "Every error answer of the HTTP side.",
        "properties": {
            "code": {
                "type": "string",
                "description": "The gRPC code name of the same failure (INVALID_ARGUMENT, \
                                UNAUTHENTICATED, RESOURCE_EXHAUSTED, OUT_OF_RANGE, UNAVAILABLE, \
                                DEADLINE_EXCEEDED, INTERNAL)."
            },
            "message": {
                "type": "string",
                "description": "What went wrong, in English, for people; programs read `code`."
            },
            "violations": {
                "type": "array",
                "items": schema_ref("Violation"),
                "description": "Every problem of an invalid request, as Validate lists them."
            }
        },
        "required": ["code", "message"]
    })
}

fn enum_schema(e: &prost_types::EnumDescriptorProto, comments: &Comments, path: &[i32]) -> Value {
    let mut doc = comments.at(path).unwrap_or_default().to_string();
    let mut names = Vec::new();
    for (j, value) in e.value.iter().enumerate() {
        names.push(Value::from(value.name()));
        let mut at = path.to_vec();
        at.extend([2, j as i32]);
        if let Some(text) = comments.at(&at) {
            doc.push_str(&format!("\n- `{}`: {}", value.name(), text));
        }
    }
    json!({ "type": "string", "enum": names, "description": doc.trim() })
}

fn add_message(
    schemas: &mut Map<String, Value>,
    comments: &Comments,
    message: &DescriptorProto,
    prefix: &str,
    path: &[i32],
    package: &str,
) {
    let name = format!("{prefix}{}", message.name());
    for (j, nested) in message.nested_type.iter().enumerate() {
        if nested.options.as_ref().is_some_and(|o| o.map_entry()) {
            continue;
        }
        let mut at = path.to_vec();
        at.extend([3, j as i32]);
        add_message(schemas, comments, nested, &format!("{name}."), &at, package);
    }
    for (j, e) in message.enum_type.iter().enumerate() {
        let mut at = path.to_vec();
        at.extend([4, j as i32]);
        schemas.insert(
            format!("{name}.{}", e.name()),
            enum_schema(e, comments, &at),
        );
    }
    let mut properties = Map::new();
    for (j, field) in message.field.iter().enumerate() {
        let mut at = path.to_vec();
        at.extend([2, j as i32]);
        let mut schema = if let Some(entry) = map_entry(message, field) {
            let value = entry
                .field
                .get(1)
                .map_or(json!({}), |v| value_schema(v, package));
            json!({ "type": "object", "additionalProperties": value })
        } else if field.label() == Label::Repeated {
            json!({ "type": "array", "items": value_schema(field, package) })
        } else {
            value_schema(field, package)
        };
        if let Some(doc) = comments.at(&at) {
            schema = with_description(schema, doc);
        }
        let key = if field.json_name().is_empty() {
            lower_camel(field.name())
        } else {
            field.json_name().to_string()
        };
        properties.insert(key, schema);
    }
    let mut schema = json!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false
    });
    if let Some(doc) = comments.at(path) {
        schema["description"] = Value::from(doc);
    }
    schemas.insert(name, schema);
}

/// A `$ref` cannot carry siblings in every tool; wrap it so the field's description shows.
fn with_description(schema: Value, doc: &str) -> Value {
    if schema.get("$ref").is_some() {
        json!({ "allOf": [schema], "description": doc })
    } else {
        let mut schema = schema;
        schema["description"] = Value::from(doc);
        schema
    }
}

fn map_entry<'a>(
    message: &'a DescriptorProto,
    field: &prost_types::FieldDescriptorProto,
) -> Option<&'a DescriptorProto> {
    if field.r#type() != Type::Message {
        return None;
    }
    let entry_name = field.type_name().rsplit('.').next()?;
    message
        .nested_type
        .iter()
        .find(|n| n.name() == entry_name && n.options.as_ref().is_some_and(|o| o.map_entry()))
}

fn value_schema(field: &prost_types::FieldDescriptorProto, package: &str) -> Value {
    match field.r#type() {
        Type::Double | Type::Float => json!({ "type": "number" }),
        Type::Int32 | Type::Sint32 | Type::Sfixed32 => {
            json!({ "type": "integer", "format": "int32" })
        }
        Type::Uint32 | Type::Fixed32 => {
            json!({ "type": "integer", "format": "int32", "minimum": 0 })
        }
        // proto3 JSON writes 64-bit integers as strings and reads either.
        Type::Int64 | Type::Sint64 | Type::Sfixed64 | Type::Uint64 | Type::Fixed64 => {
            json!({ "type": ["string", "integer"], "format": "int64" })
        }
        Type::Bool => json!({ "type": "boolean" }),
        Type::String => json!({ "type": "string" }),
        Type::Bytes => json!({ "type": "string", "contentEncoding": "base64" }),
        Type::Enum | Type::Message | Type::Group => {
            schema_ref(&local_name(field.type_name(), package))
        }
    }
}

/// `student_id` → `studentId`, as protoc names JSON fields.
fn lower_camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_names_follow_the_proto3_mapping() {
        assert_eq!(lower_camel("student_id"), "studentId");
        assert_eq!(lower_camel("why_not_priced"), "whyNotPriced");
        assert_eq!(lower_camel("id"), "id");
    }

    #[test]
    fn every_route_has_its_request_and_answer_schemas() {
        let doc = document();
        for &(path, _) in ROUTES {
            let op = &doc["paths"][path]["post"];
            let body = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                .as_str()
                .unwrap_or_default();
            let name = body.trim_start_matches("#/components/schemas/");
            assert!(
                doc["components"]["schemas"][name].is_object(),
                "{path}: request schema {name:?} missing"
            );
            assert!(op["responses"]["429"]["headers"]["Retry-After"].is_object());
        }
        let student = &doc["components"]["schemas"]["Student"]["properties"];
        assert!(student["needs"]["type"] == "array", "{student}");
    }
}
