// Small, call-free string operations for the evaluator's hot path.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace bazaar::rules::detail {

// Equality of n bytes without a library call for n <= 16 (the usual size of
// ids, IPs and codes); memcmp beyond.
inline bool bytes_equal(const char* a, const char* b, std::size_t n) {
  if (n >= 8) {
    if (n > 16) return std::memcmp(a, b, n) == 0;
    std::uint64_t a0, a1, b0, b1;
    std::memcpy(&a0, a, 8);
    std::memcpy(&b0, b, 8);
    std::memcpy(&a1, a + n - 8, 8);
    std::memcpy(&b1, b + n - 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  if (n >= 4) {
    std::uint32_t a0, a1, b0, b1;
    std::memcpy(&a0, a, 4);
    std::memcpy(&b0, b, 4);
    std::memcpy(&a1, a + n - 4, 4);
    std::memcpy(&b1, b + n - 4, 4);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

inline bool text_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && bytes_equal(a.data(), b.data(), a.size());
}

inline bool text_starts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && bytes_equal(text.data(), prefix.data(), prefix.size());
}

inline bool text_ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         bytes_equal(text.data() + text.size() - suffix.size(), suffix.data(), suffix.size());
}

// A fast 64-bit hash of a string, 8 bytes per step. Not for adversarial
// hash tables: it only orders literal sets, whose lookups confirm bytes.
inline std::uint64_t text_hash(std::string_view text) {
  constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ULL;
  std::uint64_t h = 0x243F6A8885A308D3ULL ^ (text.size() * kMul);
  const char* p = text.data();
  const std::size_t size = text.size();
  // Whole loads only (a tail copied byte by byte into a word stalls on
  // store forwarding); the tail overlaps bytes already hashed.
  auto mix = [&h](std::uint64_t w) {
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  };
  if (size >= 8) {
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      mix(w);
    }
    if (i < size) {
      std::uint64_t w;
      std::memcpy(&w, p + size - 8, 8);
      mix(w);
    }
  } else if (size >= 4) {
    std::uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + size - 4, 4);
    mix(lo | (std::uint64_t{hi} << 32));
  } else if (size > 0) {
    const auto byte = [p](std::size_t i) { return std::uint64_t{static_cast<unsigned char>(p[i])}; };
    mix(byte(0) | (byte(size / 2) << 8) | (byte(size - 1) << 16));
  }
  h *= kMul;
  return h ^ (h >> 32);
}

}  // namespace bazaar::rules::detail
