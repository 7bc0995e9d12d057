#include "storage/tsdb/file_io.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace mystocks::tsdb {
namespace {

Status io_error(std::string_view action, const std::filesystem::path& path, int error_number) {
  return error(ErrorCode::kIoError, "tsdb: cannot {} {}: {}", action, path.string(),
               std::strerror(error_number));
}

}  // namespace

File::~File() { (void)close(); }

File::File(File&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) {
  other.fd_ = -1;
}

File& File::operator=(File&& other) noexcept {
  if (this != &other) {
    (void)close();
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
  }
  return *this;
}

Result<File> File::open_read(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("open", path, errno);
  return File(fd, path);
}

Result<File> File::create(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("create", path, errno);
  return File(fd, path);
}

Result<File> File::open_read_write(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return io_error("open", path, errno);
  return File(fd, path);
}

Status File::append(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd_, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return io_error("write", path_, errno);
    }
    bytes.remove_prefix(static_cast<size_t>(written));
  }
  return Status::ok();
}

Status File::read_at(uint64_t offset, size_t size, std::string& out) const {
  out.resize(size);
  size_t done = 0;
  while (done < size) {
    const ssize_t got = ::pread(fd_, out.data() + done, size - done,
                                static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      return io_error("read", path_, errno);
    }
    if (got == 0) {
      return error(ErrorCode::kDataLoss, "tsdb: {} ends at {} bytes, expected {} bytes at offset {}",
                   path_.string(), offset + done, size, offset);
    }
    done += static_cast<size_t>(got);
  }
  return Status::ok();
}

Result<uint64_t> File::size() const {
  struct stat info {};
  if (::fstat(fd_, &info) != 0) return io_error("stat", path_, errno);
  return static_cast<uint64_t>(info.st_size);
}

Status File::sync() {
  if (::fdatasync(fd_) != 0) return io_error("fsync", path_, errno);
  return Status::ok();
}

Status File::truncate(uint64_t size) {
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) return io_error("truncate", path_, errno);
  return Status::ok();
}

Status File::close() {
  if (fd_ < 0) return Status::ok();
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return io_error("close", path_, errno);
  return Status::ok();
}

Status sync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("open directory", dir, errno);
  const int result = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (result != 0) return io_error("fsync directory", dir, saved);
  return Status::ok();
}

Status write_file_durably(const std::filesystem::path& path, std::string_view contents) {
  std::filesystem::path temporary = path;
  temporary += ".tmp";
  {
    Result<File> file = File::create(temporary);
    if (!file.is_ok()) return file.status();
    MYSTOCKS_RETURN_IF_ERROR(file->append(contents));
    MYSTOCKS_RETURN_IF_ERROR(file->sync());
    MYSTOCKS_RETURN_IF_ERROR(file->close());
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) return io_error("rename to", path, errno);
  return sync_directory(path.parent_path());
}

Result<std::string> read_whole_file(const std::filesystem::path& path) {
  Result<File> file = File::open_read(path);
  if (!file.is_ok()) return file.status();
  Result<uint64_t> size = file->size();
  if (!size.is_ok()) return size.status();
  std::string contents;
  MYSTOCKS_RETURN_IF_ERROR(file->read_at(0, *size, contents));
  return contents;
}

Status make_directories(const std::filesystem::path& dir) {
  std::error_code code;
  std::filesystem::create_directories(dir, code);
  if (code) {
    return error(ErrorCode::kIoError, "tsdb: cannot create directory {}: {}", dir.string(),
                 code.message());
  }
  return Status::ok();
}

DirectoryLock::~DirectoryLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

DirectoryLock::DirectoryLock(DirectoryLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

DirectoryLock& DirectoryLock::operator=(DirectoryLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

Result<DirectoryLock> DirectoryLock::acquire(const std::filesystem::path& dir, bool exclusive) {
  const std::filesystem::path path = dir / "LOCK";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("open", path, errno);
  if (::flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
    const int saved = errno;
    ::close(fd);
    if (saved == EWOULDBLOCK) {
      return error(ErrorCode::kUnavailable,
                   "tsdb: {} is in use by another process (its LOCK is held); stop that process "
                   "first",
                   dir.string());
    }
    return io_error("lock", path, saved);
  }
  return DirectoryLock(fd);
}

}  // namespace mystocks::tsdb
