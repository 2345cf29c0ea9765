#include "master/file_pruning.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

namespace bazaar::host {

std::vector<std::string> remove_files_except(const std::string& folder,
                                             const std::vector<std::string>& keep) {
  std::vector<std::string> deleted;
  DIR* dir = opendir(folder.c_str());
  if (dir == nullptr) return deleted;
  while (dirent* e = readdir(dir)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    auto named = [&](const std::string& k) { return k.substr(k.rfind('/') + 1) == name; };
    if (std::any_of(keep.begin(), keep.end(), named)) continue;
    const std::string path = folder + "/" + name;
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (unlink(path.c_str()) == 0) deleted.push_back(path);
  }
  closedir(dir);
  return deleted;
}

}  // namespace bazaar::host
