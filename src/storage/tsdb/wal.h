// Wal: the store's write-ahead log, one file per memtable under <dir>/wal, and the group commit
// that decides when an appended record is durable (SyncPolicy). File layout: "MSTSWAL1" + u64
// file number, then records [u32 payload length][u32 crc32c(type + payload)][u8 type][payload].
// A log position is the count of bytes appended over the Wal's life (all files); a record is
// durable once the synced position reaches the position append() returned for it.
// Thread-safety: start_file() and append() need one caller at a time (the store's write mutex);
// wait_durable() and writer_arriving()/writer_arrived() may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/metrics.h"
#include "core/status.h"
#include "storage/tsdb/file_io.h"
#include "storage/tsdb/options.h"
#include "storage/tsdb/wal_record.h"

namespace mystocks::tsdb {

inline constexpr std::string_view kWalMagic = "MSTSWAL1";
inline constexpr size_t kWalHeaderBytes = 16;
inline constexpr size_t kWalRecordHeaderBytes = 9;
inline constexpr size_t kMaxWalRecordBytes = size_t{1} << 30;

std::filesystem::path wal_file_path(const std::filesystem::path& wal_dir, uint64_t number);
// The number of a WAL file name ("000000000042.wal" -> 42), or 0 when it is not one.
uint64_t parse_wal_file_name(const std::string& name);

class Wal {
 public:
  Wal(std::filesystem::path wal_dir, SyncPolicy policy, MetricsRegistry* metrics);
  ~Wal();  // stops the syncer thread; appended but unsynced bytes stay in the page cache
  Wal(const Wal&) = delete;
  Wal& operator=(const Wal&) = delete;

  // Makes file `number` the current file: fsyncs and closes the previous one, then creates the
  // new file with its header and fsyncs it and the directory. After a failed append (disk full)
  // it first cuts the previous file back to its last complete record, and on success clears the
  // sticky error: the log is usable again. A failed fsync stays sticky (the page cache can no
  // longer be trusted; only a restart, which replays the log from disk, clears it).
  Status start_file(uint64_t number);
  // Appends one record to the current file; returns the position durability is measured at.
  Result<uint64_t> append(WalRecordType type, std::string_view payload);
  // Returns once the record ending at `position` is durable under the policy (at once for
  // `none`). A failed fsync is sticky: this and every later call return IO_ERROR.
  Status wait_durable(uint64_t position);
  // Group-commit hints around a writer's validation: while a writer is on its way to append,
  // the syncer waits (up to the window) so that one fsync can cover both.
  void writer_arriving();
  void writer_arrived();

  uint64_t current_number() const { return current_number_; }
  Status sticky_error() const;
  // Whether the sticky error came from an append (start_file can clear it) rather than an fsync.
  bool failed_in_append() const;

 private:
  void syncer_loop();
  // The group-commit syncer ended by an exception: nothing will sync again, so the failure
  // becomes the sticky error and every writer waiting for durability wakes up with it.
  void fail_waiters(Status failure);
  // One fsync covering everything appended so far. REQUIRES: `lock` holds mutex_.
  void sync_locked(std::unique_lock<std::mutex>& lock);

  const std::filesystem::path wal_dir_;
  const SyncPolicy policy_;
  Counter* syncs_ = nullptr;
  Counter* bytes_ = nullptr;
  Histogram* sync_seconds_ = nullptr;

  File file_;  // appended by the single appender; replaced only in start_file
  uint64_t current_number_ = 0;
  uint64_t file_good_bytes_ = 0;  // the appender's: file_'s size after its last complete record

  mutable std::mutex mutex_;
  std::condition_variable synced_cv_;  // position_synced_ advanced or an error happened
  std::condition_variable work_cv_;    // something for the syncer to do
  uint64_t position_written_ = 0;      // GUARDED_BY(mutex_)
  uint64_t position_synced_ = 0;       // GUARDED_BY(mutex_)
  bool syncing_ = false;               // GUARDED_BY(mutex_): an fsync is in flight
  int arriving_ = 0;                   // GUARDED_BY(mutex_)
  std::chrono::steady_clock::time_point first_unsynced_;  // GUARDED_BY(mutex_)
  Status error_;                       // GUARDED_BY(mutex_): sticky fsync/write failure
  bool error_in_append_ = false;       // GUARDED_BY(mutex_): error_ came from append()
  bool stopping_ = false;              // GUARDED_BY(mutex_)
  std::thread syncer_;
};

// How a scan treats a damaged record (bad checksum, impossible length, unknown type).
enum class WalScanMode : uint8_t {
  // Recovery and tsdb-check: a damaged record is a torn tail only when no record that verifies
  // follows it in the file; then the scan stops there. A damaged record followed by a valid one
  // is DATA_LOSS naming the file and both offsets (acknowledged writes would be lost).
  kStrict,
  // tsdb-repair: skip the damaged bytes, resynchronise at the next record that verifies, and
  // list every skipped range in WalFileScan::dropped.
  kSalvage,
};

// Bytes of a WAL file a scan did not replay.
struct WalDroppedRange {
  uint64_t offset = 0;
  uint64_t length = 0;
  std::string reason;  // "checksum mismatch at offset 123", ...
};

// What scanning one WAL file found.
struct WalFileScan {
  uint64_t records = 0;
  uint64_t valid_bytes = 0;  // offset just past the last intact record
  uint64_t file_bytes = 0;
  bool torn = false;         // bytes after valid_bytes were dropped (a torn tail)
  std::string reason;        // why the tail is torn ("checksum mismatch at offset 123", ...)
  // kSalvage only: every damaged range skipped, in file order (the torn tail last, if any).
  std::vector<WalDroppedRange> dropped;
};

// Reads every intact record of a WAL file in order, handing each to `visit` (see WalScanMode
// for damaged records). Never modifies the file. DATA_LOSS when the file is not a WAL file or
// (kStrict) has a damaged record before a valid one; `visit`'s failure stops the scan and is
// returned. Resynchronising tries each later byte offset as a record start, so a damaged file
// costs at most one checksum per candidate offset whose header is plausible.
template <typename Visit>
Result<WalFileScan> scan_wal_file(const std::filesystem::path& path, Visit&& visit,
                                  WalScanMode mode = WalScanMode::kStrict);

// Non-template core of scan_wal_file: the file's bytes are read whole.
Result<WalFileScan> scan_wal_bytes(
    const std::filesystem::path& path, std::string_view bytes,
    const std::function<Status(WalRecordType, std::string_view)>& visit,
    WalScanMode mode = WalScanMode::kStrict);

template <typename Visit>
Result<WalFileScan> scan_wal_file(const std::filesystem::path& path, Visit&& visit,
                                  WalScanMode mode) {
  Result<std::string> bytes = read_whole_file(path);
  if (!bytes.is_ok()) return bytes.status();
  return scan_wal_bytes(path, *bytes, std::function<Status(WalRecordType, std::string_view)>(visit),
                        mode);
}

}  // namespace mystocks::tsdb
