// The one way an order's status changes: pay, cancel, time-out, ship,
// deliver and the refund that completes an order all go through
// StatusMoves::run, so every move does the same things in the same order.
#pragma once

#include "domain/order.h"
#include "lifecycle/settlement.h"

#include <string>

namespace orders {

struct Move {
  OrderStatus to = OrderStatus::kPendingPayment;
  std::string actor;               // "user:42", "merchant:7", "provider", "system", "plugin:groupbuy"
  std::string reason;              // the history row's reason
  Json event = Json::object();     // fields added to the event's payload
};

class StatusMoves {
 public:
  StatusMoves(bazaar::sdk::Host host, const Settlement& settlement) : host_(host), settlement_(settlement) {}

  // `txn` is a write transaction on the order's shard in which `order` was
  // loaded; it may already hold the caller's other writes of the same change
  // (a payment's record, a refund's lines). run():
  //   1. moves the status: UPDATE … WHERE id = ? AND status = <as loaded>
  //      (500 if the state machine has no such move: a caller's bug);
  //   2. adds the history row (actor, reason);
  //   3. publishes the move's event (events::topic_of_move; none into
  //      REFUNDED, whose refund publishes order.refunded.) with
  //      events::order_event() and `move.event`;
  //   4. for a move that settles participants (PAID, CANCELLED, REFUNDED):
  //      schedules the durable settle timer, and removes the payment_timeout
  //      guard that orders of earlier versions kept on this shard;
  //   5. deletes the order's cached detail and its buyer's first page once
  //      the transaction commits;
  //   6. commits, and then, for a settling move, settles the participants
  //      now (what fails there is left to the settle timer, and logged).
  // true: moved and committed (`order` updated). false: the order was no
  // longer in the status it was loaded with; nothing committed. An error: nothing committed.
  Result<bool> run(bazaar::sdk::Txn txn, Order& order, const Move& move, const bz_request* req) const;

 private:
  bazaar::sdk::Host host_;
  const Settlement& settlement_;
};

}  // namespace orders
