// Shared by the sources benchmarks: the catalog, a simulator, and tick snapshots written as a
// CSV export would write them (all 31 columns, local Asia/Shanghai times), built once.
#pragma once

#include <memory>
#include <string>

#include <fmt/format.h>

#include "core/clock.h"
#include "core/decimal.h"
#include "sources/simulator/simulator_source.h"
#include "storage/tables_yaml.h"

namespace mystocks::sources {

inline const std::shared_ptr<const storage::TableCatalog>& catalog() {
  static const auto loaded = std::make_shared<const storage::TableCatalog>(
      std::move(storage::load_tables_yaml(MYSTOCKS_TABLES_YAML)).value());
  return loaded;
}

inline const ManualClock& clock() {
  static const ManualClock fixed(shanghai_time(Date::from_ymd(2026, 11, 25), 16, 0));
  return fixed;
}

inline std::unique_ptr<SimulatorSource> simulator(int symbols) {
  return std::move(SimulatorSource::create("sim", SimulatorOptions{42, symbols}, catalog(), clock(),
                                           50'000'000))
      .value();
}

inline SourceRequest range(std::string_view from, std::string_view to) {
  return SourceRequest::range({}, *parse_date(from), *parse_date(to));
}

// Tick snapshots as a CSV export would write them (all 31 columns, local times).
inline const std::string& tick_csv() {
  static const std::string text = [] {
    auto source = simulator(40);
    const RecordBatch ticks = std::move(source->ticks(range("2024-05-07", "2024-05-07"))).value();
    std::string out;
    const Schema& schema = ticks.schema();
    for (size_t column = 0; column < schema.size(); ++column) {
      out += (column == 0 ? "" : ",") + schema.field(column).name;
    }
    out += '\n';
    for (size_t row = 0; row < ticks.num_rows(); ++row) {
      for (size_t column = 0; column < schema.size(); ++column) {
        if (column > 0) out += ',';
        const Column& values = ticks.column(column);
        if (values.is_null(row)) continue;
        const Field& field = schema.field(column);
        if (field.type == ColumnType::kTimestamp) {
          const TimestampMs ts = values.as<int64_t>()[row];
          const Date date = shanghai_date(ts);
          const int64_t local = shanghai_millis_of_day(ts) / 1000;
          out += fmt::format("{} {:02}:{:02}:{:02}", date.to_string(), local / 3600,
                             local / 60 % 60, local % 60);
        } else if (field.type == ColumnType::kDecimal) {
          out += Decimal(values.as<int64_t>()[row], field.scale).to_string();
        } else if (field.type == ColumnType::kInt64) {
          out += std::to_string(values.as<int64_t>()[row]);
        } else {
          out += values.as<std::string>()[row];
        }
      }
      out += '\n';
    }
    return out;
  }();
  return text;
}

}  // namespace mystocks::sources
