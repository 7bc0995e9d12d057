// Base64 text for binary values (keys, nonces, ciphertexts, signatures, tokens), done by libsodium
// so no codec is hand-written. Decoding is strict: a character outside the variant's alphabet,
// wrong padding or trailing input makes it fail rather than decode a prefix.
// Thread-safe: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mystocks {

enum class Base64Variant {
  kStandard,          // RFC 4648 §4 with '=' padding: what `openssl rand -base64 32` prints
  kUrlSafeNoPadding,  // RFC 4648 §5 without padding: JWT segments, tokens in URLs and cookies
};

std::string base64_encode(std::string_view bytes, Base64Variant variant);

// The decoded bytes, or nullopt when `text` is not valid base64 of this variant.
std::optional<std::string> base64_decode(std::string_view text, Base64Variant variant);

}  // namespace mystocks
