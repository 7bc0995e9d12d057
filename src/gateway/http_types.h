// Transport-neutral HTTP request and response: what the gateway and api layers see. The server
// layer converts Beast messages to and from these, so no socket or Beast type reaches a handler.
// Plain value types; one request is handled by one thread at a time.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "gateway/principal.h"

namespace mystocks::gateway {

enum class HttpMethod { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view method_name(HttpMethod method);
HttpMethod method_from(std::string_view text);
// POST, PUT, PATCH, DELETE and unknown methods: the ones that may change state (CSRF, audit).
bool is_unsafe_method(HttpMethod method);

struct HttpRequest {
  HttpMethod method = HttpMethod::kGet;
  std::string target;  // raw request target: path plus query
  std::string path;    // decoded path without the query
  std::multimap<std::string, std::string> query;        // decoded query parameters
  std::map<std::string, std::string> path_params;        // filled by the router
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_address;
  std::string request_id;  // assigned by the gateway before the handler runs
  // Parameters validated and typed from the route's ParamSpecs (defaults applied): integers,
  // numbers, booleans, canonical symbols, times as epoch ms. Filled by the router.
  boost::json::object params;
  // The JSON body, parsed and validated against the route's request_schema (null otherwise).
  boost::json::value body_json;
  // Who sent it: set by the router's access check before the handler runs.
  Principal principal;

  // First header with this lower-case name, empty when absent.
  std::string_view header(std::string_view lower_name) const;
  // The peer address without its port: one client, whatever source port it used (rate limits,
  // login throttling, the audit log).
  std::string_view client_host() const;
  // First query parameter with this name, or nullptr.
  const std::string* query_param(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  bool close_connection = false;

  void set_header(std::string name, std::string value);
};

}  // namespace mystocks::gateway
