#include "background/tasks.h"

namespace bazaar::host {

std::vector<std::unique_ptr<BackgroundTask>> make_background_tasks(const BackgroundContext& ctx) {
  std::vector<std::unique_ptr<BackgroundTask>> tasks;
  (void)ctx;
  return tasks;
}

}  // namespace bazaar::host
