// Who a request is: the verified claims of its bearer token (jwt.h).
#pragma once

#include <cstdint>

namespace bazaar::host {

struct Identity {
  uint32_t role = 0;        // one BZ_ROLE_* bit
  int64_t subject_id = 0;   // user or merchant id; 0 for ops
  int64_t expires_at_s = 0;
  int64_t not_before_s = 0;  // 0 when the token has no nbf
};

}  // namespace bazaar::host
