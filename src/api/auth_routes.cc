#include "api/auth_routes.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include "api/market_common.h"
#include "api/route_prelude.h"
#include "api/route_support.h"

namespace mystocks::api {
namespace {

using services::kAccessCookie;
using services::kRefreshCookie;

bool secure_cookies(const AuthApi& api, const HttpRequest& request) {
  if (api.cookie_secure == "always") return true;
  if (api.cookie_secure == "never") return false;
  return request.header("x-forwarded-proto") == "https";
}

std::string cookie(std::string_view name, std::string_view value, std::string_view path,
                   int64_t max_age_seconds, bool secure) {
  return fmt::format("{}={}; Path={}; Max-Age={}; HttpOnly; SameSite=Strict{}", name, value, path,
                     max_age_seconds, secure ? "; Secure" : "");
}

json::object user_json(const services::User& user) {
  return {{"user_id", user.user_id}, {"username", user.username}, {"role", user.role}};
}

// The answer of a login or refresh: tokens in the body, or in cookies for browsers.
ApiReply token_reply(const AuthApi& api, const HttpRequest& request,
                     const services::TokenPair& pair, bool as_cookies) {
  const int64_t now = api.clock->now_ms();
  json::object data{{"token_type", "Bearer"},
                    {"access_token", pair.access_token},
                    {"expires_in", (pair.access_expires_at_ms - now) / 1000},
                    {"session_id", pair.session_id},
                    {"user", user_json(pair.user)}};
  ApiReply reply;
  if (as_cookies) {
    const bool secure = secure_cookies(api, request);
    reply.headers.emplace_back("Set-Cookie", cookie(kAccessCookie, pair.access_token, "/",
                                                    (pair.access_expires_at_ms - now) / 1000, secure));
    reply.headers.emplace_back("Set-Cookie", cookie(kRefreshCookie, pair.refresh_token, "/api/v1/auth",
                                                    (pair.refresh_expires_at_ms - now) / 1000, secure));
    data["access_token"] = nullptr;  // the cookie carries it; scripts must not see it
  } else {
    data["refresh_token"] = pair.refresh_token;
    data["refresh_expires_in"] = (pair.refresh_expires_at_ms - now) / 1000;
  }
  reply.data = std::move(data);
  reply.message = "success";
  return reply;
}

bool wants_cookies(const HttpRequest& request) {
  const json::object* body = request.body_json.if_object();
  const json::value* flag = body != nullptr ? body->if_contains("cookie") : nullptr;
  return flag != nullptr && flag->is_bool() && flag->as_bool();
}

ApiReply login(const AuthApi& api, const HttpRequest& request) {
  const json::object& body = request.body_json.as_object();
  const std::string username(body.at("username").as_string());
  const std::string password(body.at("password").as_string());
  const std::string address = std::string(request.client_host());
  int64_t retry_after = 0;
  if (Status throttled = api.throttle->check(username, address, &retry_after); !throttled.is_ok()) {
    api.access->audit_event({}, address, "login", "throttled", request.request_id, username);
    ApiReply reply = ApiReply::fail(throttled);
    reply.headers.emplace_back("Retry-After", std::to_string(retry_after));
    return reply;
  }
  Result<std::optional<services::User>> user = api.users->check_login(username, password);
  if (!user.is_ok()) return ApiReply::fail(user.status());
  if (!user->has_value()) {
    api.throttle->record_failure(username, address);
    api.access->audit_event({}, address, "login", "failed", request.request_id, username);
    return ApiReply::fail(error(ErrorCode::kUnauthenticated, "invalid username or password"));
  }
  api.throttle->record_success(username);
  Result<services::TokenPair> pair = api.sessions->start(**user, address);
  if (!pair.is_ok()) return ApiReply::fail(pair.status());
  gateway::Principal who{.method = gateway::AuthMethod::kBearer,
                         .subject = pair->user.user_id,
                         .username = pair->user.username,
                         .session_id = pair->session_id};
  api.access->audit_event(who, address, "login", "ok", request.request_id);
  return token_reply(api, request, *pair, wants_cookies(request));
}

ApiReply refresh(const AuthApi& api, const HttpRequest& request) {
  std::string token;
  bool from_cookie = false;
  // The body is optional (browsers send only the cookie), so it is parsed here, not by a schema.
  json::value body_json;
  if (!request.body.empty()) {
    boost::system::error_code ec;
    body_json = json::parse(request.body, ec);
    if (ec || !body_json.is_object()) {
      return ApiReply::fail(field_error(ErrorCode::kInvalidArgument, "body",
                                        "the body must be a JSON object {{\"refresh_token\": ...}}"));
    }
  }
  if (const json::object* body = body_json.if_object()) {
    if (const json::value* value = body->if_contains("refresh_token"); value && value->is_string()) {
      token = std::string(value->as_string());
    }
  }
  if (token.empty()) {
    token = std::string(services::cookie_value(request.header("cookie"), kRefreshCookie));
    from_cookie = !token.empty();
  }
  if (token.empty()) {
    return ApiReply::fail(field_error(ErrorCode::kUnauthenticated, "refresh_token",
                                      "send refresh_token in the body (or the session cookie)"));
  }
  const std::string address = std::string(request.client_host());
  Result<services::TokenPair> pair = api.sessions->refresh(token, address);
  if (!pair.is_ok()) {
    api.access->audit_event({}, address, "refresh", "denied", request.request_id,
                            std::string(pair.status().message()));
    return ApiReply::fail(pair.status());
  }
  const json::value* cookie_flag = body_json.is_object() ? body_json.as_object().if_contains("cookie") : nullptr;
  const bool as_cookies = from_cookie || (cookie_flag != nullptr && cookie_flag->is_bool() && cookie_flag->as_bool());
  return token_reply(api, request, *pair, as_cookies);
}

ApiReply logout(const AuthApi& api, const HttpRequest& request) {
  const gateway::Principal& who = request.principal;
  if (who.session_id.empty()) {
    return ApiReply::fail(error(ErrorCode::kFailedPrecondition,
                                "this request is not part of a login session (API keys are "
                                "revoked with DELETE /api/v1/auth/api-keys/{{id}})"));
  }
  if (Status revoked = api.sessions->revoke(who.session_id); !revoked.is_ok()) {
    return ApiReply::fail(revoked);
  }
  api.access->audit_event(who, std::string(request.client_host()), "logout", "ok", request.request_id);
  ApiReply reply = ApiReply::ok(json::object{{"session_id", who.session_id}}, "logged out");
  const bool secure = secure_cookies(api, request);
  reply.headers.emplace_back("Set-Cookie", cookie(kAccessCookie, "", "/", 0, secure));
  reply.headers.emplace_back("Set-Cookie", cookie(kRefreshCookie, "", "/api/v1/auth", 0, secure));
  return reply;
}

ApiReply me(const HttpRequest& request) {
  const gateway::Principal& who = request.principal;
  json::array roles;
  for (const std::string& role : who.roles) roles.emplace_back(role);
  json::object data{{"user_id", who.subject},
                    {"username", who.username},
                    {"roles", std::move(roles)},
                    {"auth_method", gateway::auth_method_name(who.method)},
                    {"session_id", who.session_id.empty() ? json::value() : json::value(who.session_id)},
                    {"api_key_id", who.key_id.empty() ? json::value() : json::value(who.key_id)},
                    {"expires_at", who.expires_at_ms > 0 ? json::value(who.expires_at_ms) : json::value()}};
  return ApiReply::ok(std::move(data));
}

ApiReply csrf_token(const AuthApi& api, const HttpRequest& request) {
  const gateway::Principal& who = request.principal;
  if (who.method != gateway::AuthMethod::kCookie) {
    return ApiReply::fail(error(ErrorCode::kFailedPrecondition,
                                "CSRF tokens are for cookie sessions; bearer and API-key requests "
                                "need none"));
  }
  const int64_t now = api.clock->now_ms();
  return ApiReply::ok(json::object{{"csrf_token", api.csrf->issue(who.session_id, now)},
                                   {"header", "X-CSRF-Token"},
                                   {"single_use", true}});
}

json::object credentials_schema() {
  return json::object{
      {"type", "object"},
      {"required", json::array{"username", "password"}},
      {"additionalProperties", false},
      {"properties",
       {{"username", {{"type", "string"}, {"maxLength", 64}, {"examples", json::array{"demo"}}}},
        {"password", {{"type", "string"}, {"maxLength", 1024}}},
        {"cookie",
         {{"type", "boolean"},
          {"description", "true: answer the tokens as HttpOnly cookies (browsers)"}}}}}};
}

}  // namespace

Status register_auth_routes(gateway::RouteRegistry& registry, const AuthApi& api) {
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kPost,
      .path = "/api/v1/auth/login",
      .version = "v1",
      .summary = "Sign in with a username and password",
      .description = "Answers an access token (JWT, Bearer) and a refresh token. Failed attempts "
                     "are throttled per user and per address (429 with Retry-After).",
      .tags = {"auth"},
      .resource = "auth",
      .action = "login",
      .request_schema = credentials_schema(),
      .rate_class = "heavy",
      .handler = [api](const HttpRequest& request) { return login(api, request); },
  }));
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kPost,
      .path = "/api/v1/auth/refresh",
      .version = "v1",
      .summary = "Exchange a refresh token for new tokens (the old one stops working)",
      .description = "Body {\"refresh_token\", \"cookie\"?}, or no body with the mystocks_refresh "
                     "cookie. Presenting a refresh token that was already exchanged revokes its "
                     "whole session: it was copied.",
      .tags = {"auth"},
      .resource = "auth",
      .action = "login",
      .handler = [api](const HttpRequest& request) { return refresh(api, request); },
  }));
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kPost,
      .path = "/api/v1/auth/logout",
      .version = "v1",
      .summary = "End the caller's login session (its refresh and access tokens stop working)",
      .tags = {"auth"},
      .resource = "session",
      .action = "write",
      .handler = [api](const HttpRequest& request) { return logout(api, request); },
  }));
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/v1/auth/me",
      .version = "v1",
      .summary = "Who the caller is: user, roles and how the request was authenticated",
      .tags = {"auth"},
      .resource = "session",
      .action = "read",
      .blocking = false,
      .handler = [](const HttpRequest& request) { return me(request); },
  }));
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/v1/auth/csrf",
      .version = "v1",
      .summary = "A single-use CSRF token for the next unsafe request of a cookie session",
      .description = "Send it as X-CSRF-Token. Bearer and API-key requests need none.",
      .tags = {"auth"},
      .resource = "session",
      .action = "read",
      .blocking = false,
      .handler = [api](const HttpRequest& request) { return csrf_token(api, request); },
  }));
  return Status::ok();
}

}  // namespace mystocks::api
