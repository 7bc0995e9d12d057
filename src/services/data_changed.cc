#include "services/data_changed.h"

#include <algorithm>

namespace mystocks::services {

SubscriptionId ChangeBus::subscribe(DataChangedHandler handler) {
  std::lock_guard lock(mutex_);
  const SubscriptionId id = next_id_++;
  handlers_.emplace_back(id, std::make_shared<const DataChangedHandler>(std::move(handler)));
  return id;
}

void ChangeBus::unsubscribe(SubscriptionId id) {
  std::lock_guard lock(mutex_);
  std::erase_if(handlers_, [&](const Entry& entry) { return entry.first == id; });
}

void ChangeBus::publish(const DataChanged& event) const {
  std::vector<Entry> handlers;
  {
    std::lock_guard lock(mutex_);
    handlers = handlers_;
  }
  for (const Entry& entry : handlers) (*entry.second)(event);
}

}  // namespace mystocks::services
