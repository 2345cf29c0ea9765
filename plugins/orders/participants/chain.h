// The participant chain of an order (docs/PLUGINS.md, "The participant
// chain"): stock first (catalog prices), then the participants that
// plugin.orders.participants maps request fields to, in pricing order
// (activity → discount → after). Built-in participants run in their own
// transactions before the order's transaction opens, so none may follow a
// service participant (those run inside it); the setting is refused at load
// otherwise. Adding a participant is configuration, never an edit here.
#pragma once

#include "domain/chain_config.h"
#include "participants/flash_participant.h"
#include "participants/service_participant.h"
#include "participants/stock_participant.h"

#include <memory>
#include <string>
#include <vector>

namespace orders {

class Chain {
 public:
  // One participant of an order's chain, with the request field that named it.
  struct Link {
    const Participant* participant = nullptr;
    std::string field;           // "" for stock
    const Json* value = nullptr; // the field's value in the request (null for stock)
  };

  // `setting`: plugin.orders.participants. Throws std::runtime_error with the
  // setting's problem (the host then refuses the plugin at load).
  Chain(bazaar::sdk::Host host, FlashGate& flash_gate, std::string_view setting);

  // The request fields the chain names, in chain order.
  const std::vector<std::string>& fields() const { return fields_; }
  // Stock, then the participants `request` names, in chain order. 422
  // <FIELD>_NOT_SUPPORTED for a field whose participant no plugin on this
  // node offers (checked before anything is reserved).
  bazaar::Result<std::vector<Link>> links_for(const OrderRequest& request) const;
  // A participant recorded with an order, by name; null for a name the chain
  // no longer has (settle it as a service under that prefix).
  const Participant* find(std::string_view name) const;
  const StockParticipant& stock() const { return stock_; }

 private:
  bazaar::sdk::Host host_;
  StockParticipant stock_;
  FlashParticipant flash_;
  std::vector<ChainEntry> entries_;
  std::vector<std::string> fields_;
  std::vector<std::unique_ptr<ServiceParticipant>> services_;  // one per service entry
  std::vector<const Participant*> by_entry_;                   // entries_[i]'s participant
};

}  // namespace orders
