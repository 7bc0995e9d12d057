// TempDir: a private directory (mkdtemp under $TMPDIR, else /tmp) that is removed, recursively,
// when the object is destroyed, whatever a test left inside. It can be handed to another user
// (chown), which is how the PostgreSQL harness gives its data to `postgres` when run as root.
// Invariant: a live TempDir owns exactly one existing directory; a moved-from one owns none.
// Thread-safety: not synchronised; one owner at a time (movable, not copyable).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mystocks::test {

class TempDir {
 public:
  // Creates "<tmp>/<prefix>XXXXXX" with mode 0700. With an owner, chowns it to that user and
  // their primary group (needs root); fails with kFailedPrecondition if the user does not exist.
  static Result<TempDir> create(std::string_view prefix,
                                const std::optional<std::string>& owner = std::nullopt);

  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TempDir(std::filesystem::path path) : path_(std::move(path)) {}
  void remove();

  std::filesystem::path path_;  // empty when moved from
};

// The base for temporary directories: $TMPDIR when set and non-empty, else /tmp.
std::filesystem::path temp_root();

}  // namespace mystocks::test
