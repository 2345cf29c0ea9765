// bench_bare_responder SOCKET_PATH [THREADS]
//
// The smallest useful libfcgi responder: the baseline bench/run.sh compares
// bazaar-host's trivial route against. T threads, each with its own
// FCGX_Request, block in FCGX_Accept_r on one unix socket (libfcgi serialises
// accept itself) and answer every request with a fixed JSON body. No routing,
// no logging, no metrics: whatever bazaar-host costs beyond this is the host's.
#include <fcgiapp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr char kResponse[] =
    "Status: 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 19\r\n"
    "\r\n"
    "{\"message\":\"hello\"}";

void serve(int listen_fd) {
  FCGX_Request request;
  if (FCGX_InitRequest(&request, listen_fd, 0) != 0) std::abort();
  while (FCGX_Accept_r(&request) == 0) {
    FCGX_PutStr(kResponse, static_cast<int>(sizeof(kResponse) - 1), request.out);
    FCGX_Finish_r(&request);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s SOCKET_PATH [THREADS (default 32)]\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const int threads = argc == 3 ? std::atoi(argv[2]) : 32;
  if (threads < 1 || threads > 4096) {
    std::fprintf(stderr, "bench_bare_responder: THREADS must be 1..4096\n");
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);  // nginx may close first; keep serving
  if (FCGX_Init() != 0) {
    std::fprintf(stderr, "bench_bare_responder: FCGX_Init failed\n");
    return 1;
  }
  // FCGX_Init installs a SIGTERM/SIGUSR1 handler that only sets a flag the
  // blocked accept threads never look at: restore the default so `kill` stops us.
  std::signal(SIGTERM, SIG_DFL);
  std::signal(SIGUSR1, SIG_DFL);
  std::signal(SIGINT, SIG_DFL);
  unlink(path.c_str());
  // Same backlog as bazaar-host's listen_backlog default.
  const int fd = FCGX_OpenSocket(path.c_str(), 1024);
  if (fd < 0) {
    std::perror("bench_bare_responder: FCGX_OpenSocket");
    return 1;
  }
  chmod(path.c_str(), 0666);  // nginx workers run as the same user, but be explicit
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) pool.emplace_back(serve, fd);
  for (auto& t : pool) t.join();
  return 0;
}
