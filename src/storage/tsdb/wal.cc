#include "storage/tsdb/wal.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "core/thread_guard.h"
#include "storage/tsdb/byte_stream.h"
#include "storage/tsdb/crc32c.h"

namespace mystocks::tsdb {

std::filesystem::path wal_file_path(const std::filesystem::path& wal_dir, uint64_t number) {
  return wal_dir / fmt::format("{:012}.wal", number);
}

uint64_t parse_wal_file_name(const std::string& name) {
  if (name.size() != 16 || !name.ends_with(".wal")) return 0;
  uint64_t number = 0;
  for (size_t index = 0; index < 12; ++index) {
    if (name[index] < '0' || name[index] > '9') return 0;
    number = number * 10 + static_cast<uint64_t>(name[index] - '0');
  }
  return number;
}

Wal::Wal(std::filesystem::path wal_dir, SyncPolicy policy, MetricsRegistry* metrics)
    : wal_dir_(std::move(wal_dir)), policy_(policy) {
  if (metrics != nullptr) {
    syncs_ = &metrics->counter("tsdb_wal_syncs_total", "fsyncs of the tsdb write-ahead log").get();
    bytes_ = &metrics->counter("tsdb_wal_bytes_total", "bytes appended to the tsdb WAL").get();
    sync_seconds_ =
        &metrics->histogram("tsdb_wal_sync_seconds", "duration of one tsdb WAL fsync").get();
  }
  if (policy_.mode == SyncPolicy::Mode::kGroup) {
    syncer_ = std::thread([this] {
      Status failed = run_thread("tsdb-wal-syncer", [this] { syncer_loop(); });
      if (!failed.is_ok()) fail_waiters(std::move(failed));
    });
  }
}

Wal::~Wal() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  if (syncer_.joinable()) syncer_.join();
}

Status Wal::start_file(uint64_t number) {
  std::unique_lock lock(mutex_);
  synced_cv_.wait(lock, [&] { return !syncing_; });
  if (!error_.is_ok() && !error_in_append_) return error_;
  if (file_.is_open()) {
    Status status;
    // A failed append may have left part of a record: cut it, so that only the newest WAL file
    // can ever end in a torn record (recovery treats damage anywhere else as data loss).
    if (error_in_append_) status = file_.truncate(file_good_bytes_);
    if (status.is_ok()) status = file_.sync();
    if (status.is_ok()) status = file_.close();
    if (!status.is_ok()) {
      error_ = status;
      error_in_append_ = false;
      synced_cv_.notify_all();
      return status;
    }
    position_synced_ = position_written_;
    synced_cv_.notify_all();
  }
  const std::filesystem::path path = wal_file_path(wal_dir_, number);
  Result<File> file = File::create(path);
  if (!file.is_ok()) return file.status();
  std::string header(kWalMagic);
  ByteWriter(header).put_u64(number);
  Status created = file->append(header);
  if (created.is_ok()) created = file->sync();
  if (created.is_ok()) created = sync_directory(wal_dir_);
  if (!created.is_ok()) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);  // a half-made file must not become the newest
    return created;
  }
  file_ = std::move(*file);
  current_number_ = number;
  file_good_bytes_ = header.size();
  position_written_ += header.size();
  position_synced_ = position_written_;
  if (!error_.is_ok()) {
    spdlog::info("tsdb: WAL writable again in {} after: {}", path.string(), error_.message());
    error_ = Status::ok();
    error_in_append_ = false;
  }
  return Status::ok();
}

Result<uint64_t> Wal::append(WalRecordType type, std::string_view payload) {
  if (payload.size() > kMaxWalRecordBytes) {
    return error(ErrorCode::kPayloadTooLarge,
                 "tsdb: a WAL record of {} bytes exceeds the {} byte limit; write smaller batches",
                 payload.size(), kMaxWalRecordBytes);
  }
  {
    std::lock_guard lock(mutex_);
    if (!error_.is_ok()) return error_;
  }
  char header[kWalRecordHeaderBytes];
  const auto length = static_cast<uint32_t>(payload.size());
  const auto type_byte = static_cast<uint8_t>(type);
  uint32_t crc = crc32c_extend(0, &type_byte, 1);
  crc = crc32c_extend(crc, payload.data(), payload.size());
  std::memcpy(header, &length, 4);
  std::memcpy(header + 4, &crc, 4);
  header[8] = static_cast<char>(type_byte);
  Status status = file_.append(std::string_view(header, sizeof(header)));
  if (status.is_ok()) status = file_.append(payload);
  std::lock_guard lock(mutex_);
  if (!status.is_ok()) {
    // A partial record may be in the file; nothing after it could be replayed, so stop here
    // until start_file() cuts it off.
    error_ = status;
    error_in_append_ = true;
    synced_cv_.notify_all();
    return status;
  }
  file_good_bytes_ += sizeof(header) + payload.size();
  if (position_written_ == position_synced_) first_unsynced_ = std::chrono::steady_clock::now();
  position_written_ += sizeof(header) + payload.size();
  if (bytes_ != nullptr) bytes_->inc(static_cast<double>(sizeof(header) + payload.size()));
  work_cv_.notify_one();
  return position_written_;
}

void Wal::sync_locked(std::unique_lock<std::mutex>& lock) {
  syncing_ = true;
  const uint64_t target = position_written_;
  File* file = &file_;
  lock.unlock();
  const auto started = std::chrono::steady_clock::now();
  Status status = file->sync();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  lock.lock();
  syncing_ = false;
  if (syncs_ != nullptr) syncs_->inc();
  if (sync_seconds_ != nullptr) sync_seconds_->observe(seconds);
  if (!status.is_ok()) {
    error_ = status;
    error_in_append_ = false;
  } else if (target > position_synced_) {
    position_synced_ = target;
  }
  synced_cv_.notify_all();
}

Status Wal::wait_durable(uint64_t position) {
  std::unique_lock lock(mutex_);
  switch (policy_.mode) {
    case SyncPolicy::Mode::kNone:
      return error_;
    case SyncPolicy::Mode::kAlways:
      while (error_.is_ok() && position_synced_ < position) {
        if (syncing_) {
          synced_cv_.wait(lock);
        } else {
          sync_locked(lock);
        }
      }
      return error_;
    case SyncPolicy::Mode::kGroup:
      work_cv_.notify_one();
      synced_cv_.wait(lock, [&] { return !error_.is_ok() || position_synced_ >= position; });
      return error_;
  }
  return error_;
}

void Wal::writer_arriving() {
  std::lock_guard lock(mutex_);
  ++arriving_;
}

void Wal::writer_arrived() {
  {
    std::lock_guard lock(mutex_);
    --arriving_;
  }
  work_cv_.notify_one();
}

Status Wal::sticky_error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

bool Wal::failed_in_append() const {
  std::lock_guard lock(mutex_);
  return !error_.is_ok() && error_in_append_;
}

void Wal::fail_waiters(Status failure) {
  {
    std::lock_guard lock(mutex_);
    if (error_.is_ok()) {
      error_ = std::move(failure);
      error_in_append_ = false;
    }
    syncing_ = false;  // the syncer is gone, whatever it was doing
  }
  synced_cv_.notify_all();
}

void Wal::syncer_loop() {
  const auto window = std::chrono::milliseconds(policy_.window_ms);
  std::unique_lock lock(mutex_);
  while (true) {
    work_cv_.wait(lock, [&] {
      return stopping_ || (position_written_ > position_synced_ && !syncing_ && error_.is_ok());
    });
    if (stopping_) return;
    // Give writers that are about to append a chance to share this fsync, within the window.
    // (Real time on purpose: this is an I/O batching delay, not a timestamp.)
    const auto deadline = first_unsynced_ + window;
    work_cv_.wait_until(lock, deadline, [&] { return stopping_ || arriving_ == 0; });
    if (stopping_) return;
    if (syncing_ || position_written_ <= position_synced_ || !error_.is_ok()) continue;
    sync_locked(lock);
  }
}

namespace {

// What lies at one offset of a WAL file.
struct RecordAt {
  enum class Kind : uint8_t { kValid, kShortHeader, kShortPayload, kDamaged } kind;
  uint32_t length = 0;  // payload bytes announced
  uint8_t type = 0;
};

RecordAt record_at(std::string_view bytes, size_t offset) {
  if (bytes.size() - offset < kWalRecordHeaderBytes) return {RecordAt::Kind::kShortHeader};
  uint32_t length = 0;
  uint32_t crc = 0;
  std::memcpy(&length, bytes.data() + offset, 4);
  std::memcpy(&crc, bytes.data() + offset + 4, 4);
  const auto type = static_cast<uint8_t>(bytes[offset + 8]);
  if (length > kMaxWalRecordBytes || bytes.size() - offset - kWalRecordHeaderBytes < length) {
    return {RecordAt::Kind::kShortPayload, length, type};
  }
  if (!is_wal_record_type(type)) return {RecordAt::Kind::kDamaged, length, type};
  const std::string_view payload = bytes.substr(offset + kWalRecordHeaderBytes, length);
  uint32_t actual = crc32c_extend(0, &type, 1);
  actual = crc32c_extend(actual, payload.data(), payload.size());
  if (actual != crc) return {RecordAt::Kind::kDamaged, length, type};
  return {RecordAt::Kind::kValid, length, type};
}

std::string damage_reason(const RecordAt& record, size_t offset) {
  switch (record.kind) {
    case RecordAt::Kind::kShortHeader:
      return fmt::format("incomplete record header at offset {}", offset);
    case RecordAt::Kind::kShortPayload:
      return fmt::format("incomplete record at offset {} ({} payload bytes announced)", offset,
                         record.length);
    default:
      return fmt::format("checksum mismatch at offset {}", offset);
  }
}

// Result of looking for the next record that verifies.
struct Resync {
  size_t offset = std::string_view::npos;  // npos: none
  bool gave_up = false;                    // the checksum budget ran out before the end
};

// The first offset after `from` where a record that verifies starts. Cheap checks (type byte,
// length within the file) come before the checksum, and the checksummed bytes are bounded by
// `budget` (shared by the whole scan), so crafted bytes cannot make a scan quadratic.
Resync next_valid_record(std::string_view bytes, size_t from, uint64_t& budget) {
  for (size_t offset = from; offset + kWalRecordHeaderBytes <= bytes.size(); ++offset) {
    if (!is_wal_record_type(static_cast<uint8_t>(bytes[offset + 8]))) continue;
    uint32_t length = 0;
    std::memcpy(&length, bytes.data() + offset, 4);
    if (length > bytes.size() - offset - kWalRecordHeaderBytes) continue;
    if (length > budget) return {std::string_view::npos, true};
    budget -= length;
    if (record_at(bytes, offset).kind == RecordAt::Kind::kValid) return {offset, false};
  }
  return {};
}

}  // namespace

Result<WalFileScan> scan_wal_bytes(
    const std::filesystem::path& path, std::string_view bytes,
    const std::function<Status(WalRecordType, std::string_view)>& visit, WalScanMode mode) {
  WalFileScan scan;
  scan.file_bytes = bytes.size();
  if (bytes.size() < kWalHeaderBytes) {
    // Created but the header never reached the disk: nothing in it was ever acknowledged.
    scan.torn = !bytes.empty();
    scan.reason = "file shorter than its header";
    if (scan.torn && mode == WalScanMode::kSalvage)
      scan.dropped.push_back({0, bytes.size(), scan.reason});
    return scan;
  }
  if (bytes.substr(0, kWalMagic.size()) != kWalMagic) {
    return error(ErrorCode::kDataLoss, "tsdb: {} is not a WAL file (bad magic)", path.string());
  }
  size_t offset = kWalHeaderBytes;
  scan.valid_bytes = offset;
  uint64_t resync_budget = std::max<uint64_t>(uint64_t{64} << 20, 4 * uint64_t{bytes.size()});
  while (offset < bytes.size()) {
    const RecordAt record = record_at(bytes, offset);
    if (record.kind != RecordAt::Kind::kValid) {
      const std::string reason = damage_reason(record, offset);
      const Resync resync = next_valid_record(bytes, offset + 1, resync_budget);
      if (resync.gave_up && mode == WalScanMode::kStrict) {
        // Refuse rather than guess: calling it a torn tail could drop acknowledged records.
        return error(ErrorCode::kDataLoss,
                     "tsdb: WAL file {} is damaged at offset {} ({}) and the bytes after it are "
                     "too garbled to tell whether valid records follow; nothing was changed. "
                     "Salvage every readable record with `mystocks admin tsdb-repair`",
                     path.string(), offset, reason);
      }
      const size_t next = resync.offset;
      if (next == std::string_view::npos) {  // nothing valid follows: a torn tail
        scan.torn = true;
        scan.reason = reason;
        if (mode == WalScanMode::kSalvage)
          scan.dropped.push_back({offset, bytes.size() - offset, reason});
        break;
      }
      if (mode == WalScanMode::kStrict) {
        return error(ErrorCode::kDataLoss,
                     "tsdb: WAL file {} is damaged at offset {} ({}), but a valid record follows "
                     "at offset {}: this is not a torn tail, and replaying past it would lose "
                     "acknowledged writes; nothing was changed. Salvage every readable record "
                     "with `mystocks admin tsdb-repair`",
                     path.string(), offset, reason, next);
      }
      scan.dropped.push_back({offset, next - offset, reason});
      offset = next;
      continue;
    }
    const std::string_view payload = bytes.substr(offset + kWalRecordHeaderBytes, record.length);
    MYSTOCKS_RETURN_IF_ERROR(visit(static_cast<WalRecordType>(record.type), payload));
    offset += kWalRecordHeaderBytes + record.length;
    ++scan.records;
    scan.valid_bytes = offset;
  }
  return scan;
}

}  // namespace mystocks::tsdb
