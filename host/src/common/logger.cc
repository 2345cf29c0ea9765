#include "common/logger.h"

#include <unistd.h>

#include <chrono>

#include "common/json_text.h"

namespace bazaar::host {
namespace {

const char* level_name(bz_log_level level) {
  switch (level) {
    case BZ_LOG_DEBUG: return "debug";
    case BZ_LOG_INFO: return "info";
    case BZ_LOG_WARN: return "warn";
    case BZ_LOG_ERROR: return "error";
  }
  return "info";
}

int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

Logger::Logger(int fd, bz_log_level min_level, std::string process)
    : fd_(fd), min_level_(min_level), process_(std::move(process)) {}

bz_log_level Logger::parse_level(std::string_view name) {
  if (name == "debug") return BZ_LOG_DEBUG;
  if (name == "warn") return BZ_LOG_WARN;
  if (name == "error") return BZ_LOG_ERROR;
  return BZ_LOG_INFO;
}

void Logger::log(bz_log_level level, std::string_view message,
                 std::initializer_list<LogField> fields) const {
  if (!enabled(level)) return;
  std::string line;
  line.reserve(160 + message.size());
  line += "{\"ts\":\"";
  line += iso8601_ms(wall_ms());
  line += "\",\"level\":\"";
  line += level_name(level);
  line += "\",\"process\":";
  append_json_string(line, process_);
  line += ",\"pid\":";
  line += std::to_string(getpid());
  line += ",\"msg\":";
  append_json_string(line, message);
  for (const LogField& f : fields) {
    line.push_back(',');
    append_json_string(line, f.key);
    line.push_back(':');
    if (const auto* s = std::get_if<std::string_view>(&f.value)) {
      append_json_string(line, *s);
    } else {
      line += std::to_string(std::get<int64_t>(f.value));
    }
  }
  line += "}\n";
  // One write per line keeps lines from different threads and processes whole.
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n <= 0) return;  // a log that cannot be written must never break a request
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace bazaar::host
