#include "gateway/http_types.h"

namespace mystocks::gateway {

std::string_view method_name(HttpMethod method) {
  switch (method) {
    case HttpMethod::kGet: return "GET";
    case HttpMethod::kHead: return "HEAD";
    case HttpMethod::kPost: return "POST";
    case HttpMethod::kPut: return "PUT";
    case HttpMethod::kPatch: return "PATCH";
    case HttpMethod::kDelete: return "DELETE";
    case HttpMethod::kOptions: return "OPTIONS";
    case HttpMethod::kOther: return "OTHER";
  }
  return "OTHER";
}

HttpMethod method_from(std::string_view text) {
  static constexpr std::pair<std::string_view, HttpMethod> kMethods[] = {
      {"GET", HttpMethod::kGet},     {"HEAD", HttpMethod::kHead},
      {"POST", HttpMethod::kPost},   {"PUT", HttpMethod::kPut},
      {"PATCH", HttpMethod::kPatch}, {"DELETE", HttpMethod::kDelete},
      {"OPTIONS", HttpMethod::kOptions}};
  for (const auto& [name, method] : kMethods) {
    if (name == text) return method;
  }
  return HttpMethod::kOther;
}

bool is_unsafe_method(HttpMethod method) {
  return method != HttpMethod::kGet && method != HttpMethod::kHead &&
         method != HttpMethod::kOptions;
}

std::string_view HttpRequest::client_host() const {
  return std::string_view(remote_address).substr(0, remote_address.rfind(':'));
}

std::string_view HttpRequest::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

const std::string* HttpRequest::query_param(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? nullptr : &it->second;
}

void HttpResponse::set_header(std::string name, std::string value) {
  for (auto& [existing, existing_value] : headers) {
    if (existing == name) {
      existing_value = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

std::string_view auth_method_name(AuthMethod method) {
  switch (method) {
    case AuthMethod::kAnonymous: return "anonymous";
    case AuthMethod::kBearer: return "bearer";
    case AuthMethod::kCookie: return "cookie";
    case AuthMethod::kApiKey: return "api_key";
  }
  return "anonymous";
}

Principal Principal::anonymous_caller() {
  Principal principal;
  principal.roles = {"anonymous"};
  return principal;
}

}  // namespace mystocks::gateway
