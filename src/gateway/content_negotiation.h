// Content negotiation for routes that offer more than one representation (JSON envelope plus
// text/csv for large lists): picks the offered media type the Accept header prefers, by quality
// value and then specificity (RFC 9110 section 12.5.1). A missing or unmatched Accept header
// gets the first offered type, so clients that send nothing (or */*) keep getting JSON; we never
// answer 406 for an Accept header we cannot satisfy.
// Pure functions: safe from any thread.
#pragma once

#include <initializer_list>
#include <string_view>

namespace mystocks::gateway {

// Index into `offered` (types like "application/json", "text/csv") of the best match.
size_t negotiate_media_type(std::string_view accept,
                            std::initializer_list<std::string_view> offered);

}  // namespace mystocks::gateway
