// Deleting what a folder of the node's state no longer needs.
#pragma once

#include <string>
#include <vector>

namespace bazaar::host {

// Deletes every regular file in `folder` whose name is not the last path
// component of a path in `keep` (by name: the folder is this one, however its
// path was spelled). Returns the paths it deleted; a missing folder deletes
// nothing.
std::vector<std::string> remove_files_except(const std::string& folder,
                                             const std::vector<std::string>& keep);

}  // namespace bazaar::host
