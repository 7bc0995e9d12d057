#include "services/ingest_symbols.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/symbol.h"
#include "core/trading_rules.h"
#include "services/table_rows.h"

namespace mystocks::services {
namespace {

const std::vector<std::string> kInferredColumns = {
    "symbol", "name", "exchange", "board", "security_type", "status", "is_st", "updated_at",
    "inferred"};

}  // namespace

SymbolRegistrar::SymbolRegistrar(DataManager& data, const Clock& clock, bool as_index)
    : data_(data), clock_(clock), as_index_(as_index) {}

Result<std::vector<std::string>> SymbolRegistrar::register_missing(const RecordBatch& batch) {
  const Column* column = batch.column("symbol");
  Result<const storage::TableSchema*> master = data_.catalog().find(kMasterTable);
  if (column == nullptr || !master.is_ok() || (*master)->column("inferred") == nullptr) {
    return std::vector<std::string>{};
  }
  const std::vector<std::string>& values = column->as<std::string>();
  std::set<std::string, std::less<>> unseen;
  for (size_t row = 0; row < values.size(); ++row) {
    if (!column->is_null(row) && !known_.contains(values[row])) unseen.insert(values[row]);
  }
  if (unseen.empty()) return std::vector<std::string>{};

  LoadQuery query;
  query.columns = {"symbol"};
  query.symbols.assign(unseen.begin(), unseen.end());
  Result<RecordBatch> listed = data_.load(kMasterTable, query);
  if (!listed.is_ok()) return listed.status().with_context("looking symbols up in the master");
  for (size_t row = 0; row < listed->num_rows(); ++row) {
    const std::string& symbol = string_at(*listed, "symbol", row);
    known_.insert(symbol);
    unseen.erase(symbol);
  }
  std::vector<std::vector<Cell>> rows;
  std::vector<std::string> registered;
  const int64_t now = clock_.now_ms();
  for (const std::string& text : unseen) {
    Result<Symbol> symbol = Symbol::parse(text);
    if (!symbol.is_ok()) continue;  // not a security code: validation reports the row
    rows.push_back({text, std::string(), std::string(exchange_name(symbol->exchange())),
                    std::string(board_name(board_of(*symbol))),
                    std::string(as_index_ ? "index" : "stock"), std::string("L"), false, now,
                    true});
    registered.push_back(text);
  }
  if (rows.empty()) return registered;
  Result<RecordBatch> batch_rows = make_rows(**master, kInferredColumns, rows);
  if (!batch_rows.is_ok()) return batch_rows.status();
  Result<SaveReport> saved = data_.save(kMasterTable, *batch_rows, SaveStrategy::kRollback);
  if (!saved.is_ok()) {
    return saved.status().with_context("registering symbols not in the securities master");
  }
  known_.insert(registered.begin(), registered.end());
  return registered;
}

Result<RecordBatch> SymbolRegistrar::mark_complete(const storage::TableSchema& master,
                                                   RecordBatch batch) {
  const storage::ColumnDef* inferred = master.column("inferred");
  if (inferred == nullptr || batch.column("inferred") != nullptr) return batch;
  std::vector<Field> fields = batch.schema().fields();
  std::vector<Column> columns;
  for (size_t index = 0; index < batch.num_columns(); ++index) columns.push_back(batch.column(index));
  fields.push_back(inferred->field);
  columns.emplace_back(std::vector<uint8_t>(batch.num_rows(), 0));
  return RecordBatch::make(std::make_shared<const Schema>(std::move(fields)), std::move(columns));
}

std::string registered_symbols_note(const std::vector<std::string>& symbols) {
  if (symbols.empty()) return {};
  constexpr size_t kListed = 20;
  std::string listed;
  for (size_t index = 0; index < symbols.size() && index < kListed; ++index) {
    listed += (index == 0 ? "" : ", ") + symbols[index];
  }
  if (symbols.size() > kListed) listed += fmt::format(" and {} more", symbols.size() - kListed);
  return fmt::format(
      "registered {} symbol(s) not in the securities master as incomplete (symbols.inferred = "
      "true, name empty): {}; import the symbols dataset to complete them",
      symbols.size(), listed);
}

}  // namespace mystocks::services
