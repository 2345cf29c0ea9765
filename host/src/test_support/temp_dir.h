// A fresh folder under the system temp dir for one test, removed with
// everything in it when the TempDir goes. path() is empty if mkdtemp failed:
// tests assert on it in SetUp.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace bazaar::host::test_support {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "bazaar-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  bool has(const std::string& name) const { return std::filesystem::exists(file(name)); }
  // Writes `content` to `name` in the folder; returns the file's path.
  std::string write(const std::string& name, const std::string& content) const {
    std::string out_path = file(name);
    std::ofstream out(out_path, std::ios::binary);
    out << content;
    return out_path;
  }

 private:
  std::string path_;
};

}  // namespace bazaar::host::test_support
