// Version: an immutable picture of the store's tables and live segment files. The store swaps
// its current Version (a shared_ptr) on every flush, compaction and create_table; readers hold
// the Version they started with, so files they use stay alive (SegmentHandle unlinks an
// obsolete file only when the last Version holding it is gone).
// Thread-safety: a Version and its handles are immutable (mark_obsolete is atomic); share freely.
#pragma once

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "storage/tsdb/manifest.h"
#include "storage/tsdb/table_info.h"

namespace mystocks::tsdb {

class SegmentHandle {
 public:
  SegmentHandle(SegmentMeta meta, std::filesystem::path path)
      : meta_(std::move(meta)), path_(std::move(path)) {}
  ~SegmentHandle();
  SegmentHandle(const SegmentHandle&) = delete;
  SegmentHandle& operator=(const SegmentHandle&) = delete;

  const SegmentMeta& meta() const { return meta_; }
  const std::filesystem::path& path() const { return path_; }
  // The file is no longer in the MANIFEST: unlink it once nobody holds this handle.
  void mark_obsolete() const { obsolete_.store(true); }

 private:
  SegmentMeta meta_;
  std::filesystem::path path_;
  mutable std::atomic<bool> obsolete_{false};
};

using SegmentPtr = std::shared_ptr<const SegmentHandle>;

struct TableVersion {
  std::shared_ptr<const TableInfo> info;
  std::map<int32_t, std::vector<SegmentPtr>> days;  // each day's segments by ascending generation
};

struct Version {
  std::map<std::string, TableVersion> tables;

  const TableVersion* table(const std::string& name) const {
    auto it = tables.find(name);
    return it == tables.end() ? nullptr : &it->second;
  }
};

// Sorts a day's segments by generation (the order precedence needs).
void sort_by_generation(std::vector<SegmentPtr>& segments);

}  // namespace mystocks::tsdb
