// check_store: the offline verification behind `mystocks admin tsdb-check`. Reads the MANIFEST,
// every segment it lists (footer, index, every block checksum, every column decoded, metadata
// against the MANIFEST) and every WAL file still to be replayed (every record checksum; a damaged
// record before a valid one, or at the end of a WAL file that is not the newest, is an error as
// it is for recovery), and lists files the MANIFEST does not know. Reads only; safe while a
// store is open (it may then see a WAL tail being written, reported as a warning).
// Pure function of the directory; callable from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/status.h"

namespace mystocks::tsdb {

struct CheckReport {
  uint64_t tables = 0;
  uint64_t segments = 0;
  uint64_t segment_bytes = 0;
  uint64_t rows = 0;  // rows stored in segments (duplicates awaiting compaction count twice)
  uint64_t wal_files = 0;
  uint64_t wal_records = 0;
  std::vector<std::string> errors;    // corruption, each naming the file
  std::vector<std::string> warnings;  // torn WAL tails, orphan files

  bool ok() const { return errors.empty(); }
};

// NOT_FOUND when `dir` holds no tsdb store.
Result<CheckReport> check_store(const std::filesystem::path& dir);

}  // namespace mystocks::tsdb
