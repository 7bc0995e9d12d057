// SourceFactory: creates data sources by type name ("simulator", "csv", or types registered by
// tests and future adapters) for the instances configured in sources.instances
// ("primary=simulator,backup=csv"; a bare type names an instance after itself), and
// build_sources() assembles them behind a FailoverSource with the per-data-type priority lists
// (sources.priority and sources.priority_<data type>). Unknown types, duplicate names and
// priority lists naming unknown instances are kInvalidConfig errors naming the setting.
// Thread-safety: register types before sharing the factory; create() is const and safe after.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/config.h"
#include "core/metrics.h"
#include "sources/csv/csv_source.h"
#include "sources/data_source.h"
#include "sources/failover_source.h"
#include "sources/simulator/live_feed.h"
#include "sources/simulator/simulator_source.h"
#include "storage/table_schema.h"

namespace mystocks::sources {

struct SourceSpec {
  std::string name;  // instance name: metrics labels, priority lists, --source
  std::string type;  // adapter type known to the factory
  friend bool operator==(const SourceSpec&, const SourceSpec&) = default;
};

// Parses "name=type, type, ..." (the sources.instances setting).
Result<std::vector<SourceSpec>> parse_source_specs(std::string_view text, std::string_view field);
// Parses a comma-separated list of instance names (a priority setting).
std::vector<std::string> parse_name_list(std::string_view text);

// What an adapter may need when it is created. Everything must outlive the sources.
struct SourceContext {
  const SourcesConfig* config = nullptr;  // the built-in types read their settings here
  std::shared_ptr<const storage::TableCatalog> catalog;
  const Clock* clock = nullptr;
  MetricsRegistry* metrics = nullptr;
};

using SourceCreator = std::function<Result<std::unique_ptr<IDataSource>>(
    const SourceSpec& spec, const SourceContext& context)>;

class SourceFactory {
 public:
  // A factory knowing "simulator" and "csv".
  static SourceFactory with_builtin_types();

  // kAlreadyExists when the type is registered already.
  Status register_type(std::string type, SourceCreator creator);
  // kInvalidConfig naming the instance and the known types when the type is unknown.
  Result<std::unique_ptr<IDataSource>> create(const SourceSpec& spec,
                                              const SourceContext& context) const;
  std::vector<std::string> types() const;

 private:
  std::map<std::string, SourceCreator, std::less<>> creators_;
};

// Every instance of sources.instances behind one FailoverSource named "sources".
Result<std::unique_ptr<FailoverSource>> build_sources(const SourceFactory& factory,
                                                      const SourceContext& context);

// The hint appended when --source or a job names an instance sources.instances lacks: which keys
// make it configured ("sources.instances: simulator,csv" and sources.csv_dir for "csv").
std::string unconfigured_source_hint(std::string_view name);

// The built-in adapters' settings from configuration.
SimulatorOptions simulator_options(const SourcesConfig& config);
Result<CsvSourceOptions> csv_source_options(const SourcesConfig& config);
LiveOptions live_options(const SourcesConfig& config);

}  // namespace mystocks::sources
