#include "api/asset_cache.h"

#include <fstream>
#include <sstream>

namespace mystocks::api {

Result<std::shared_ptr<const std::string>> AssetCache::get(const std::string& name) {
  if (name.empty() || name.front() == '.' || name.find('/') != std::string::npos ||
      name.find('\\') != std::string::npos) {
    return field_error(ErrorCode::kInvalidArgument, "file",
                       "{} name '{}' is not allowed (a plain file name without '/', '\\' or a "
                       "leading '.')",
                       what_, name);
  }
  {
    std::lock_guard lock(mutex_);
    if (auto it = files_.find(name); it != files_.end()) return it->second;
  }
  std::ifstream in(dir_ + "/" + name, std::ios::binary);
  if (!in) return field_error(ErrorCode::kNotFound, "file", "no {} '{}' in '{}'", what_, name, dir_);
  std::ostringstream contents;
  contents << in.rdbuf();
  auto shared = std::make_shared<const std::string>(contents.str());
  std::lock_guard lock(mutex_);
  files_.emplace(name, shared);  // a racing reader may have stored the same bytes first: keep theirs
  return files_.at(name);
}

std::string_view content_type_for(std::string_view name) {
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".png")) return "image/png";
  if (name.ends_with(".svg")) return "image/svg+xml";
  if (name.ends_with(".map") || name.ends_with(".json")) return "application/json";
  return "application/octet-stream";
}

}  // namespace mystocks::api
