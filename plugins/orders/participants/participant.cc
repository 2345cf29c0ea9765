#include "participants/participant.h"

namespace orders {

bazaar::Status Participant::precheck(const OrderRequest&, const Json*) const { return bazaar::ok_status(); }

}  // namespace orders
