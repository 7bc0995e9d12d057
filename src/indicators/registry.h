// The indicator registry: for every indicator its name, description, parameters (type, default,
// accepted range), required input columns and output column names, plus one entry point to
// compute it by name with a parameter map. The API builds its OpenAPI schema and validation from
// this table, so everything a client may pass is described here as data.
// Invariants: names and output names are stable snake_case identifiers; parameter defaults lie in
// their ranges; the table is immutable.
// Thread-safety: the table and the free functions are safe from any thread; an IndicatorStream
// needs external synchronisation.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "indicators/convention.h"
#include "indicators/ohlcv.h"

namespace mystocks::indicators {

enum class ParamType : uint8_t { kInteger, kReal };

struct ParamSpec {
  std::string_view name;
  ParamType type;
  double default_value;
  double min_value;  // inclusive
  double max_value;  // inclusive
  std::string_view description;
};

// Feeds one bar at a time; writes one value per output column (NaN where undefined).
class IndicatorStream {
 public:
  virtual ~IndicatorStream() = default;
  // REQUIRES: out.size() == the indicator's output count.
  virtual void update(const Ohlcv& bar, std::span<double> out) = 0;
};

using ParamMap = std::map<std::string, double, std::less<>>;
using OutputColumns = std::vector<std::vector<double>>;
// Parameters resolved to spec order (defaults filled in, ranges checked).
using ParamValues = std::span<const double>;

// Caller-owned output columns, one per output, each as long as the input.
using OutputSpans = std::span<const std::span<double>>;

using ComputeFn = Status (*)(const OhlcvColumns& bars, ParamValues params, Convention convention,
                             OutputSpans out);
using StreamFn = Result<std::unique_ptr<IndicatorStream>> (*)(ParamValues params,
                                                              Convention convention);

struct IndicatorSpec {
  std::string_view name;                      // "macd"
  std::span<const std::string_view> aliases;  // other accepted names ("sma" for "ma")
  std::string_view title;
  std::string_view description;
  FieldMask inputs;           // required columns
  bool convention_sensitive;  // false: both conventions give identical results
  std::span<const ParamSpec> params;
  std::span<const std::string_view> outputs;
  ComputeFn compute;
  StreamFn make_stream;
};

// Every indicator, in a stable order.
std::span<const IndicatorSpec> all_indicators();

// Looks up a name or alias; nullptr when unknown.
const IndicatorSpec* find_indicator(std::string_view name);

// Fills defaults and checks names, integrality and ranges. Errors are kInvalidArgument naming
// the parameter, the value and the accepted range (or the accepted names).
Result<std::vector<double>> resolve_params(const IndicatorSpec& spec, const ParamMap& params);

struct IndicatorOutput {
  const IndicatorSpec* spec = nullptr;
  OutputColumns columns;  // in spec->outputs order, each as long as the input
};

// Computes an indicator by name over whole columns.
Result<IndicatorOutput> compute_indicator(std::string_view name, const OhlcvColumns& bars,
                                          const ParamMap& params, Convention convention);

// Same, writing into caller-owned columns (a RecordBatch's buffers, say) so that repeated calls
// allocate nothing: `out` must hold one span per output, each as long as the input.
Status compute_indicator_into(std::string_view name, const OhlcvColumns& bars,
                              const ParamMap& params, Convention convention, OutputSpans out);

// Creates the incremental form of an indicator by name; same results as compute_indicator.
Result<std::unique_ptr<IndicatorStream>> make_stream(std::string_view name, const ParamMap& params,
                                                     Convention convention);

}  // namespace mystocks::indicators
