// ABI 1.2: cross-plugin services and host-owned buffers.
#include "host_api_internal.h"

namespace bazaar::host::api {

bz_status service_call(bz_host*, const bz_request*, const char* name, bz_str, bz_txn*, bz_buf*,
                       char* err, size_t err_len) {
  copy_error(err, err_len, std::string("no service ") + (name != nullptr ? name : ""));
  return BZ_UNAVAILABLE;
}

bz_buf* buf_new() { return new bz_buf(); }
void buf_free(bz_buf* buf) { delete buf; }
void buf_append(bz_buf* buf, bz_str bytes) { buf->bytes.append(sv(bytes)); }
bz_str buf_view(const bz_buf* buf) { return {buf->bytes.data(), buf->bytes.size()}; }

}  // namespace bazaar::host::api
