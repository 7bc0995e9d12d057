#include "api/dashboard_routes.h"

#include <memory>

#include "api/asset_cache.h"
#include "api/route_prelude.h"

namespace mystocks::api {
namespace {

using gateway::HttpResponse;

// index.html changes with every build and must be revalidated; hashed bundle names never change
// their bytes, so browsers may keep them for a year without asking.
constexpr const char* kIndexCaching = "no-cache";
constexpr const char* kHashedCaching = "public, max-age=31536000, immutable";

ApiReply serve(AssetCache& files, const std::string& name, const char* cache_control) {
  Result<std::shared_ptr<const std::string>> file = files.get(name);
  if (!file.is_ok()) return ApiReply::fail(file.status());
  HttpResponse response;
  response.content_type = std::string(content_type_for(name));
  response.body = **file;
  response.set_header("Cache-Control", cache_control);
  return ApiReply::raw_response(std::move(response));
}

}  // namespace

Status register_dashboard_routes(gateway::RouteRegistry& registry, const std::string& dashboard_dir) {
  auto index = std::make_shared<AssetCache>(dashboard_dir, "dashboard file");
  auto assets = std::make_shared<AssetCache>(dashboard_dir + "/assets", "dashboard asset");
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/",
      .summary = "The web dashboard's page",
      .resource = "dashboard",
      .action = "read",
      .raw_content_type = "text/html",
      .hidden = true,
      .etag = true,
      .handler = [index](const HttpRequest&) { return serve(*index, "index.html", kIndexCaching); },
  }));
  return registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/assets/{file}",
      .summary = "The web dashboard's bundled scripts and styles (content-hashed names)",
      .resource = "dashboard",
      .action = "read",
      .hidden = true,
      .etag = true,
      .handler =
          [assets](const HttpRequest& request) {
            return serve(*assets, request.path_params.at("file"), kHashedCaching);
          },
  });
}

}  // namespace mystocks::api
