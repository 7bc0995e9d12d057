// The caller's API keys and the admin audit log (see auth_routes.h).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/auth_routes.h"
#include "api/route_prelude.h"
#include "api/route_support.h"

namespace mystocks::api {
namespace {

json::object key_json(const services::ApiKeyInfo& key) {
  return {{"key_id", key.key_id},
          {"name", key.name},
          {"status", key.status},
          {"created_at", key.created_at}};
}

ApiReply create_key(const AuthApi& api, const HttpRequest& request) {
  Result<std::string> user = user_id_of(request);
  if (!user.is_ok()) return ApiReply::fail(user.status());
  const std::string name(request.body_json.as_object().at("name").as_string());
  Result<services::NewApiKey> key = api.api_keys->create(*user, name);
  if (!key.is_ok()) return ApiReply::fail(key.status());
  json::object data = key_json(key->info);
  data["secret"] = key->secret;
  return ApiReply::ok(std::move(data), "created; the secret is shown only this once");
}

ApiReply list_keys(const AuthApi& api, const HttpRequest& request) {
  Result<std::string> user = user_id_of(request);
  if (!user.is_ok()) return ApiReply::fail(user.status());
  Result<std::vector<services::ApiKeyInfo>> keys = api.api_keys->list(*user);
  if (!keys.is_ok()) return ApiReply::fail(keys.status());
  json::array items;
  for (const services::ApiKeyInfo& key : *keys) items.push_back(key_json(key));
  return ApiReply::ok(std::move(items));
}

ApiReply revoke_key(const AuthApi& api, const HttpRequest& request) {
  Result<std::string> user = user_id_of(request);
  if (!user.is_ok()) return ApiReply::fail(user.status());
  const std::string key_id = request.path_params.at("id");
  if (Status revoked = api.api_keys->revoke(*user, key_id); !revoked.is_ok()) {
    return ApiReply::fail(revoked);
  }
  return ApiReply::ok(json::object{{"key_id", key_id}, {"status", "revoked"}}, "revoked");
}

ApiReply audit_page(const AuthApi& api, const HttpRequest& request) {
  const Page page = page_of(request);
  services::AuditQuery query{.subject = string_param(request, "subject").value_or(""),
                             .action_prefix = string_param(request, "action").value_or(""),
                             .outcome = string_param(request, "outcome").value_or(""),
                             .since_ms = int_param(request, "since").value_or(0),
                             .until_ms = int_param(request, "until").value_or(0),
                             .limit = page.size,
                             .offset = page.offset()};
  // Include what happened up to this request, not only what the writer has flushed.
  if (Status flushed = api.audit->flush(); !flushed.is_ok()) return ApiReply::fail(flushed);
  int64_t total = 0;
  Result<RecordBatch> rows = api.audit->query(query, &total);
  if (!rows.is_ok()) return ApiReply::fail(rows.status());
  return ApiReply::page(rows_json(*rows), {page.page, page.size, total});
}

std::vector<ParamSpec> audit_params() {
  std::vector<ParamSpec> params = {
      {.name = "subject", .schema = json::object{{"type", "string"}}, .description = "user id"},
      {.name = "action",
       .schema = json::object{{"type", "string"}},
       .description = "action prefix, e.g. \"POST /api/v1/orders\" or \"login\""},
      {.name = "outcome",
       .schema = json::object{{"type", "string"}, {"enum", json::array{"ok", "denied", "failed", "throttled"}}}},
      {.name = "since",
       .schema = json::object{{"type", "string"}, {"format", "date-or-epoch-ms"}},
       .description = "from this time (inclusive)"},
      {.name = "until",
       .schema = json::object{{"type", "string"}, {"format", "date-or-epoch-ms"}},
       .description = "before this time"},
  };
  for (ParamSpec& spec : page_params(100, 1000)) params.push_back(std::move(spec));
  return params;
}

}  // namespace

Status register_api_key_routes(gateway::RouteRegistry& registry, const AuthApi& api) {
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kPost,
      .path = "/api/v1/auth/api-keys",
      .version = "v1",
      .summary = "Create an API key for programs (the secret is shown once)",
      .description = "Requests signed with the key act with the owner's role. See docs/security.md "
                     "for the signature.",
      .tags = {"auth"},
      .resource = "api_keys",
      .action = "write",
      .request_schema = json::object{{"type", "object"},
                                     {"required", json::array{"name"}},
                                     {"properties", {{"name", {{"type", "string"}, {"maxLength", 64}}}}}},
      .handler = [api](const HttpRequest& request) { return create_key(api, request); },
  }));
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/v1/auth/api-keys",
      .version = "v1",
      .summary = "The caller's API keys (never their secrets)",
      .tags = {"auth"},
      .resource = "api_keys",
      .action = "read",
      .handler = [api](const HttpRequest& request) { return list_keys(api, request); },
  }));
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kDelete,
      .path = "/api/v1/auth/api-keys/{id}",
      .version = "v1",
      .summary = "Revoke one of the caller's API keys",
      .tags = {"auth"},
      .resource = "api_keys",
      .action = "write",
      .params = {id_path_param("API key id (X-API-Key)")},
      .handler = [api](const HttpRequest& request) { return revoke_key(api, request); },
  }));
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/v1/admin/audit",
      .version = "v1",
      .summary = "The audit log: authentication events and writes, newest first",
      .tags = {"admin"},
      .resource = "audit",
      .action = "read",
      .params = audit_params(),
      .handler = [api](const HttpRequest& request) { return audit_page(api, request); },
  }));
  return Status::ok();
}

}  // namespace mystocks::api
