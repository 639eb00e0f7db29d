#pragma once
// The HTTP service on 127.0.0.1 and a free port, for the tests that talk to it over loopback
// (cds_http_test, cors_test, openapi_test): started in the constructor, stopped in the destructor.
#include <httplib.h>

#include <chrono>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "server/cds_audit.h"
#include "server/cds_service.h"
#include "server/server.h"

namespace switchpoint::testing {

class RunningService {
 public:
  RunningService(ServerOptions o, CdsConfig config, const std::string& audit_path, std::ostream* log = nullptr) {
    o.host = "127.0.0.1";
    o.port = 0;
    Service::Parts parts;
    parts.config = std::move(config);
    std::string why;
    parts.audit = AuditLog::open(audit_path, &why);
    if (!parts.audit) throw std::runtime_error(why);
    service = Service::create(o, std::move(parts), log, &why);
    if (!service) throw std::runtime_error(why);
    port = service->bind();
    if (port <= 0) throw std::runtime_error("bind failed");
    thread = std::thread([this] { service->listen(); });
    for (int i = 0; i < 400 && !service->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~RunningService() {
    service->stop();
    thread.join();
  }
  RunningService(const RunningService&) = delete;
  RunningService& operator=(const RunningService&) = delete;
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(5, 0);
    c.set_read_timeout(20, 0);
    return c;
  }
  std::unique_ptr<Service> service;
  int port = 0;
  std::thread thread;
};

}  // namespace switchpoint::testing
