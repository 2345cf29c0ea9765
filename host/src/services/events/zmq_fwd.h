// Forward declarations of the cppzmq types the event headers hold by pointer,
// so that only the .cc files include <zmq.hpp>.
#pragma once

namespace zmq {
class context_t;
class socket_t;
}  // namespace zmq
