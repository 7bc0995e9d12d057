// WAL record payloads. A write record holds one whole validated batch (so a batch is atomic
// across a crash) in a light encoding that is cheap to produce on the write path: zigzag varint
// deltas for integers, raw doubles, run-length strings (tags repeat), bitmaps for validity. A
// delete record holds a table, a symbol set (empty = all series) and a time range; retention
// is a delete. A replace record holds a delete and a write in one record (one checksum), so a
// crash keeps both or neither: the old rows never go without the new ones being durable.
// Tag-matched deletes (e.g. only frequency = 5m of minute_kline) use their own record types
// (kDeleteTagged, kReplaceTagged): the delete payload then ends with its tag values. Untagged
// deletes keep the original types and bytes, so WAL files of earlier versions replay unchanged
// and a WAL without tag deletes stays readable by them.
// Pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "storage/time_series_store.h"
#include "storage/tsdb/batch_validation.h"

namespace mystocks::tsdb {

enum class WalRecordType : uint8_t {
  kWrite = 1,
  kDelete = 2,
  kReplace = 3,
  kDeleteTagged = 4,   // a delete payload followed by its tag values
  kReplaceTagged = 5,  // a replace whose delete half carries tag values
};

// True for the record types this version writes and replays (anything else is damage).
bool is_wal_record_type(uint8_t type);

struct DecodedWrite {
  std::string table;
  RecordBatch batch;  // the columns the writer supplied, in table order
};

struct DeleteRequest {
  std::string table;
  std::vector<std::string> symbols;  // empty = every series
  storage::TimeRange range;
  // (tag position in TableInfo::tag_indices, value): only series with these tag values are
  // deleted; empty = any. Positions are stable: a table's tags never change (check_compatible).
  std::vector<std::pair<size_t, std::string>> tag_equals;
};

// Whether a series with `tags` (table tag order) has every value `tag_equals` asks for; a
// position past `tags` never matches.
bool tags_match(const std::vector<std::pair<size_t, std::string>>& tag_equals,
                const std::vector<std::string>& tags);

// The record types a delete / replace of `request` is logged as.
WalRecordType delete_record_type(const DeleteRequest& request);
WalRecordType replace_record_type(const DeleteRequest& request);

void encode_write_record(const ValidatedBatch& batch, std::string& out);
Result<DecodedWrite> decode_write_record(std::string_view payload);

// Writes the tag values only when there are some (the payload of kDeleteTagged); `tagged`
// tells the decoder which of the two layouts it reads.
void encode_delete_record(const DeleteRequest& request, std::string& out);
Result<DeleteRequest> decode_delete_record(std::string_view payload, bool tagged = false);

// Replay applies `erase` first, then `write`, under one memtable lock.
struct DecodedReplace {
  DeleteRequest erase;
  DecodedWrite write;
};

// Layout: varint length of the delete payload, the delete payload, then the write payload.
void encode_replace_record(const DeleteRequest& request, const ValidatedBatch& batch,
                           std::string& out);
Result<DecodedReplace> decode_replace_record(std::string_view payload, bool tagged = false);

}  // namespace mystocks::tsdb
