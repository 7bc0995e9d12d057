// Unpredictable tokens from the operating system's CSPRNG (libsodium randombytes_buf): JWT ids,
// refresh tokens, API key ids and secrets, CSRF tokens. Encoded as URL-safe base64 without
// padding, so a token can sit in a URL, a cookie or a header without escaping.
// Thread-safe: may be called from any thread.
#pragma once

#include <cstddef>
#include <string>

namespace mystocks {

// `bytes` random bytes as URL-safe base64 (ceil(bytes * 4 / 3) characters). 16 bytes (128 bits)
// is enough for an id that must not be guessed; use 32 for long-lived secrets.
std::string random_token(size_t bytes);

}  // namespace mystocks
