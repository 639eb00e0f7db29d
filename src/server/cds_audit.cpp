#include "server/cds_audit.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <switchpoint/version.h>
#include <unistd.h>

#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "core/knowledge/catalogue.h"

namespace switchpoint {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS evaluations(
  id INTEGER PRIMARY KEY,
  time_utc TEXT NOT NULL,
  time_unix INTEGER NOT NULL,
  service TEXT NOT NULL,
  hook_instance TEXT NOT NULL,
  input_sha256 TEXT NOT NULL,
  engine_version TEXT NOT NULL,
  knowledge_version TEXT NOT NULL,
  issuer TEXT NOT NULL,
  status INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  as_of TEXT,
  cards_json TEXT,
  record_sha256 TEXT,
  report_token TEXT);
CREATE INDEX IF NOT EXISTS evaluations_hook_instance ON evaluations(hook_instance);
CREATE INDEX IF NOT EXISTS evaluations_report_token ON evaluations(report_token);
CREATE TABLE IF NOT EXISTS cards(
  card_uuid TEXT NOT NULL,
  evaluation_id INTEGER NOT NULL REFERENCES evaluations(id),
  kind TEXT NOT NULL,
  indicator TEXT NOT NULL,
  summary TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS cards_uuid ON cards(card_uuid);
CREATE TABLE IF NOT EXISTS feedback(
  id INTEGER PRIMARY KEY,
  time_utc TEXT NOT NULL,
  service TEXT NOT NULL,
  card_uuid TEXT NOT NULL,
  known_card INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  accepted_suggestions TEXT,
  override_system TEXT,
  override_code TEXT,
  override_display TEXT,
  user_comment TEXT,
  outcome_timestamp TEXT NOT NULL,
  issuer TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records(
  sha256 TEXT PRIMARY KEY,
  bundle TEXT NOT NULL,
  first_seen_utc TEXT NOT NULL);
PRAGMA user_version=1;
)sql";

bool exec(sqlite3* db, const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return s_ != nullptr; }
  Stmt& text(int i, const std::string& v, bool null_if_empty = false) {
    if (null_if_empty && v.empty()) sqlite3_bind_null(s_, i);
    else sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& integer(int i, std::int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  int step() { return sqlite3_step(s_); }
  bool run() { return s_ && step() == SQLITE_DONE; }
  std::string column_text(int i) {
    const auto* p = sqlite3_column_text(s_, i);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s_, i)))
             : std::string();
  }
  std::int64_t column_int(int i) { return sqlite3_column_int64(s_, i); }

 private:
  sqlite3_stmt* s_ = nullptr;
};

}  // namespace

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string utc_timestamp_now() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
}

std::unique_ptr<AuditLog> AuditLog::open(const std::string& path, std::string* error) {
  auto fail = [&](std::string why, sqlite3* a, sqlite3* b) -> std::unique_ptr<AuditLog> {
    if (error) *error = std::move(why);
    sqlite3_close(a);
    sqlite3_close(b);
    return nullptr;
  };
  // The log holds patient data: created readable by its owner only (SQLite gives its -wal and
  // -shm files the database file's permissions).
  if (const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600); fd >= 0) ::close(fd);
  sqlite3* w = nullptr;
  if (sqlite3_open_v2(path.c_str(), &w, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK)
    return fail(fmt::format("{}: cannot open the audit database", path), w, nullptr);
  sqlite3_busy_timeout(w, 5000);
  sqlite3_stmt* st = nullptr;
  std::string mode;
  if (sqlite3_prepare_v2(w, "PRAGMA journal_mode=WAL", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    mode = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  if (mode != "wal") return fail(fmt::format("{}: cannot switch the audit database to WAL", path), w, nullptr);
  if (!exec(w, "PRAGMA synchronous=FULL") || !exec(w, kSchema))
    return fail(fmt::format("{}: cannot create the audit schema: {}", path, sqlite3_errmsg(w)), w, nullptr);
  sqlite3* r = nullptr;
  if (sqlite3_open_v2(path.c_str(), &r, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
    return fail(fmt::format("{}: cannot open the audit database for reading", path), w, r);
  sqlite3_busy_timeout(r, 5000);
  return std::unique_ptr<AuditLog>(new AuditLog(w, r));
}

AuditLog::AuditLog(sqlite3* writer, sqlite3* reader) : writer_(writer), reader_(reader) {
  writer_thread_ = std::thread([this] { writer_loop(); });
}

AuditLog::~AuditLog() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  writer_thread_.join();
  sqlite3_close(reader_);
  sqlite3_close(writer_);
}

std::uint64_t AuditLog::commits() const {
  std::lock_guard lock(mu_);
  return commits_;
}

bool AuditLog::submit(std::function<bool(sqlite3*)> write) {
  auto job = std::make_shared<Job>();
  job->write = std::move(write);
  std::unique_lock lock(mu_);
  if (stopping_) return false;
  queue_.push_back(job);
  work_cv_.notify_one();
  done_cv_.wait(lock, [&] { return job->done; });
  return job->ok;
}

void AuditLog::writer_loop() {
  for (;;) {
    std::deque<std::shared_ptr<Job>> batch;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      batch.swap(queue_);
    }
    // One transaction, one fsync, for every row that arrived meanwhile; a row that fails is
    // rolled back to its savepoint alone.
    bool committed = exec(writer_, "BEGIN IMMEDIATE");
    std::vector<bool> ok(batch.size(), false);
    if (committed) {
      for (std::size_t i = 0; i < batch.size(); ++i) {
        exec(writer_, "SAVEPOINT job");
        const std::size_t pending_before = pending_records_.size();
        ok[i] = batch[i]->write(writer_);
        if (!ok[i]) {
          exec(writer_, "ROLLBACK TO job");
          pending_records_.resize(pending_before);
        }
        exec(writer_, "RELEASE job");
      }
      committed = exec(writer_, "COMMIT");
      if (!committed) exec(writer_, "ROLLBACK");
    }
    if (committed) {
      if (stored_records_.size() + pending_records_.size() > 100'000) stored_records_.clear();
      stored_records_.insert(pending_records_.begin(), pending_records_.end());
    }
    pending_records_.clear();
    std::lock_guard lock(mu_);
    if (committed) ++commits_;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      batch[i]->ok = committed && ok[i];
      batch[i]->done = true;
    }
    done_cv_.notify_all();
  }
}

bool AuditLog::record(const AuditEvaluation& e) {
  const std::string when = utc_timestamp_now();
  const std::int64_t when_unix = unix_now();
  return submit([this, &e, &when, when_unix](sqlite3* db) {
    if (!e.record_bundle.empty() && !e.record_sha256.empty() && !stored_records_.count(e.record_sha256)) {
      Stmt s(db, "INSERT OR IGNORE INTO records(sha256, bundle, first_seen_utc) VALUES(?,?,?)");
      if (!s.ok() || !s.text(1, e.record_sha256).text(2, e.record_bundle).text(3, when).run()) return false;
      // Remembered only once the transaction commits (see writer_loop); a failed batch retries it.
      pending_records_.push_back(e.record_sha256);
    }
    Stmt s(db,
           "INSERT INTO evaluations(time_utc, time_unix, service, hook_instance, input_sha256, engine_version, "
           "knowledge_version, issuer, status, outcome, as_of, cards_json, record_sha256, report_token) "
           "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!s.ok()) return false;
    s.text(1, when).integer(2, when_unix).text(3, e.service).text(4, e.hook_instance).text(5, e.input_sha256);
    s.text(6, kEngineVersion).text(7, kKnowledgeVersion).text(8, e.issuer).integer(9, e.status).text(10, e.outcome);
    s.text(11, e.as_of, true)
        .text(12, e.cards_json, true)
        .text(13, e.record_sha256, true)
        .text(14, e.report_token, true);
    if (!s.run()) return false;
    const std::int64_t id = sqlite3_last_insert_rowid(db);
    for (const auto& c : e.cards) {
      Stmt cs(db, "INSERT INTO cards(card_uuid, evaluation_id, kind, indicator, summary) VALUES(?,?,?,?,?)");
      if (!cs.ok() || !cs.text(1, c.uuid).integer(2, id).text(3, c.kind).text(4, c.indicator).text(5, c.summary).run())
        return false;
    }
    return true;
  });
}

bool AuditLog::record_feedback(const std::vector<AuditFeedback>& list) {
  const std::string when = utc_timestamp_now();
  return submit([&list, &when](sqlite3* db) {
    for (const auto& f : list) {
      std::int64_t known = 0;
      {
        Stmt q(db, "SELECT 1 FROM cards WHERE card_uuid = ? LIMIT 1");
        if (q.ok() && q.text(1, f.card_uuid).step() == SQLITE_ROW) known = 1;
      }
      Stmt s(db,
             "INSERT INTO feedback(time_utc, service, card_uuid, known_card, outcome, accepted_suggestions, "
             "override_system, override_code, override_display, user_comment, outcome_timestamp, issuer) "
             "VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
      if (!s.ok()) return false;
      s.text(1, when).text(2, f.service).text(3, f.card_uuid).integer(4, known).text(5, f.outcome);
      s.text(6, f.accepted_suggestions_json, true).text(7, f.override_system, true).text(8, f.override_code, true);
      s.text(9, f.override_display, true)
          .text(10, f.user_comment, true)
          .text(11, f.outcome_timestamp)
          .text(12, f.issuer);
      if (!s.run()) return false;
    }
    return true;
  });
}

std::optional<StoredReport> AuditLog::find_report(const std::string& token) {
  std::lock_guard lock(reader_mu_);
  Stmt s(reader_,
         "SELECT r.bundle, e.as_of, e.engine_version, e.knowledge_version, e.time_unix FROM evaluations e "
         "JOIN records r ON r.sha256 = e.record_sha256 WHERE e.report_token = ? ORDER BY e.id DESC LIMIT 1");
  if (!s.ok() || s.text(1, token).step() != SQLITE_ROW) return std::nullopt;
  StoredReport r;
  r.bundle = s.column_text(0);
  r.as_of = s.column_text(1);
  r.engine_version = s.column_text(2);
  r.knowledge_version = s.column_text(3);
  r.time_unix = s.column_int(4);
  return r;
}

}  // namespace switchpoint
