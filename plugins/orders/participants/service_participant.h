// A participant another plugin offers through host services, under a prefix
// (`coupons` → coupons.order_try, coupons.order_quote, coupons.order_confirm,
// coupons.order_cancel). The JSON contract is in docs/PLUGINS.md ("The
// participant chain"); this class turns it into the Participant interface and
// checks every answer. Its try runs inside the order's transaction, which the
// service joins when its state is on the buyer's shard.
#pragma once

#include "participants/participant.h"

#include <string>

namespace orders {

class ServiceParticipant final : public Participant {
 public:
  ServiceParticipant(bazaar::sdk::Host host, std::string prefix, Stage stage)
      : host_(host), prefix_(std::move(prefix)), stage_(stage) {}

  std::string_view name() const override { return prefix_; }
  Stage stage() const override { return stage_; }
  Placement placement() const override { return Placement::kOrderTransaction; }

  // Whether a plugin on this node offers <prefix>.order_try.
  bool available() const override;

  // The service's own errors keep their status and code; an answer outside
  // the contract is 500 PARTICIPANT_CONTRACT.
  bazaar::Result<Tried> try_reserve(const TryContext& ctx) const override;
  bazaar::Result<Tried> quote(const TryContext& ctx) const override;
  bazaar::Result<Confirmed> confirm(const SettleContext& ctx) const override;
  bazaar::Status cancel(const SettleContext& ctx) const override;

 private:
  bazaar::Result<Json> call(std::string_view verb, const Json& input, const bazaar::sdk::Txn* txn,
                            const bz_request* req) const;
  bazaar::Result<Tried> read_tried(const Json& answer) const;

  bazaar::sdk::Host host_;
  std::string prefix_;
  Stage stage_;
};

// A hold as a participant's answer gives it ({"name","reason"}), placed by
// `participant`; 500 PARTICIPANT_CONTRACT when malformed. nullopt when absent.
bazaar::Result<std::optional<Hold>> read_hold(const Json& answer, std::string_view participant, int64_t now_ms);

}  // namespace orders
