#include "support/temp_dir.h"

#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <vector>

namespace mystocks::test {
namespace {

Status chown_to(const std::filesystem::path& path, const std::string& user) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  const int rc = ::getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (rc != 0 || found == nullptr) {
    return error(ErrorCode::kFailedPrecondition, "user '{}' does not exist (getpwnam: {})", user,
                 rc != 0 ? std::strerror(rc) : "no such user");
  }
  if (::chown(path.c_str(), found->pw_uid, found->pw_gid) != 0) {
    return error(ErrorCode::kPermissionDenied, "chown {} to '{}' failed: {}", path.string(), user,
                 std::strerror(errno));
  }
  return Status::ok();
}

}  // namespace

std::filesystem::path temp_root() {
  const char* tmpdir = std::getenv("TMPDIR");
  if (tmpdir != nullptr && *tmpdir != '\0') return tmpdir;
  return "/tmp";
}

Result<TempDir> TempDir::create(std::string_view prefix, const std::optional<std::string>& owner) {
  std::string pattern = (temp_root() / std::string(prefix)).string() + "XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    return error(ErrorCode::kIoError, "mkdtemp({}) failed: {}", pattern, std::strerror(errno));
  }
  TempDir dir{std::filesystem::path(pattern)};
  if (owner.has_value()) MYSTOCKS_RETURN_IF_ERROR(chown_to(dir.path(), *owner));
  return dir;
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    remove();
    path_ = std::exchange(other.path_, {});
  }
  return *this;
}

TempDir::~TempDir() { remove(); }

void TempDir::remove() {
  if (path_.empty()) return;
  // error_code overload: a destructor must not throw, and a leftover directory in /tmp is better
  // than aborting the test binary; say so on stderr so the leak is visible in the test log.
  std::error_code failure;
  std::filesystem::remove_all(path_, failure);
  if (failure) {
    std::fprintf(stderr, "warning: could not remove %s: %s\n", path_.c_str(),
                 failure.message().c_str());
  }
  path_.clear();
}

}  // namespace mystocks::test
