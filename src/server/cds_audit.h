#pragma once
// The audit log of the CDS Hooks service, in SQLite (Debian's libsqlite3; WAL, synchronous=FULL):
// every evaluation — time, service, hookInstance, SHA-256 of the request body, engine and
// knowledge versions, the cards returned — and every piece of feedback received.
//
// record() returns only once its row is committed: the service answers after that, so an
// acknowledged request is in the log even if the process is killed the next instant (and, with
// synchronous=FULL, even if the machine loses power). Concurrent requests share commits: one
// writer thread takes every row waiting, writes them in one transaction, and wakes their
// requests after the single fsync ("group commit"), so throughput is not one fsync per request.
//
// The time is the wall clock: it is part of the audit record, never of a decision.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

struct sqlite3;

namespace switchpoint {

struct AuditCard {
  std::string uuid, kind, indicator, summary;
};

struct AuditEvaluation {
  std::string service;
  std::string hook_instance;
  std::string input_sha256;  // of the request body, exactly as received
  std::string issuer;        // JWT iss, or "dev-unsigned"
  int status = 200;          // HTTP status answered
  std::string outcome;       // cards | no-cards | invalid-record | bad-request | precondition-failed | …
  std::string as_of;
  std::string cards_json;  // the response body sent
  std::vector<AuditCard> cards;
  std::string record_sha256;  // of the FHIR Bundle evaluated (prefetch merged)
  std::string record_bundle;  // that Bundle, kept (once per digest) so that the report link can be drawn
  std::string report_token;
};

struct AuditFeedback {
  std::string service;
  std::string card_uuid;
  std::string outcome;                    // accepted | overridden
  std::string accepted_suggestions_json;  // [{"id": …}] as received, or empty
  std::string override_system, override_code, override_display, user_comment;
  std::string outcome_timestamp;  // as sent by the EHR
  std::string issuer;
};

struct StoredReport {
  std::string bundle;
  std::string as_of;
  std::string engine_version;
  std::string knowledge_version;
  std::int64_t time_unix = 0;
};

class AuditLog {
 public:
  // Opens (creating when absent) the database; nullptr and *error when it cannot.
  static std::unique_ptr<AuditLog> open(const std::string& path, std::string* error);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Each blocks until its rows are durably committed; false when the write failed.
  bool record(const AuditEvaluation& e);
  bool record_feedback(const std::vector<AuditFeedback>& f);

  // The evaluation behind a report link (latest with that token), with its stored Bundle.
  std::optional<StoredReport> find_report(const std::string& token);

  std::uint64_t commits() const;  // transactions committed (for /metrics)

 private:
  struct Job {
    std::function<bool(sqlite3*)> write;
    bool done = false;
    bool ok = false;
  };
  AuditLog(sqlite3* writer, sqlite3* reader);
  bool submit(std::function<bool(sqlite3*)> write);
  void writer_loop();

  sqlite3* writer_;
  sqlite3* reader_;
  std::mutex reader_mu_;
  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::deque<std::shared_ptr<Job>> queue_;
  bool stopping_ = false;
  std::uint64_t commits_ = 0;
  // Digests of records already stored (writer thread only; bounded): the same patient's record
  // arrives with every hook call, and its Bundle need not be handed to SQLite again.
  std::unordered_set<std::string> stored_records_;
  std::vector<std::string> pending_records_;
  std::thread writer_thread_;
};

// The wall clock, for audit records: "2025-01-31T12:34:56.789Z", and seconds since the epoch.
std::string utc_timestamp_now();
std::int64_t unix_now();

}  // namespace switchpoint
