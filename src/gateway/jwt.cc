#include "gateway/jwt.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <mutex>
#include <optional>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <openssl/crypto.h>

#include "core/base64.h"
#include "gateway/hmac_sha256.h"

namespace mystocks::gateway {
namespace {

namespace json = boost::json;

constexpr std::string_view kAlgorithm = "HS256";
constexpr size_t kMaxKidLength = 64;

Status malformed(std::string_view what) {
  return error(ErrorCode::kUnauthenticated, "malformed token: {}", what);
}

// Header values come from the client and are echoed in reasons shown to clients and logs: keep
// them short and printable so they cannot forge log lines or bloat responses.
std::string printable(std::string_view text) {
  constexpr size_t kMaxShown = 32;
  std::string shown;
  for (char c : text.substr(0, kMaxShown)) {
    shown += (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') ? c : '?';
  }
  if (text.size() > kMaxShown) shown += "...";
  return shown;
}

bool is_valid_kid(std::string_view kid) {
  return !kid.empty() && kid.size() <= kMaxKidLength &&
         std::all_of(kid.begin(), kid.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '.' || c == '_' || c == '-';
         });
}

std::string encode_segment(const json::object& object) {
  return base64_encode(json::serialize(object), Base64Variant::kUrlSafeNoPadding);
}

Result<json::object> decode_segment(std::string_view segment, std::string_view name) {
  std::optional<std::string> text = base64_decode(segment, Base64Variant::kUrlSafeNoPadding);
  if (!text) return malformed(fmt::format("{} is not base64url", name));
  boost::system::error_code parse_error;
  json::value value = json::parse(*text, parse_error);
  if (parse_error || !value.is_object()) {
    return malformed(fmt::format("{} is not a JSON object", name));
  }
  return std::move(value.as_object());
}

struct TokenParts {
  std::string_view header;
  std::string_view payload;
  std::string_view signature;
  std::string_view signing_input;  // header.payload, what the signature covers
};

Result<TokenParts> split(std::string_view token) {
  if (token.empty()) return malformed("empty");
  if (token.size() > JwtKeyring::kMaxTokenBytes) {
    return malformed(fmt::format("longer than {} bytes", JwtKeyring::kMaxTokenBytes));
  }
  const size_t first_dot = token.find('.');
  const size_t second_dot =
      first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos) {
    return malformed("expected three dot-separated parts");
  }
  return TokenParts{.header = token.substr(0, first_dot),
                    .payload = token.substr(first_dot + 1, second_dot - first_dot - 1),
                    .signature = token.substr(second_dot + 1),
                    .signing_input = token.substr(0, second_dot)};
}

// The kid of a header this server accepts: alg exactly HS256, whatever else the token claims.
Result<std::string> accepted_kid(const json::object& header) {
  const json::value* alg = header.if_contains("alg");
  if (alg == nullptr || !alg->is_string()) return malformed("header has no 'alg'");
  if (alg->as_string() != kAlgorithm) {
    return error(ErrorCode::kUnauthenticated, "algorithm '{}' not accepted",
                 printable(alg->as_string()));
  }
  // RFC 7515 §4.1.11: a recipient that does not understand a critical extension must refuse.
  if (header.contains("crit")) return malformed("critical header extensions are not supported");
  if (const json::value* typ = header.if_contains("typ");
      typ != nullptr && !(typ->is_string() && typ->as_string() == "JWT")) {
    return malformed("header typ is not 'JWT'");
  }
  const json::value* kid = header.if_contains("kid");
  if (kid == nullptr || !kid->is_string()) return malformed("header has no 'kid'");
  return std::string(kid->as_string());
}

Result<std::string> string_claim(const json::object& payload, std::string_view name) {
  const json::value* value = payload.if_contains(name);
  if (value == nullptr || !value->is_string()) {
    return malformed(fmt::format("claim '{}' missing or not a string", name));
  }
  return std::string(value->as_string());
}

Result<int64_t> seconds_claim(const json::object& payload, std::string_view name) {
  const json::value* value = payload.if_contains(name);
  if (value == nullptr || !value->is_int64()) {
    return malformed(fmt::format("claim '{}' missing or not an integer", name));
  }
  return value->as_int64();
}

Status parse_roles(const json::object& payload, std::vector<std::string>& roles) {
  const json::value* value = payload.if_contains("roles");
  if (value == nullptr || !value->is_array()) {
    return malformed("claim 'roles' missing or not an array");
  }
  for (const json::value& role : value->as_array()) {
    if (!role.is_string()) return malformed("claim 'roles' holds a non-string");
    roles.emplace_back(role.as_string());
  }
  return Status::ok();
}

Result<JwtClaims> parse_claims(const json::object& payload) {
  JwtClaims claims;
  Result<std::string> sub = string_claim(payload, "sub");
  if (!sub.is_ok()) return sub.status();
  if (sub->empty()) return malformed("claim 'sub' is empty");
  Result<std::string> jti = string_claim(payload, "jti");
  if (!jti.is_ok()) return jti.status();
  Result<std::string> typ = string_claim(payload, "typ");
  if (!typ.is_ok()) return typ.status();
  Result<int64_t> iat = seconds_claim(payload, "iat");
  if (!iat.is_ok()) return iat.status();
  Result<int64_t> exp = seconds_claim(payload, "exp");
  if (!exp.is_ok()) return exp.status();
  MYSTOCKS_RETURN_IF_ERROR(parse_roles(payload, claims.roles));
  claims.sub = std::move(sub).value();
  claims.jti = std::move(jti).value();
  claims.typ = std::move(typ).value();
  claims.iat = *iat;
  claims.exp = *exp;
  // Optional claims: the login session and the user name for logs.
  for (auto [name, target] : {std::pair{"sid", &claims.sid}, std::pair{"name", &claims.name}}) {
    if (const json::value* value = payload.if_contains(name); value != nullptr) {
      if (!value->is_string()) return malformed(fmt::format("claim '{}' is not a string", name));
      *target = std::string(value->as_string());
    }
  }
  return claims;
}

Status check_times(const JwtClaims& claims, int64_t now_seconds, int64_t skew_seconds) {
  skew_seconds = std::max<int64_t>(skew_seconds, 0);
  // Written so nothing adds to a claim: exp and iat are client-supplied and may be near INT64_MAX.
  if (now_seconds - skew_seconds >= claims.exp) {
    return error(ErrorCode::kUnauthenticated, "token expired");
  }
  if (claims.iat > now_seconds + skew_seconds) {
    return error(ErrorCode::kUnauthenticated, "token not yet valid");
  }
  return Status::ok();
}

std::string_view as_text(const Sha256Digest& digest) {
  return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

}  // namespace

JwtKeyring::Key::~Key() { OPENSSL_cleanse(secret.data(), secret.size()); }

JwtKeyring::JwtKeyring(size_t max_keys) : max_keys_(std::max<size_t>(max_keys, 1)) {}

Status JwtKeyring::add_key(std::string kid, std::string secret) {
  auto key = std::make_unique<Key>(Key{.kid = std::move(kid), .secret = std::move(secret)});
  if (!is_valid_kid(key->kid)) {
    return error(ErrorCode::kInvalidConfig,
                 "JWT key id '{}' is not valid: expected 1..{} characters of [A-Za-z0-9._-]",
                 printable(key->kid), kMaxKidLength);
  }
  if (key->secret.size() < kMinSecretBytes) {
    return error(ErrorCode::kInvalidConfig,
                 "JWT key '{}' has a {}-byte secret; at least {} bytes are required", key->kid,
                 key->secret.size(), kMinSecretBytes);
  }
  std::unique_lock lock(mutex_);
  if (find(key->kid) != nullptr) {
    return error(ErrorCode::kAlreadyExists, "JWT key '{}' is already in the keyring", key->kid);
  }
  if (keys_.size() >= max_keys_) {
    return error(ErrorCode::kInvalidConfig,
                 "JWT keyring already holds {} keys (the maximum); remove a retired key first",
                 keys_.size());
  }
  if (keys_.empty()) active_kid_ = key->kid;
  keys_.push_back(std::move(key));
  return Status::ok();
}

Status JwtKeyring::set_active(std::string_view kid) {
  std::unique_lock lock(mutex_);
  if (find(kid) == nullptr) {
    return error(ErrorCode::kNotFound, "JWT key '{}' is not in the keyring", printable(kid));
  }
  active_kid_ = std::string(kid);
  return Status::ok();
}

Status JwtKeyring::remove_key(std::string_view kid) {
  std::unique_lock lock(mutex_);
  auto it =
      std::find_if(keys_.begin(), keys_.end(), [&](const auto& key) { return key->kid == kid; });
  if (it == keys_.end()) {
    return error(ErrorCode::kNotFound, "JWT key '{}' is not in the keyring", printable(kid));
  }
  if ((*it)->kid == active_kid_) {
    return error(ErrorCode::kFailedPrecondition,
                 "JWT key '{}' is the active signing key; activate another key before removing it",
                 active_kid_);
  }
  keys_.erase(it);
  return Status::ok();
}

std::string JwtKeyring::active_kid() const {
  std::shared_lock lock(mutex_);
  return active_kid_;
}

size_t JwtKeyring::size() const {
  std::shared_lock lock(mutex_);
  return keys_.size();
}

const JwtKeyring::Key* JwtKeyring::find(std::string_view kid) const {
  for (const auto& key : keys_) {
    if (key->kid == kid) return key.get();
  }
  return nullptr;
}

std::string JwtKeyring::sign(const JwtClaims& claims) const {
  json::array roles;
  for (const std::string& role : claims.roles) roles.emplace_back(role);
  json::object payload{{"sub", claims.sub}, {"roles", std::move(roles)}, {"iat", claims.iat},
                       {"exp", claims.exp}, {"jti", claims.jti},         {"typ", claims.typ}};
  if (!claims.sid.empty()) payload["sid"] = claims.sid;
  if (!claims.name.empty()) payload["name"] = claims.name;
  std::shared_lock lock(mutex_);
  const Key* key = find(active_kid_);
  assert(key != nullptr && "JwtKeyring::sign needs a key: add_key first");
  if (key == nullptr) return {};
  const json::object header{{"alg", kAlgorithm}, {"typ", "JWT"}, {"kid", key->kid}};
  std::string token = encode_segment(header) + "." + encode_segment(payload);
  const Sha256Digest signature = hmac_sha256(key->secret, token);
  token += ".";
  token += base64_encode(as_text(signature), Base64Variant::kUrlSafeNoPadding);
  return token;
}

Result<JwtClaims> JwtKeyring::verify(std::string_view token, int64_t now_seconds,
                                     int64_t skew_seconds) const {
  Result<TokenParts> parts = split(token);
  if (!parts.is_ok()) return parts.status();
  Result<json::object> header = decode_segment(parts->header, "header");
  if (!header.is_ok()) return header.status();
  Result<std::string> kid = accepted_kid(*header);
  if (!kid.is_ok()) return kid.status();
  Sha256Digest expected{};
  {
    std::shared_lock lock(mutex_);
    const Key* key = find(*kid);
    if (key == nullptr) {
      return error(ErrorCode::kUnauthenticated, "unknown key id '{}'", printable(*kid));
    }
    expected = hmac_sha256(key->secret, parts->signing_input);
  }
  // The payload is parsed only once the signature proves this server wrote it.
  std::optional<std::string> signature =
      base64_decode(parts->signature, Base64Variant::kUrlSafeNoPadding);
  if (!signature || !constant_time_equal(*signature, as_text(expected))) {
    return error(ErrorCode::kUnauthenticated, "bad signature");
  }
  Result<json::object> payload = decode_segment(parts->payload, "payload");
  if (!payload.is_ok()) return payload.status();
  Result<JwtClaims> claims = parse_claims(*payload);
  if (!claims.is_ok()) return claims.status();
  claims->kid = std::move(kid).value();
  MYSTOCKS_RETURN_IF_ERROR(check_times(*claims, now_seconds, skew_seconds));
  return claims;
}

}  // namespace mystocks::gateway
