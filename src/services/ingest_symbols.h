// Symbol prerequisites of an ingest: market data (bars, ticks, fund flow, ...) for a symbol the
// securities master (`symbols`) does not list is stored, and the symbol is registered in the
// master as *inferred*: name empty, exchange from the code, board from the code
// (core/trading_rules.h), security_type stock (index for index datasets), status L, and the
// `inferred` column true. Every route that looks symbols up (indicators, fund flow, orders,
// watchlists) then works, and the entry says it is incomplete until the symbols dataset is
// imported, whose rows replace it (and clear the flag). docs/ingest.md explains the choice.
// One SymbolRegistrar per job: it caches the symbols it has seen, so each is looked up once.
// Not thread-safe (the running job owns it); the DataManager it uses is.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/record_batch.h"
#include "core/status.h"
#include "services/data_manager.h"

namespace mystocks::services {

class SymbolRegistrar {
 public:
  inline static const std::string kMasterTable = "symbols";

  // `as_index`: register unknown symbols as indices (index_daily, index_components).
  SymbolRegistrar(DataManager& data, const Clock& clock, bool as_index);

  // The symbols of `batch`'s "symbol" column that the master lacks, now registered as inferred;
  // sorted. Nothing when the batch has no symbol column or the catalog no master table.
  Result<std::vector<std::string>> register_missing(const RecordBatch& batch);

  // For the symbols dataset itself: `batch` with an `inferred` column of false added (when the
  // master declares it and the batch lacks it), so imported master rows replace inferred ones
  // completely (an upsert keeps the values of columns a batch leaves out).
  static Result<RecordBatch> mark_complete(const storage::TableSchema& master, RecordBatch batch);

 private:
  DataManager& data_;
  const Clock& clock_;
  bool as_index_;
  std::set<std::string, std::less<>> known_;  // in the master (or registered by this job)
};

// "registered 3 symbols not in the securities master as incomplete (inferred): A, B, C; ..."
// for job reports and the CLI; empty when `symbols` is.
std::string registered_symbols_note(const std::vector<std::string>& symbols);

}  // namespace mystocks::services
