#include "gateway/openapi.h"

#include <algorithm>
#include <cctype>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace mystocks::gateway {
namespace {

namespace json = boost::json;

json::object envelope_schema() {
  return json::object{
      {"type", "object"},
      {"required", json::array{"success", "code", "message", "data", "timestamp", "request_id"}},
      {"properties",
       json::object{
           {"success", {{"type", "boolean"}}},
           {"code", {{"type", "integer"}, {"description", "0 on success, else the stable error "
                                                          "code (docs/error-codes.md)"}}},
           {"message", {{"type", "string"}}},
           {"data", json::object{}},
           {"timestamp", {{"type", "integer"}, {"description", "epoch milliseconds UTC"}}},
           {"request_id", {{"type", "string"}}},
           {"pagination", {{"$ref", "#/components/schemas/Pagination"}}},
       }}};
}

// How callers prove who they are (docs/security.md). Swagger UI's Authorize button fills the
// bearer token; API-key requests also need X-Timestamp, X-Nonce and X-Signature, which a
// program computes per request.
json::object security_schemes() {
  return json::object{
      {"bearerAuth",
       {{"type", "http"},
        {"scheme", "bearer"},
        {"bearerFormat", "JWT"},
        {"description", "Access token from POST /api/v1/auth/login"}}},
      {"apiKeyAuth",
       {{"type", "apiKey"},
        {"in", "header"},
        {"name", "X-API-Key"},
        {"description", "API key id; the request must also be signed: X-Timestamp (ms), X-Nonce "
                        "and X-Signature = hex HMAC-SHA256 of the canonical request (see "
                        "docs/security.md)"}}},
      {"cookieAuth",
       {{"type", "apiKey"},
        {"in", "cookie"},
        {"name", "mystocks_access"},
        {"description", "Browser session from login with {\"cookie\": true}; unsafe methods "
                        "need X-CSRF-Token"}}},
  };
}

json::object components() {
  json::object error_envelope = envelope_schema();
  error_envelope["properties"].as_object()["data"] = json::object{{"type", "null"}};
  error_envelope["properties"].as_object()["errors"] = json::object{
      {"type", "array"}, {"items", {{"$ref", "#/components/schemas/FieldError"}}}};
  error_envelope["required"].as_array().push_back("errors");
  return json::object{
      {"securitySchemes", security_schemes()},
      {"schemas",
       json::object{
           {"Envelope", envelope_schema()},
           {"ErrorEnvelope", std::move(error_envelope)},
           {"FieldError",
            {{"type", "object"},
             {"required", json::array{"field", "code", "message"}},
             {"properties",
              {{"field", {{"type", json::array{"string", "null"}}}},
               {"code", {{"type", "string"}}},
               {"message", {{"type", "string"}}}}}}},
           {"Pagination",
            {{"type", "object"},
             {"required", json::array{"page", "size", "total", "pages"}},
             {"properties",
              {{"page", {{"type", "integer"}}},
               {"size", {{"type", "integer"}}},
               {"total", {{"type", "integer"}}},
               {"pages", {{"type", "integer"}}}}}}},
       }},
      {"responses",
       json::object{{"Error",
                     {{"description", "Failure in the standard envelope"},
                      {"headers", {{"X-Request-ID", {{"$ref", "#/components/headers/RequestId"}}}}},
                      {"content",
                       {{"application/json",
                         {{"schema", {{"$ref", "#/components/schemas/ErrorEnvelope"}}}}}}}}}}},
      {"headers",
       json::object{{"RequestId",
                     {{"description", "The request id, echoed from the request when well formed"},
                      {"schema", {{"type", "string"}}}}}}},
  };
}

std::string operation_id(const RouteSpec& route) {
  std::string id(method_name(route.method));
  std::transform(id.begin(), id.end(), id.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  bool upper_next = true;
  for (char c : route.path) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      id += upper_next ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      upper_next = false;
    } else {
      upper_next = true;
    }
  }
  return id;
}

json::object operation(const RouteSpec& route) {
  json::object op;
  op["operationId"] = operation_id(route);
  op["summary"] = route.summary;
  if (!route.description.empty()) op["description"] = route.description;
  json::array tags;
  for (const std::string& tag : route.tags) tags.push_back(json::value(tag));
  if (!tags.empty()) op["tags"] = std::move(tags);
  if (route.deprecated) op["deprecated"] = true;
  // The access rule the router enforces (config/rbac_policy.csv decides who holds it).
  op["x-rbac"] = json::object{{"resource", route.resource}, {"action", route.action}};
  json::array params;
  for (const ParamSpec& param : route.params) {
    static constexpr const char* kIn[] = {"path", "query", "header"};
    json::object entry{{"name", param.name},
                       {"in", kIn[static_cast<int>(param.in)]},
                       {"required", param.required || param.in == ParamLocation::kPath},
                       {"schema", param.schema.is_null() ? json::value(json::object{{"type", "string"}})
                                                         : param.schema}};
    if (!param.description.empty()) entry["description"] = param.description;
    params.push_back(std::move(entry));
  }
  if (!params.empty()) op["parameters"] = std::move(params);
  if (!route.request_schema.is_null()) {
    op["requestBody"] = json::object{
        {"required", true},
        {"content", {{"application/json", {{"schema", route.request_schema}}}}}};
  }
  json::object ok{{"description", "Success"},
                  {"headers", {{"X-Request-ID", {{"$ref", "#/components/headers/RequestId"}}}}}};
  if (!route.raw_content_type.empty()) {
    json::object media{{"schema", route.response_schema.is_null()
                                      ? json::value(json::object{})
                                      : route.response_schema}};
    if (!route.response_example.is_null()) media["example"] = route.response_example;
    ok["content"] = json::object{{route.raw_content_type, std::move(media)}};
  } else {
    json::object data_schema = route.response_schema.is_object() ? route.response_schema.as_object()
                                                                 : json::object{};
    json::object media{
        {"schema",
         {{"allOf",
           json::array{json::object{{"$ref", "#/components/schemas/Envelope"}},
                       json::object{{"type", "object"},
                                    {"properties", {{"data", std::move(data_schema)}}}}}}}}};
    if (!route.response_example.is_null()) {
      media["example"] = json::object{{"success", true},         {"code", 0},
                                      {"message", "success"},    {"data", route.response_example},
                                      {"timestamp", 1706664600000}, {"request_id", "4f1c2b9e-0d7a-4c55-9a43-2a1b7f0c9e11"}};
    }
    ok["content"] = json::object{{"application/json", std::move(media)}};
  }
  for (const std::string& type : route.alternate_content_types) {
    ok["content"].as_object()[type] = json::object{{"schema", {{"type", "string"}}}};
  }
  if (route.success_status == 202) {
    ok["description"] = "Accepted: the work runs in the background; follow it at the Location";
    ok["headers"].as_object()["Location"] =
        json::object{{"description", "where to follow the accepted work"},
                     {"schema", {{"type", "string"}}}};
  }
  op["responses"] = json::object{{std::to_string(route.success_status), std::move(ok)},
                                 {"default", {{"$ref", "#/components/responses/Error"}}}};
  return op;
}

}  // namespace

json::value build_openapi(const RouteRegistry& registry, const OpenApiInfo& info) {
  json::object paths;
  for (const RouteSpec& route : registry.routes()) {
    if (route.hidden) continue;
    std::string method(method_name(route.method));
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    json::value& item = paths[route.path];
    if (!item.is_object()) item = json::object{};
    item.as_object()[method] = operation(route);
  }
  json::object doc{
      {"openapi", "3.1.0"},
      {"info", {{"title", info.title}, {"version", info.version}, {"description", info.description}}},
      {"paths", std::move(paths)},
      {"components", components()},
      // Any of these, or none: the policy decides per route whether anonymous callers pass.
      {"security", json::array{json::object{{"bearerAuth", json::array{}}},
                               json::object{{"apiKeyAuth", json::array{}}},
                               json::object{{"cookieAuth", json::array{}}}, json::object{}}},
  };
  return doc;
}

}  // namespace mystocks::gateway
