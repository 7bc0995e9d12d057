// File primitives of the tsdb on-disk formats: an owned descriptor with positional reads,
// appends and fsync; durable replacement of a small file (write tmp, fsync, rename, fsync dir);
// directory fsync; the store's LOCK. Every failure is IO_ERROR naming the path and errno text.
// Thread-safety: a File may be read with read_at() from several threads at once; writes and
// sync need one owner (or external synchronisation).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mystocks::tsdb {

class File {
 public:
  File() = default;
  ~File();
  File(File&& other) noexcept;
  File& operator=(File&& other) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  static Result<File> open_read(const std::filesystem::path& path);
  // Creates (truncating) a file for writing.
  static Result<File> create(const std::filesystem::path& path);
  // Opens an existing file for read and write without truncating.
  static Result<File> open_read_write(const std::filesystem::path& path);

  bool is_open() const { return fd_ >= 0; }
  const std::filesystem::path& path() const { return path_; }

  Status append(std::string_view bytes);
  // Reads exactly `size` bytes at `offset` into `out` (resized); DATA_LOSS if the file is shorter.
  Status read_at(uint64_t offset, size_t size, std::string& out) const;
  Result<uint64_t> size() const;
  Status sync();  // fdatasync
  Status truncate(uint64_t size);
  Status close();

 private:
  File(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::filesystem::path path_;
};

// fsync of a directory, so a created, renamed or removed entry survives power loss.
Status sync_directory(const std::filesystem::path& dir);

// Replaces `path` with `contents` atomically and durably (tmp file, fsync, rename, dir fsync).
Status write_file_durably(const std::filesystem::path& path, std::string_view contents);

Result<std::string> read_whole_file(const std::filesystem::path& path);

// Creates `dir` and its parents; IO_ERROR naming it on failure.
Status make_directories(const std::filesystem::path& dir);

// flock() on <dir>/LOCK. Exclusive for the writable store; shared (and optional) for tools.
class DirectoryLock {
 public:
  DirectoryLock() = default;
  ~DirectoryLock();
  DirectoryLock(DirectoryLock&& other) noexcept;
  DirectoryLock& operator=(DirectoryLock&& other) noexcept;
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

  // UNAVAILABLE when another process holds a conflicting lock.
  static Result<DirectoryLock> acquire(const std::filesystem::path& dir, bool exclusive);

 private:
  explicit DirectoryLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace mystocks::tsdb
