// Static files read from one directory on first request and kept in memory: the Swagger UI
// assets and the web dashboard bundle, a handful of files of a few MB, never evicted (a new
// build means a restart). Names are single path segments; anything that could leave the
// directory is refused before the file system is touched.
// Thread-safe: any thread may call get(); the file read happens outside the lock.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"

namespace mystocks::api {

class AssetCache {
 public:
  // `what` names the kind of asset in error messages ("documentation asset", "dashboard file").
  AssetCache(std::string dir, std::string what) : dir_(std::move(dir)), what_(std::move(what)) {}

  // The file's bytes; INVALID_ARGUMENT for a name with '/', '\\' or a leading '.', NOT_FOUND
  // when the directory has no such file.
  Result<std::shared_ptr<const std::string>> get(const std::string& name);

 private:
  std::string dir_;
  std::string what_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const std::string>> files_;  // GUARDED_BY(mutex_)
};

// "text/javascript; charset=utf-8" for "app.js", and so on; octet-stream when unknown.
std::string_view content_type_for(std::string_view name);

}  // namespace mystocks::api
