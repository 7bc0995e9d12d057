#include "sources/source_factory.h"

#include <set>

namespace mystocks::sources {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// The per-data-type priority settings, in DataType order.
const std::string& priority_setting(const SourcesConfig& config, DataType type) {
  switch (type) {
    case DataType::kDaily:
      return config.priority_daily;
    case DataType::kIndexDaily:
      return config.priority_index_daily;
    case DataType::kMinute:
      return config.priority_minute;
    case DataType::kSymbols:
      return config.priority_symbols;
    case DataType::kIndexComponents:
      return config.priority_index_components;
    case DataType::kRealtimeQuotes:
      return config.priority_realtime;
    case DataType::kTradeCalendar:
      return config.priority_calendar;
    case DataType::kFundamentals:
      return config.priority_fundamentals;
    case DataType::kFundFlow:
      return config.priority_fund_flow;
    case DataType::kNews:
      return config.priority_news;
    case DataType::kTick:
      return config.priority_tick;
  }
  return config.priority;
}

}  // namespace

Result<std::vector<SourceSpec>> parse_source_specs(std::string_view text, std::string_view field) {
  std::vector<SourceSpec> specs;
  std::set<std::string> names;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view entry = trim(text.substr(start, end - start));
    start = end + 1;
    if (entry.empty()) continue;
    const size_t equals = entry.find('=');
    SourceSpec spec;
    spec.name = std::string(trim(entry.substr(0, equals)));
    spec.type =
        equals == std::string_view::npos ? spec.name : std::string(trim(entry.substr(equals + 1)));
    if (!valid_name(spec.name) || !valid_name(spec.type)) {
      return field_error(
          ErrorCode::kInvalidConfig, std::string(field),
          "{}: entry '{}' is not name=type or type (names: letters, digits, _ and -)", field,
          entry);
    }
    if (!names.insert(spec.name).second) {
      return field_error(ErrorCode::kInvalidConfig, std::string(field),
                         "{}: source name '{}' appears twice", field, spec.name);
    }
    specs.push_back(std::move(spec));
  }
  if (specs.empty()) {
    return field_error(ErrorCode::kInvalidConfig, std::string(field),
                       "{} is empty: configure at least one source, e.g. simulator", field);
  }
  return specs;
}

std::string unconfigured_source_hint(std::string_view name) {
  if (name == "csv") {
    return "; to import CSV files add the csv adapter to sources.instances (\"simulator,csv\") and "
           "point sources.csv_dir at the import root holding daily/, minute_1m/, tick/, ... "
           "(docs/ingest.md)";
  }
  if (name == "simulator") {
    return "; add the simulator to sources.instances (\"simulator\", or \"sim=simulator\" to name "
           "it) (docs/ingest.md)";
  }
  return fmt::format(
      "; add \"{}=<type>\" to sources.instances, type one of simulator, csv (docs/ingest.md)",
      name);
}

std::vector<std::string> parse_name_list(std::string_view text) {
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view entry = trim(text.substr(start, end - start));
    if (!entry.empty()) names.emplace_back(entry);
    start = end + 1;
  }
  return names;
}

SimulatorOptions simulator_options(const SourcesConfig& config) {
  SimulatorOptions options;
  options.seed = static_cast<uint64_t>(config.simulator_seed);
  options.symbol_count = static_cast<int>(config.simulator_symbols);
  return options;
}

Result<CsvSourceOptions> csv_source_options(const SourcesConfig& config) {
  CsvSourceOptions options;
  options.root = config.csv_dir;
  Result<TextEncoding> encoding = parse_encoding(config.csv_encoding);
  if (!encoding.is_ok()) {
    return field_error(ErrorCode::kInvalidConfig, "sources.csv_encoding",
                       "sources.csv_encoding: {}", encoding.status().message());
  }
  options.csv.encoding = *encoding;
  Result<ErrorPolicy> policy = parse_error_policy(config.csv_on_error);
  if (!policy.is_ok()) {
    return field_error(ErrorCode::kInvalidConfig, "sources.csv_on_error",
                       "sources.csv_on_error: {}", policy.status().message());
  }
  options.csv.on_error = *policy;
  const std::string delimiter = config.csv_delimiter == "\\t" ? "\t" : config.csv_delimiter;
  if (delimiter.size() != 1 || delimiter == "\"" || delimiter == "\n") {
    return field_error(ErrorCode::kInvalidConfig, "sources.csv_delimiter",
                       "sources.csv_delimiter '{}' must be one character other than a quote or a "
                       "line break (\\t for tab)",
                       config.csv_delimiter);
  }
  options.csv.delimiter = delimiter[0];
  Result<std::vector<ColumnMapping>> mappings =
      parse_column_mappings(config.csv_columns, "sources.csv_columns");
  if (!mappings.is_ok()) return mappings.status();
  options.csv.mappings = std::move(mappings).value();
  return options;
}

LiveOptions live_options(const SourcesConfig& config) {
  LiveOptions options;
  options.speed = static_cast<double>(config.live_speed);
  options.always_open = config.live_always_open;
  options.max_rows = config.live_max_rows;
  return options;
}

SourceFactory SourceFactory::with_builtin_types() {
  SourceFactory factory;
  Status simulator = factory.register_type(
      "simulator",
      [](const SourceSpec& spec,
         const SourceContext& context) -> Result<std::unique_ptr<IDataSource>> {
        Result<std::unique_ptr<SimulatorSource>> source =
            SimulatorSource::create(spec.name, simulator_options(*context.config), context.catalog,
                                    *context.clock, context.config->simulator_max_rows);
        if (!source.is_ok()) return source.status();
        return std::unique_ptr<IDataSource>(std::move(source).value());
      });
  Status csv = factory.register_type(
      "csv",
      [](const SourceSpec& spec,
         const SourceContext& context) -> Result<std::unique_ptr<IDataSource>> {
        Result<CsvSourceOptions> options = csv_source_options(*context.config);
        if (!options.is_ok()) return options.status();
        Result<std::unique_ptr<CsvSource>> source =
            CsvSource::create(spec.name, std::move(options).value(), context.catalog,
                              *context.clock, *context.metrics);
        if (!source.is_ok()) return source.status();
        return std::unique_ptr<IDataSource>(std::move(source).value());
      });
  // Registering into an empty factory cannot collide.
  (void)simulator;
  (void)csv;
  return factory;
}

Status SourceFactory::register_type(std::string type, SourceCreator creator) {
  if (creators_.contains(type)) {
    return error(ErrorCode::kAlreadyExists, "source type '{}' is registered already", type);
  }
  creators_.emplace(std::move(type), std::move(creator));
  return Status::ok();
}

std::vector<std::string> SourceFactory::types() const {
  std::vector<std::string> out;
  for (const auto& entry : creators_) out.push_back(entry.first);
  return out;
}

Result<std::unique_ptr<IDataSource>> SourceFactory::create(const SourceSpec& spec,
                                                           const SourceContext& context) const {
  auto it = creators_.find(spec.type);
  if (it == creators_.end()) {
    std::string known;
    for (const std::string& type : types()) known += (known.empty() ? "" : ", ") + type;
    return field_error(ErrorCode::kInvalidConfig, "sources.instances",
                       "source '{}' has type '{}', which is unknown: expected one of {}", spec.name,
                       spec.type, known);
  }
  Result<std::unique_ptr<IDataSource>> source = it->second(spec, context);
  if (!source.is_ok())
    return source.status().with_context(fmt::format("creating source '{}'", spec.name));
  return source;
}

Result<std::unique_ptr<FailoverSource>> build_sources(const SourceFactory& factory,
                                                      const SourceContext& context) {
  const SourcesConfig& config = *context.config;
  Result<std::vector<SourceSpec>> specs = parse_source_specs(config.instances, "sources.instances");
  if (!specs.is_ok()) return specs.status();
  std::vector<std::unique_ptr<IDataSource>> sources;
  for (const SourceSpec& spec : *specs) {
    Result<std::unique_ptr<IDataSource>> source = factory.create(spec, context);
    if (!source.is_ok()) return source.status();
    sources.push_back(std::move(source).value());
  }
  PriorityMap priorities;
  for (DataType type : all_data_types()) {
    const std::string& setting = priority_setting(config, type);
    if (!setting.empty()) priorities[type] = parse_name_list(setting);
  }
  return FailoverSource::create("sources", std::move(sources), std::move(priorities),
                                parse_name_list(config.priority), *context.metrics, *context.clock);
}

}  // namespace mystocks::sources
