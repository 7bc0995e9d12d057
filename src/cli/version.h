// The product version, from the CMake project version.
#pragma once

#include <string_view>

namespace mystocks::cli {

inline constexpr std::string_view kVersion = MYSTOCKS_VERSION;

}  // namespace mystocks::cli
