#include "indicators/registry.h"

#include <fmt/format.h>

#include <cmath>

namespace mystocks::indicators {

namespace {

std::string known_names() {
  std::string names;
  for (const IndicatorSpec& spec : all_indicators()) {
    if (!names.empty()) names += ", ";
    names += spec.name;
  }
  return names;
}

Result<const IndicatorSpec*> require_indicator(std::string_view name) {
  const IndicatorSpec* spec = find_indicator(name);
  if (spec != nullptr) return spec;
  return field_error(ErrorCode::kInvalidArgument, "indicator",
                     "indicator '{}' is not known; expected one of: {}", name, known_names());
}

Status check_value(const IndicatorSpec& spec, const ParamSpec& param, double value) {
  const bool integral = param.type == ParamType::kInteger;
  if (std::isfinite(value) && value >= param.min_value && value <= param.max_value &&
      (!integral || value == std::trunc(value))) {
    return Status::ok();
  }
  return field_error(ErrorCode::kInvalidArgument, std::string(param.name),
                     "parameter '{}' of '{}' is {}; expected {} from {} to {}", param.name,
                     spec.name, value, integral ? "an integer" : "a number", param.min_value,
                     param.max_value);
}

}  // namespace

const IndicatorSpec* find_indicator(std::string_view name) {
  for (const IndicatorSpec& spec : all_indicators()) {
    if (spec.name == name) return &spec;
    for (std::string_view alias : spec.aliases) {
      if (alias == name) return &spec;
    }
  }
  return nullptr;
}

Result<std::vector<double>> resolve_params(const IndicatorSpec& spec, const ParamMap& params) {
  for (const auto& [name, value] : params) {
    bool known = false;
    for (const ParamSpec& param : spec.params) known = known || param.name == name;
    if (known) continue;
    std::string accepted;
    for (const ParamSpec& param : spec.params) {
      if (!accepted.empty()) accepted += ", ";
      accepted += param.name;
    }
    return field_error(ErrorCode::kInvalidArgument, name,
                       "parameter '{}' is not accepted by '{}'; accepted: {}", name, spec.name,
                       accepted.empty() ? "none" : accepted);
  }
  std::vector<double> values;
  values.reserve(spec.params.size());
  for (const ParamSpec& param : spec.params) {
    auto given = params.find(param.name);
    const double value = given == params.end() ? param.default_value : given->second;
    MYSTOCKS_RETURN_IF_ERROR(check_value(spec, param, value));
    values.push_back(value);
  }
  return values;
}

Status compute_indicator_into(std::string_view name, const OhlcvColumns& bars,
                              const ParamMap& params, Convention convention, OutputSpans out) {
  auto spec = require_indicator(name);
  if (!spec) return spec.status();
  auto values = resolve_params(**spec, params);
  if (!values) return values.status();
  auto length = check_columns(bars, (*spec)->inputs);
  if (!length) return length.status().with_context((*spec)->name);
  if (out.size() != (*spec)->outputs.size()) {
    return error(ErrorCode::kInvalidArgument, "{} has {} output columns but {} were supplied",
                 (*spec)->name, (*spec)->outputs.size(), out.size());
  }
  for (size_t out_idx = 0; out_idx < out.size(); ++out_idx) {
    if (out[out_idx].size() != *length) {
      return error(ErrorCode::kInvalidArgument,
                   "{} output column '{}' has room for {} values but the input has {}",
                   (*spec)->name, (*spec)->outputs[out_idx], out[out_idx].size(), *length);
    }
  }
  Status status = (*spec)->compute(bars, *values, convention, out);
  return status.is_ok() ? status : status.with_context((*spec)->name);
}

Result<IndicatorOutput> compute_indicator(std::string_view name, const OhlcvColumns& bars,
                                          const ParamMap& params, Convention convention) {
  auto spec = require_indicator(name);
  if (!spec) return spec.status();
  auto length = check_columns(bars, (*spec)->inputs);
  // Sizing the outputs needs a length; a mismatch is reported (with the parameters checked
  // first, as the API expects) by compute_indicator_into.
  const size_t rows = length.is_ok() ? *length : 0;
  IndicatorOutput output{*spec, OutputColumns((*spec)->outputs.size(), std::vector<double>(rows))};
  std::vector<std::span<double>> out(output.columns.begin(), output.columns.end());
  MYSTOCKS_RETURN_IF_ERROR(compute_indicator_into(name, bars, params, convention, out));
  return output;
}

Result<std::unique_ptr<IndicatorStream>> make_stream(std::string_view name, const ParamMap& params,
                                                     Convention convention) {
  auto spec = require_indicator(name);
  if (!spec) return spec.status();
  auto values = resolve_params(**spec, params);
  if (!values) return values.status();
  auto stream = (*spec)->make_stream(*values, convention);
  if (!stream) return stream.status().with_context((*spec)->name);
  return stream;
}

}  // namespace mystocks::indicators
