// Runs the fuzz target over every file in the given files or directories,
// without libFuzzer: `rules_fuzz_replay rules/fuzz/corpus`. A crash or an
// abort fails the test; exit 0 means every input passed.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> files;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::filesystem::path path(argv[i]);
      if (std::filesystem::is_directory(path)) {
        for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
          if (entry.is_regular_file()) files.push_back(entry.path());
        }
      } else {
        files.push_back(path);
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "cannot list the corpus: " << e.what() << "\n";
    return 2;
  }
  if (files.empty()) {
    std::cerr << "usage: rules_fuzz_replay CORPUS_DIR_OR_FILE... (no input found)\n";
    return 2;
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  std::cout << "replayed " << files.size() << " inputs\n";
  return 0;
}
