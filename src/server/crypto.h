#pragma once
// Small wrappers around OpenSSL 3 (EVP) for the CDS Hooks service: digests, HMAC, name-based
// UUIDs, random bytes, base64url. No state, no clocks.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchpoint::crypto {

std::string sha256(std::string_view data);                             // 32 raw bytes
std::string sha256_hex(std::string_view data);                         // 64 lowercase hex digits
std::string hmac_sha256(std::string_view key, std::string_view data);  // 32 raw bytes
std::string hex(std::string_view bytes);
std::string random_bytes(std::size_t n);  // from the OpenSSL CSPRNG; throws when it fails

// RFC 4122 §4.3 name-based UUID, version 5 (SHA-1), in the 8-4-4-4-12 lowercase form.
std::string uuid_v5(std::string_view namespace_uuid, std::string_view name);
// True for the 8-4-4-4-12 hex form (any version, either case).
bool is_uuid(std::string_view s);

// RFC 4648 §5 base64url without padding. Decoding is strict: only the url-safe alphabet, no
// '=' padding, no whitespace, no impossible length, and the unused bits of the last character
// must be zero (so every byte string has exactly one accepted encoding).
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace switchpoint::crypto
