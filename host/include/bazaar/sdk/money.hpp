// Money: integer minor units (fen), never a floating-point number. A named
// type so that an amount cannot be mixed up with a quantity or an id; shared
// by every plugin that prices something (orders, coupons), so that amounts
// pass between them without conversion. Header-only; no state.
//
// Amounts in Bazaar stay far below 2^63 (prices at most 10^9 fen, at most 999
// units a line, at most 50 lines), so + and - never overflow; products of two
// amounts (apportionment, percentages) use 128-bit intermediates where they
// are formed. JSON carries money as an integer number of fen.
#pragma once

#include <compare>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>

namespace bazaar::sdk {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money fen(int64_t minor_units) { return Money(minor_units); }
  constexpr int64_t in_fen() const { return fen_; }

  constexpr Money operator+(Money other) const { return Money(fen_ + other.fen_); }
  constexpr Money operator-(Money other) const { return Money(fen_ - other.fen_); }
  constexpr Money& operator+=(Money other) {
    fen_ += other.fen_;
    return *this;
  }
  constexpr Money& operator-=(Money other) {
    fen_ -= other.fen_;
    return *this;
  }
  // The amount of `units` units at this unit price.
  constexpr Money times(int64_t units) const { return Money(fen_ * units); }
  constexpr auto operator<=>(const Money&) const = default;

 private:
  constexpr explicit Money(int64_t fen) : fen_(fen) {}
  int64_t fen_ = 0;
};

inline constexpr Money kZero = Money::fen(0);

inline std::ostream& operator<<(std::ostream& out, Money money) {
  return out << money.in_fen() << " fen";
}

// Found by argument-dependent lookup: `Json j = money;` writes the fen.
inline void to_json(nlohmann::json& out, Money money) { out = money.in_fen(); }

}  // namespace bazaar::sdk
