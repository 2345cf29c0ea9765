#include <bazaar/rules/cli.h>

#include <bazaar/rules/compile.h>

#include "facts_file.h"

#include <chrono>
#include <fstream>
#include <ostream>
#include <sstream>

namespace bazaar::rules {
namespace {

constexpr std::string_view kUsage =
    "usage: bazaarctl rules check FILE [--facts-schema NAME]\n"
    "       bazaarctl rules eval FILE --facts FACTS.json [--facts-schema NAME]\n"
    "       bazaarctl rules schemas\n"
    "The default facts schema is order.create.\n";

constexpr int kOk = 0;
constexpr int kInvalid = 1;
constexpr int kUsageError = 2;

struct Options {
  std::string command;
  std::string file;
  std::string schema = "order.create";
  std::string facts;
};

bool parse_options(const std::vector<std::string>& args, Options* options, std::ostream& err) {
  if (args.empty()) {
    err << kUsage;
    return false;
  }
  options->command = args[0];
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--facts-schema" || arg == "--facts") {
      if (i + 1 == args.size()) {
        err << "option " << arg << " needs a value\n" << kUsage;
        return false;
      }
      (arg == "--facts" ? options->facts : options->schema) = args[++i];
    } else if (arg.starts_with("--")) {
      err << "unknown option " << arg << "\n" << kUsage;
      return false;
    } else if (options->file.empty()) {
      options->file = arg;
    } else {
      err << "unexpected argument " << arg << "\n" << kUsage;
      return false;
    }
  }
  return true;
}

// Reads at most `limit` bytes plus one, so an oversized file is reported
// by the compiler without being read whole.
bool read_file(const std::string& path, std::size_t limit, std::string* out, std::ostream& err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err << path << ": cannot open the file\n";
    return false;
  }
  out->resize(limit + 1);
  in.read(out->data(), static_cast<std::streamsize>(limit + 1));
  out->resize(static_cast<std::size_t>(in.gcount()));
  return true;
}

void print_errors(const std::string& file, const std::vector<Diagnostic>& errors, std::ostream& err) {
  for (const auto& d : errors) err << file << ":" << to_string(d) << "\n";
}

std::optional<RuleSet> load(const Options& options, const FactSchema& schema, std::ostream& err) {
  std::string xml;
  const CompileLimits limits;
  if (!read_file(options.file, limits.max_file_bytes, &xml, err)) return std::nullopt;
  auto compiled = compile(xml, schema, limits);
  if (!compiled.ok()) {
    print_errors(options.file, compiled.errors(), err);
    return std::nullopt;
  }
  return std::move(compiled).value();
}

int run_schemas(std::ostream& out) {
  for (auto name : builtin_schema_names()) {
    const auto schema = builtin_schema(name);
    out << name << "\n  facts:\n";
    for (std::uint32_t i = 0; i < schema->fact_count(); ++i) {
      out << "    " << schema->fact_name(FactSlot{i}) << " " << to_string(schema->fact_type(FactSlot{i}))
          << "\n";
    }
    out << "  lists:";
    for (const auto& list : schema->lists()) out << " " << list;
    out << "\n  counters:";
    for (const auto& event : schema->counter_events()) out << " " << event;
    out << "\n";
  }
  return kOk;
}

void print_decision(const RuleSet& set, const Decision& d, std::ostream& out) {
  out << "decision: " << to_string(d.outcome) << "\n";
  if (!d.code.empty()) out << "code: " << d.code << "\n";
  if (!d.message.empty()) out << "message: " << d.message << "\n";
  out << "rule: " << (d.rule_id.empty() ? "(none: " : "") << d.rule_id
      << (d.rule_id.empty() ? (set.mode() == Mode::kScore ? "thresholds)" : "default)") : "")
      << "\n";
  out << "score: " << d.score << "\n";
  out << "tags:";
  for (auto tag : set.tag_names(d.tags)) out << " " << tag;
  out << "\n";
  if (d.error != EvalError::kNone) {
    out << (d.failed_closed ? "failed closed: " : "error (a stricter outcome won): ")
        << to_string(d.error) << " '" << d.error_subject << "' in rule " << d.error_rule_id << "\n";
  }
}

}  // namespace

int cli_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Options options;
  if (!parse_options(args, &options, err)) return kUsageError;
  if (options.command == "schemas") return run_schemas(out);
  if (options.command != "check" && options.command != "eval") {
    err << "unknown command " << options.command << "\n" << kUsage;
    return kUsageError;
  }
  if (options.file.empty()) {
    err << options.command << " needs a rule FILE\n" << kUsage;
    return kUsageError;
  }
  const auto schema = builtin_schema(options.schema);
  if (!schema) {
    err << "unknown facts schema " << options.schema << "; known:";
    for (auto name : builtin_schema_names()) err << " " << name;
    err << "\n";
    return kUsageError;
  }
  if (options.command == "check") {
    if (!options.facts.empty()) {
      err << "check takes no --facts\n" << kUsage;
      return kUsageError;
    }
    auto set = load(options, *schema, err);
    if (!set) return kInvalid;
    out << options.file << ": ok (" << set->name() << " version " << set->version() << ", "
        << set->rule_count() << " rules, " << to_string(set->mode()) << ", on-error "
        << to_string(set->on_error()) << ")\n";
    return kOk;
  }
  if (options.facts.empty()) {
    err << "eval needs --facts FACTS.json\n" << kUsage;
    return kUsageError;
  }
  auto set = load(options, *schema, err);
  if (!set) return kInvalid;
  std::string json;
  if (!read_file(options.facts, 1 << 20, &json, err)) return kInvalid;
  auto facts = parse_facts_file(json, *schema);
  if (!facts.ok()) {
    print_errors(options.facts, facts.errors(), err);
    return kInvalid;
  }
  const FactsFile& file = *facts.value();
  EvalContext context;
  context.now_ms = file.now_ms ? *file.now_ms
                               : std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
  context.counters = file.has_counters ? &file.counters : nullptr;
  context.lists = &file.lists;
  Trace trace;
  const Decision decision = set->evaluate(file.facts, context, &trace);
  print_decision(*set, decision, out);
  out << "trace:\n" << format_trace(trace);
  return kOk;
}

}  // namespace bazaar::rules
