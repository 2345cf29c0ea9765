#include "common/manifest.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace bazaar::host {

std::string manifest_to_json(const Manifest& m) {
  nlohmann::json doc;
  doc["generation"] = m.generation;
  doc["plugins"] = nlohmann::json::array();
  for (const auto& p : m.plugins) {
    doc["plugins"].push_back({{"name", p.name},
                              {"version", p.version},
                              {"path", p.path},
                              {"source", p.source},
                              {"sha256", p.sha256}});
  }
  doc["refused"] = nlohmann::json::array();
  for (const auto& r : m.refused) doc["refused"].push_back({{"file", r.file}, {"reason", r.reason}});
  return doc.dump();
}

Result<Manifest> manifest_from_json(const std::string& text) {
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return internal_error("plugin manifest is not a JSON object");
  }
  try {
    Manifest m;
    m.generation = doc.at("generation").get<uint64_t>();
    for (const auto& p : doc.at("plugins")) {
      m.plugins.push_back({p.at("name").get<std::string>(), p.at("version").get<std::string>(),
                           p.at("path").get<std::string>(), p.at("source").get<std::string>(),
                           p.at("sha256").get<std::string>()});
    }
    for (const auto& r : doc.at("refused")) {
      m.refused.push_back({r.at("file").get<std::string>(), r.at("reason").get<std::string>()});
    }
    return m;
  } catch (const std::exception& e) {
    return internal_error(std::string("plugin manifest is malformed: ") + e.what());
  }
}

Status write_manifest(const std::string& path, const Manifest& m) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << manifest_to_json(m);
    if (!out) return internal_error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return internal_error("cannot write " + path);
  return ok_status();
}

Result<Manifest> read_manifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) return internal_error("cannot read manifest " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return manifest_from_json(ss.str());
}

}  // namespace bazaar::host
