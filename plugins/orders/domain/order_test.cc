#include "domain/order.h"

#include <gtest/gtest.h>

#include <set>

namespace orders {
namespace {

constexpr OrderStatus kAll[] = {OrderStatus::kPendingPayment, OrderStatus::kPaid, OrderStatus::kShipped,
                                OrderStatus::kDelivered, OrderStatus::kCancelled, OrderStatus::kRefunded};

TEST(OrderStatusTest, NamesRoundTripAndUnknownNamesAreRefused) {
  for (OrderStatus s : kAll) EXPECT_EQ(parse_status(to_string(s)), s);
  EXPECT_EQ(parse_status("paid"), std::nullopt);
  EXPECT_EQ(parse_status(""), std::nullopt);
  EXPECT_EQ(to_string(OrderStatus::kPendingPayment), "PENDING_PAYMENT");
  EXPECT_EQ(parse_participant_state("TRIED"), ParticipantState::kTried);
  EXPECT_EQ(parse_participant_state("tried"), std::nullopt);
}

TEST(OrderStatusTest, TheStateMachineHasExactlyTheDocumentedMoves) {
  using S = OrderStatus;
  const std::set<std::pair<S, S>> allowed = {
      {S::kPendingPayment, S::kPaid}, {S::kPendingPayment, S::kCancelled}, {S::kPaid, S::kShipped},
      {S::kShipped, S::kDelivered},   {S::kPaid, S::kRefunded},            {S::kShipped, S::kRefunded},
      {S::kDelivered, S::kRefunded}};
  for (S from : kAll) {
    for (S to : kAll) {
      EXPECT_EQ(can_move(from, to), allowed.count({from, to}) == 1)
          << to_string(from) << " -> " << to_string(to);
    }
  }
}

TEST(OrderStatusTest, EnteringPaidCancelledOrRefundedSettlesParticipants) {
  EXPECT_EQ(settle_on_entering(OrderStatus::kPaid), Settle::kConfirm);
  EXPECT_EQ(settle_on_entering(OrderStatus::kCancelled), Settle::kCancel);
  EXPECT_EQ(settle_on_entering(OrderStatus::kRefunded), Settle::kRefund);
  EXPECT_EQ(settle_on_entering(OrderStatus::kShipped), Settle::kNothing);
  EXPECT_EQ(settle_on_entering(OrderStatus::kDelivered), Settle::kNothing);
  EXPECT_TRUE(is_paid_state(OrderStatus::kDelivered));
  EXPECT_FALSE(is_paid_state(OrderStatus::kRefunded));
}

}  // namespace
}  // namespace orders
