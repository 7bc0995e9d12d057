// tsdb_crash_writer <dir> <first operation> <sync policy>: performs the crash test's operation
// sequence (crash_ops.h) from <first operation> on, printing "ACK <index>" after each operation
// the store has acknowledged, until it is killed. A tiny memtable keeps flushes and compactions
// running all the time, so the kill lands in every phase.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "crash_ops.h"
#include "storage/tsdb/tsdb_store.h"

int main(int argc, char** argv) {
  using namespace mystocks;
  if (argc != 4) {
    std::fprintf(stderr, "usage: tsdb_crash_writer <dir> <first operation> <always|group:N|none>\n");
    return 2;
  }
  tsdb::TsdbOptions options;
  options.dir = argv[1];
  Result<tsdb::SyncPolicy> sync = tsdb::parse_sync_policy(argv[3]);
  if (!sync.is_ok()) {
    std::fprintf(stderr, "%s\n", sync.status().message().c_str());
    return 2;
  }
  options.sync = *sync;
  options.memtable_bytes = 16 << 10;
  options.compaction_trigger = 2;
  options.metrics = nullptr;
  Result<std::unique_ptr<tsdb::TsdbStore>> store = tsdb::TsdbStore::open(options);
  if (!store.is_ok()) {
    std::fprintf(stderr, "open: %s\n", store.status().to_string().c_str());
    return 1;
  }
  Status created = (*store)->create_table(tsdb::crash::table_schema());
  if (!created.is_ok()) {
    std::fprintf(stderr, "create_table: %s\n", created.to_string().c_str());
    return 1;
  }
  for (int64_t index = std::atoll(argv[2]);; ++index) {
    Status status;
    if (tsdb::crash::is_delete(index)) {
      const tsdb::crash::Delete del = tsdb::crash::delete_of(index);
      status = (*store)->delete_range("crash", {del.symbol}, del.tags(), del.range).status();
    } else if (tsdb::crash::is_replace(index)) {
      const tsdb::crash::Replace replace = tsdb::crash::replace_of(index);
      status = (*store)
                   ->replace_range("crash", {replace.scope.symbol}, replace.scope.tags(),
                                   replace.scope.range, tsdb::crash::batch_of(replace.rows))
                   .status();
    } else {
      status = (*store)->write("crash", tsdb::crash::batch_of(tsdb::crash::write_of(index)));
    }
    if (!status.is_ok()) {
      std::fprintf(stderr, "operation %lld: %s\n", static_cast<long long>(index),
                   status.to_string().c_str());
      return 1;
    }
    std::printf("ACK %lld\n", static_cast<long long>(index));
    std::fflush(stdout);
  }
}
