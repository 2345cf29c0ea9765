// JSON-lines logger: one write(2) per line, safe from any thread.
#pragma once

#include <bazaar/plugin.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace bazaar::host {

struct LogField {
  std::string_view key;
  std::variant<std::string_view, int64_t> value;
};

class Logger {
 public:
  // Writes to `fd` (not owned). `process` tags every line ("master", "worker").
  Logger(int fd, bz_log_level min_level, std::string process);

  void log(bz_log_level level, std::string_view message,
           std::initializer_list<LogField> fields = {}) const;
  bool enabled(bz_log_level level) const { return level >= min_level_; }

  static bz_log_level parse_level(std::string_view name);

 private:
  int fd_;
  bz_log_level min_level_;
  std::string process_;
};

}  // namespace bazaar::host
