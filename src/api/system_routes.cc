#include "api/system_routes.h"

#include <memory>
#include <mutex>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/asset_cache.h"
#include "api/route_prelude.h"
#include "gateway/openapi.h"

namespace mystocks::api {
namespace {

using gateway::HttpResponse;

constexpr std::string_view kSwaggerPage = R"html(<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>MyStocks API</title>
  <link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui" });
  </script>
</body>
</html>
)html";

HttpResponse raw(std::string content_type, std::string body) {
  HttpResponse response;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return response;
}

json::value object_schema(json::object properties) {
  return json::object{{"type", "object"}, {"properties", std::move(properties)}};
}

}  // namespace

Status register_system_routes(gateway::RouteRegistry& registry, const SystemContext& context) {
  const SystemContext ctx = context;

  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/health",
      .summary = "Liveness: the process is up and serving",
      .tags = {"system"},
      .resource = "health",
      .action = "read",
      .response_schema = object_schema({{"status", {{"type", "string"}, {"const", "ok"}}},
                                        {"version", {{"type", "string"}}},
                                        {"uptime_ms", {{"type", "integer"}}}}),
      .response_example = json::object{{"status", "ok"}, {"version", ctx.version}, {"uptime_ms", 1234}},
      .rate_class = "",
      .blocking = false,
      .handler =
          [ctx](const HttpRequest&) {
            json::object data{{"status", "ok"}, {"version", ctx.version}};
            data["uptime_ms"] = SystemClock::instance().now_ms() - ctx.started_at_ms;
            return ApiReply::ok(std::move(data));
          },
  }));

  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/health/ready",
      .summary = "Readiness: every configured store and dependency answers",
      .description = "503 with the failing checks named when any check fails.",
      .tags = {"system"},
      .resource = "health",
      .action = "read",
      .response_schema = object_schema(
          {{"status", {{"type", "string"}, {"enum", json::array{"ready", "not_ready"}}}},
           {"checks", {{"type", "array"},
                       {"items", object_schema({{"name", {{"type", "string"}}},
                                                {"ok", {{"type", "boolean"}}},
                                                {"message", {{"type", "string"}}},
                                                {"latency_us", {{"type", "integer"}}}})}}}}),
      .rate_class = "",
      .handler =
          [ctx](const HttpRequest&) {
            json::array checks;
            Status first_failure;
            for (const auto& outcome : ctx.health->run_all()) {
              checks.push_back(json::object{{"name", outcome.name},
                                            {"ok", outcome.status.is_ok()},
                                            {"message", outcome.status.is_ok() ? "ok" : outcome.status.message()},
                                            {"latency_us", static_cast<int64_t>(outcome.seconds * 1e6)}});
              if (!outcome.status.is_ok() && first_failure.is_ok()) {
                first_failure = error(ErrorCode::kUnavailable, "not ready: check '{}' failed: {}",
                                      outcome.name, outcome.status.message());
              }
            }
            if (!first_failure.is_ok()) {
              // The envelope's data is null on failure, so the detail goes in the message and
              // errors; one error entry per failing check.
              std::vector<gateway::FieldError> errors;
              for (const auto& check : checks) {
                const json::object& entry = check.as_object();
                if (!entry.at("ok").as_bool()) {
                  errors.push_back({std::string(entry.at("name").as_string()), "UNAVAILABLE",
                                    std::string(entry.at("message").as_string())});
                }
              }
              return ApiReply::fail(first_failure, std::move(errors));
            }
            return ApiReply::ok(json::object{{"status", "ready"}, {"checks", std::move(checks)}});
          },
  }));

  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/metrics",
      .summary = "Prometheus metrics in the text exposition format",
      .tags = {"system"},
      .resource = "metrics",
      .action = "read",
      .response_schema = json::object{{"type", "string"}},
      .raw_content_type = "text/plain; version=0.0.4; charset=utf-8",
      .rate_class = "",
      .blocking = false,
      .handler =
          [ctx](const HttpRequest&) {
            return ApiReply::raw_response(
                raw("text/plain; version=0.0.4; charset=utf-8", ctx.metrics->expose()));
          },
  }));

  // The document is built on first request, after every route has been registered.
  auto openapi_once = std::make_shared<std::once_flag>();
  auto openapi_text = std::make_shared<std::string>();
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/openapi.json",
      .summary = "The OpenAPI 3.1 document of this server, generated from its route registry",
      .tags = {"system"},
      .resource = "docs",
      .action = "read",
      .response_schema = json::object{{"type", "object"}},
      .raw_content_type = "application/json",
      .etag = true,
      .blocking = false,
      .handler =
          [ctx, openapi_once, openapi_text](const HttpRequest&) {
            std::call_once(*openapi_once, [&] {
              *openapi_text = json::serialize(gateway::build_openapi(
                  *ctx.registry,
                  {.version = ctx.version,
                   .description = "Market data for quantitative traders: China A-share ticks, "
                                  "K-lines, reference data. Every JSON response uses the "
                                  "envelope {success, code, message, data, timestamp, "
                                  "request_id}."}));
            });
            return ApiReply::raw_response(raw("application/json", *openapi_text));
          },
  }));

  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/docs",
      .summary = "Swagger UI for the OpenAPI document",
      .tags = {"system"},
      .resource = "docs",
      .action = "read",
      .raw_content_type = "text/html",
      .hidden = true,
      .handler =
          [](const HttpRequest&) {
            return ApiReply::raw_response(raw("text/html; charset=utf-8", std::string(kSwaggerPage)));
          },
  }));

  auto assets = std::make_shared<AssetCache>(ctx.swagger_ui_dir, "documentation asset");
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/docs/{file}",
      .summary = "Swagger UI assets",
      .resource = "docs",
      .action = "read",
      .hidden = true,
      .etag = true,
      .handler =
          [assets](const HttpRequest& request) {
            const std::string& name = request.path_params.at("file");
            Result<std::shared_ptr<const std::string>> file = assets->get(name);
            if (!file.is_ok()) return ApiReply::fail(file.status());
            return ApiReply::raw_response(raw(std::string(content_type_for(name)), **file));
          },
  }));

  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/v1/system/version",
      .version = "v1",
      .summary = "Server version and build information",
      .tags = {"system"},
      .resource = "system",
      .action = "read",
      .response_schema = object_schema({{"version", {{"type", "string"}}},
                                        {"api_versions", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                                        {"started_at", {{"type", "integer"}}}}),
      .blocking = false,
      .handler =
          [ctx](const HttpRequest&) {
            return ApiReply::ok(json::object{{"version", ctx.version},
                                             {"api_versions", json::array{"v1"}},
                                             {"started_at", ctx.started_at_ms}});
          },
  }));
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/v1/system/status",
      .version = "v1",
      .summary = "State of every component (realtime connections, rooms and queues, ...)",
      .tags = {"system"},
      .resource = "system_status",
      .action = "read",
      .response_schema = object_schema({{"version", {{"type", "string"}}},
                                        {"uptime_ms", {{"type", "integer"}}},
                                        {"components", {{"type", "object"}}}}),
      .blocking = false,
      .handler =
          [ctx](const HttpRequest&) {
            json::object components;
            for (const StatusSection& section : ctx.status_sections) components[section.name] = section.read();
            return ApiReply::ok(json::object{
                {"version", ctx.version},
                {"uptime_ms", SystemClock::instance().now_ms() - ctx.started_at_ms},
                {"components", std::move(components)}});
          },
  }));
  return Status::ok();
}

}  // namespace mystocks::api
