#include "gateway/route_registry.h"

#include <algorithm>

namespace mystocks::gateway {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 1;  // paths begin with '/'
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

Status RouteRegistry::add(RouteSpec route) {
  if (route.path.empty() || route.path.front() != '/') {
    return error(ErrorCode::kInvalidArgument, "route path '{}' must start with '/'", route.path);
  }
  if (!route.handler) {
    return error(ErrorCode::kInvalidArgument, "route {} {} has no handler",
                 method_name(route.method), route.path);
  }
  if (route.resource.empty() || route.action.empty()) {
    return error(ErrorCode::kInvalidArgument,
                 "route {} {} declares no access rule: set its resource and action",
                 method_name(route.method), route.path);
  }
  std::vector<std::string> segments;
  bool templated = false;
  for (std::string_view segment : split_path(route.path)) {
    if (segment.find_first_of("{}") != std::string_view::npos && !is_param(segment)) {
      return error(ErrorCode::kInvalidArgument,
                   "route path '{}' has a malformed parameter segment '{}'", route.path, segment);
    }
    templated = templated || is_param(segment);
    segments.emplace_back(segment);
  }
  for (const RouteSpec& existing : routes_) {
    if (existing.method == route.method && existing.path == route.path) {
      return error(ErrorCode::kAlreadyExists, "route {} {} is registered twice",
                   method_name(route.method), route.path);
    }
  }
  const size_t index = routes_.size();
  if (templated) {
    templated_.push_back({std::move(segments), index});
  } else {
    static_routes_[route.path].push_back(index);
  }
  routes_.push_back(std::move(route));
  return Status::ok();
}

bool RouteRegistry::segments_match(const std::vector<std::string>& pattern,
                                   const std::vector<std::string_view>& path,
                                   std::map<std::string, std::string>* params) {
  if (pattern.size() != path.size()) return false;
  for (size_t index = 0; index < pattern.size(); ++index) {
    if (is_param(pattern[index])) {
      if (path[index].empty()) return false;
    } else if (pattern[index] != path[index]) {
      return false;
    }
  }
  if (params != nullptr) {
    for (size_t index = 0; index < pattern.size(); ++index) {
      if (is_param(pattern[index])) {
        (*params)[pattern[index].substr(1, pattern[index].size() - 2)] = std::string(path[index]);
      }
    }
  }
  return true;
}

RouteRegistry::Match RouteRegistry::match(HttpMethod method, std::string_view path) const {
  const HttpMethod wanted = method == HttpMethod::kHead ? HttpMethod::kGet : method;
  Match result;
  auto consider = [&](size_t index, const std::map<std::string, std::string>& params) {
    const RouteSpec& route = routes_[index];
    if (route.method == wanted && result.kind != MatchKind::kFound) {
      result.kind = MatchKind::kFound;
      result.route = &route;
      result.params = params;
    } else if (result.kind != MatchKind::kFound) {
      result.kind = MatchKind::kWrongMethod;
    }
    if (std::find(result.allowed.begin(), result.allowed.end(), route.method) ==
        result.allowed.end()) {
      result.allowed.push_back(route.method);
    }
  };
  if (auto it = static_routes_.find(std::string(path)); it != static_routes_.end()) {
    for (size_t index : it->second) consider(index, {});
    if (result.kind == MatchKind::kFound) return result;
  }
  const std::vector<std::string_view> segments = split_path(path);
  for (const Compiled& compiled : templated_) {
    std::map<std::string, std::string> params;
    if (segments_match(compiled.segments, segments, &params)) consider(compiled.route_index, params);
  }
  return result;
}

}  // namespace mystocks::gateway
