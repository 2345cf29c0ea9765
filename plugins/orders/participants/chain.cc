#include "participants/chain.h"

#include <algorithm>
#include <stdexcept>

namespace orders {

namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

}  // namespace

Chain::Chain(bazaar::sdk::Host host, FlashGate& flash_gate, std::string_view setting)
    : host_(host), stock_(host, flash_gate), flash_(host, flash_gate) {
  auto parsed = parse_chain(setting);
  if (!parsed.ok()) throw std::runtime_error(parsed.error().message());
  entries_ = std::move(*parsed);
  bool service_seen = false;
  for (const ChainEntry& e : entries_) {
    const Participant* p = nullptr;
    if (e.participant == flash_.name()) {
      if (service_seen) {
        throw std::runtime_error("plugin.orders.participants: the built-in " + e.participant +
                                 " participant must come before every plugin's participant (it holds units in "
                                 "its own transactions, before the order's transaction opens)");
      }
      if (e.stage != flash_.stage()) {
        throw std::runtime_error("plugin.orders.participants: the built-in flash participant prices at the "
                                 "activity stage, not " + std::string(to_string(e.stage)));
      }
      p = &flash_;
    } else {
      services_.push_back(std::make_unique<ServiceParticipant>(host, e.participant, e.stage));
      p = services_.back().get();
      service_seen = true;
    }
    by_entry_.push_back(p);
    fields_.push_back(e.field);
  }
}

bazaar::Result<std::vector<Chain::Link>> Chain::links_for(const OrderRequest& request) const {
  std::vector<Link> links = {{&stock_, "", nullptr}};
  for (size_t i = 0; i < entries_.size(); ++i) {
    const Json* value = request.value_of(entries_[i].field);
    if (value == nullptr) continue;
    if (!by_entry_[i]->available()) {
      return bazaar::failed_precondition(upper(entries_[i].field) + "_NOT_SUPPORTED",
                                         "\"" + entries_[i].field + "\" needs the " + entries_[i].participant +
                                             " plugin, which this node does not run");
    }
    links.push_back({by_entry_[i], entries_[i].field, value});
  }
  return links;
}

const Participant* Chain::find(std::string_view name) const {
  if (name == stock_.name()) return &stock_;
  for (const Participant* p : by_entry_) {
    if (p->name() == name) return p;
  }
  if (name == flash_.name()) return &flash_;  // orders placed while flash was configured
  return nullptr;
}

}  // namespace orders
