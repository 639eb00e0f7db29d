// The hostile input catalogue (tests/hostile/cases.json, docs/hardening.md): records and requests
// built to break readers — truncated and deeply nested JSON, huge numbers, NaN, wrong types,
// duplicate keys, dates out of range or after the as-of date, contradictory findings, blow-ups by
// repetition, invalid UTF-8, 100 MB lines, empty input, byte order marks, hostile CDS prefetch —
// each through a channel (the command line, the HTTP API over loopback, the CDS Hooks service as
// the HTTP handler calls it after authentication, the cohort command) with its exact expected
// outcome. Every case also checks: no crash (sanitizers in build-asan), no hang (each case has a
// time budget; a watchdog ends the run naming the case), and no partial output file.
//
// Inputs are committed files, inline text ("raw", with \xHH escapes for bytes that are not
// UTF-8), or made at test time by a generator (the 100 MB line is never committed).
#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "cli/commands.h"
#include "server/cds_service.h"
#include "server/server.h"
#include "support/files.h"

namespace switchpoint {
namespace {

namespace fs = std::filesystem;
using simdjson::dom::element;
using simdjson::dom::object;

const std::string kSource = SWITCHPOINT_SOURCE_DIR;

#if defined(SWITCHPOINT_SANITIZED)
constexpr double kSlowdown = 6;  // time budgets are for the optimised build (CMakeLists.txt)
#else
constexpr double kSlowdown = 1;
#endif

using testing_support::slurp;

void spit(const std::string& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(content.data(), static_cast<std::streamsize>(content.size()));
}

// "\xHH" escapes in manifest text become bytes (JSON strings cannot hold bytes that are not UTF-8).
std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x' && std::isxdigit(static_cast<unsigned char>(s[i + 2])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 3]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 2, 2)), nullptr, 16));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string str(element e, std::string_view key, std::string fallback = "") {
  std::string_view s;
  if (e.at_key(key).get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return fallback;
}

std::int64_t num(element e, std::string_view key, std::int64_t fallback) {
  std::int64_t v = 0;
  if (e.at_key(key).get_int64().get(v) == simdjson::SUCCESS) return v;
  return fallback;
}

// ---- generators: inputs made at test time ---------------------------------------------------

std::string repeat(std::string_view s, std::size_t n, std::string_view sep = "") {
  std::string out;
  out.reserve((s.size() + sep.size()) * n);
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += sep;
    out += s;
  }
  return out;
}

std::string date_plus(int days) {
  // Days after 1950-01-01 as ISO dates, without the engine (the harness must not share its bugs).
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int y = 1950, m = 0, d = 1 + days;
  for (;;) {
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    const int ylen = leap ? 366 : 365;
    if (m == 0 && d > ylen) {
      d -= ylen;
      ++y;
      continue;
    }
    const int mlen = mdays[m] + (m == 1 && leap ? 1 : 0);
    if (d <= mlen) break;
    d -= mlen;
    if (++m == 12) {
      m = 0;
      ++y;
    }
  }
  return fmt::format("{:04}-{:02}-{:02}", y, m + 1, d);
}

constexpr std::string_view kRecordHead = R"({"schema":"switchpoint.record/1","patient":{"id":"hostile"},)";
constexpr std::string_view kAlbumin = R"({"date":"2024-01-02","test":"albumin","value":35,"unit":"g/L"})";
constexpr std::string_view kPatient = R"({"resourceType":"Patient","id":"p1","birthDate":"1950-02-03"})";
constexpr std::string_view kFhirAlbumin =
    R"({"resourceType":"Observation","id":"alb","status":"final","subject":{"reference":"Patient/p1"},)"
    R"("code":{"coding":[{"system":"http://loinc.org","code":"1751-7"}]},"effectiveDateTime":"2024-01-02",)"
    R"("valueQuantity":{"value":35,"unit":"g/L","system":"http://unitsofmeasure.org","code":"g/L"}})";
constexpr std::string_view kFhirTace =
    R"({"resourceType":"Procedure","id":"t1","status":"completed","subject":{"reference":"Patient/p1"},)"
    R"("code":{"coding":[{"system":"urn:switchpoint:hcc","code":"tace"}]},"performedDateTime":"2024-01-01"})";
constexpr std::string_view kHeartRate =
    R"({"resourceType":"Observation","status":"final","subject":{"reference":"Patient/p1"},)"
    R"("code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"effectiveDateTime":"2024-01-02",)"
    R"("valueQuantity":{"value":70,"unit":"/min"}})";
constexpr std::string_view kCsvHeader =
    R"("ID","Date","Age","Amount.of.Hepatic.Lesions","Largest.Diameter.of.Hepatic.Lesions","New.Lesion",)"
    R"("Vascular.Invasion","Local.Lymph.Node.Metastasis","Distant.Metastasis","Child_pugh_score","AFP",)"
    R"("TargetedTherapy","Embolization","Resection","Status_of_death","OStime_day")";

std::string bundle_of(const std::string& entries) {
  return R"({"resourceType":"Bundle","type":"collection","entry":[)" + entries + "]}";
}
std::string entry(std::string_view resource) { return std::string(R"({"resource":)") + std::string(resource) + "}"; }

// A CDS Hooks request; `prefetch` is the JSON text of the prefetch object.
std::string hook(const std::string& prefetch, std::string_view hook_name = "patient-view",
                 std::string_view pid = "p1") {
  return fmt::format(R"({{"hook":"{}","hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea","context":)"
                     R"({{"userId":"Practitioner/1","patientId":"{}"}},"prefetch":{}}})",
                     hook_name, pid, prefetch);
}
std::string searchset(const std::string& entries) {
  return R"({"resourceType":"Bundle","type":"searchset","entry":[)" + entries + "]}";
}

using Generator = std::function<std::string(std::size_t n)>;
const std::map<std::string, Generator>& generators() {
  static const std::map<std::string, Generator> g = {
      {"nested_arrays", [](std::size_t n) { return std::string(n, '[') + std::string(n, ']'); }},
      {"nested_objects", [](std::size_t n) { return repeat(R"({"a":)", n) + "1" + std::string(n, '}'); }},
      // A record whose patient.sex is n nested arrays.
      {"record_deep_value",
       [](std::size_t n) {
         return std::string(kRecordHead).substr(0, kRecordHead.size() - 2) + R"(,"sex":)" + std::string(n, '[') +
                std::string(n, ']') + "}}";
       }},
      // n MiB in one string on one line.
      {"record_huge_string",
       [](std::size_t n) {
         return std::string(kRecordHead).substr(0, kRecordHead.size() - 2) + R"(,"sex":")" + std::string(n << 20, 'x') +
                "\"}}";
       }},
      {"record_identical_labs",
       [](std::size_t n) { return std::string(kRecordHead) + R"("labs":[)" + repeat(kAlbumin, n, ",") + "]}"; }},
      // n albumin values on n dates, then the same n again (merged: each repeat is checked in O(log n)).
      {"record_repeated_labs",
       [](std::size_t n) {
         std::string labs;
         for (int pass = 0; pass < 2; ++pass)
           for (std::size_t i = 0; i < n; ++i)
             labs += fmt::format(R"({}{{"date":"{}","test":"albumin","value":35,"unit":"g/L"}})",
                                 labs.empty() ? "" : ",", date_plus(static_cast<int>(i)));
         return std::string(kRecordHead) + R"("labs":[)" + labs + "]}";
       }},
      {"record_empty_labs",
       [](std::size_t n) { return std::string(kRecordHead) + R"("labs":[)" + repeat("{}", n, ",") + "]}"; }},
      {"record_many_tace",
       [](std::size_t n) {
         std::string t;
         for (std::size_t i = 0; i < n; ++i)
           t += fmt::format(R"({}{{"date":"{}"}})", i ? "," : "", date_plus(static_cast<int>(i % 80000)));
         return std::string(kRecordHead) + R"("tace":[)" + t + "]}";
       }},
      // Work per byte, the JSON cousin of a "billion laughs": a valid record as large as the
      // limits allow it to be clinically (n TACE sessions a month apart, each with a full set of
      // labs and bedside grades two days before and a CT of 30 tumours, 5 measured, 25 days after).
      {"record_amplified",
       [](std::size_t n) {
         std::string labs, clinical, imaging, tace;
         for (std::size_t i = 0; i < n; ++i) {
           const int day = 18262 + 30 * static_cast<int>(i);  // 2000-01-01 onwards
           const std::string pre = date_plus(day - 2), on = date_plus(day), post = date_plus(day + 25);
           const char* sep = i ? "," : "";
           labs += fmt::format(R"({}{{"date":"{}","test":"bilirubin","value":1.1,"unit":"mg/dL"}},)"
                               R"({{"date":"{}","test":"albumin","value":3.6,"unit":"g/dL"}},)"
                               R"({{"date":"{}","test":"inr","value":1.1,"unit":"INR"}},)"
                               R"({{"date":"{}","test":"afp","value":{},"unit":"ng/mL"}})",
                               sep, pre, pre, pre, pre, 20 + i);
           clinical += fmt::format(R"({}{{"date":"{}","ascites":"none","encephalopathy":"none","ecog":0}})", sep, pre);
           std::string lesions;
           for (int l = 0; l < 5; ++l)  // mRECIST's most target lesions; 30 tumours in all
             lesions += fmt::format(R"({}{{"id":"L{}","viable_diameter":{{"value":{},"unit":"mm"}}}})", l ? "," : "", l,
                                    10 + (l + static_cast<int>(i)) % 7);
           imaging += fmt::format(R"({}{{"date":"{}","modality":"CT","tumor_count":30,"largest_diameter":{{"value":16,)"
                                  R"("unit":"mm"}},"target_lesions":[{}],"nontarget":"absent","new_lesions":0,)"
                                  R"("vascular_invasion":"absent","extrahepatic_spread":false,"bilobar":true}})",
                                  sep, post, lesions);
           tace += fmt::format(R"({}{{"date":"{}"}})", sep, on);
         }
         return std::string(kRecordHead) + R"("labs":[)" + labs + R"(],"clinical":[)" + clinical + R"(],"imaging":[)" +
                imaging + R"(],"tace":[)" + tace + "]}";
       }},
      {"record_unknown_keys",
       [](std::size_t n) {
         std::string k;
         for (std::size_t i = 0; i < n; ++i) k += fmt::format(R"(,"k{}":1)", i);
         return std::string(kRecordHead).substr(0, kRecordHead.size() - 2) + k + "}}";
       }},
      {"record_duplicate_keys",
       [](std::size_t n) {
         return std::string(kRecordHead).substr(0, kRecordHead.size() - 2) + repeat(R"(,"id":"x")", n) + "}}";
       }},
      // A Bundle: the Patient, an albumin, a TACE and n resources the reader does not use.
      {"fhir_unknown_resources",
       [](std::size_t n) {
         std::string e = entry(kPatient) + "," + entry(kFhirAlbumin) + "," + entry(kFhirTace);
         for (std::size_t i = 0; i < n; ++i)
           e += fmt::format(R"(,{{"resource":{{"resourceType":"Basic","id":"b{}"}}}})", i);
         return bundle_of(e);
       }},
      {"fhir_many_tace",
       [](std::size_t n) {
         std::string e = entry(kPatient);
         for (std::size_t i = 0; i < n; ++i)
           e += fmt::format(
               R"(,{{"resource":{{"resourceType":"Procedure","id":"t{}","status":"completed",)"
               R"("subject":{{"reference":"Patient/p1"}},"code":{{"coding":[{{"system":"urn:switchpoint:hcc",)"
               R"("code":"tace"}}]}},"performedDateTime":"{}"}}}})",
               i, date_plus(static_cast<int>(30 * i)));
         return bundle_of(e);
       }},
      // Bulk NDJSON: the Patient, a heart rate whose note is n MiB on one line, an albumin.
      {"ndjson_huge_line",
       [](std::size_t n) {
         std::string hr(kHeartRate);
         hr.insert(hr.size() - 1, R"(,"note":[{"text":")" + std::string(n << 20, 'x') + "\"}]");
         return std::string(kPatient) + "\n" + hr + "\n" + std::string(kFhirAlbumin) + "\n" + std::string(kFhirTace) +
                "\n";
       }},
      {"ndjson_unknown_lines",
       [](std::size_t n) {
         return std::string(kPatient) + "\n" + std::string(kFhirAlbumin) + "\n" + std::string(kFhirTace) + "\n" +
                repeat(R"({"resourceType":"Practitioner","id":"x"})", n, "\n") + "\n";
       }},
      {"ndjson_deep_line",
       [](std::size_t n) {
         return std::string(kPatient) + "\n" + std::string(n, '[') + std::string(n, ']') + "\n" +
                std::string(kFhirTace) + "\n";
       }},
      // A CSV patient with n TACE sessions on consecutive days.
      {"csv_many_tace",
       [](std::size_t n) {
         std::string rows(kCsvHeader);
         for (std::size_t i = 0; i < n; ++i)
           rows += fmt::format("\n7,{},60,1,20,0,0,0,0,5,10,0,1,0,0,100", date_plus(static_cast<int>(i)));
         rows += "\n8,2020-01-01,60,1,20,0,0,0,0,5,10,0,1,0,0,100\n";
         return rows;
       }},
      // A CDS request whose observations prefetch holds n heart rates besides an albumin and a TACE.
      {"cds_many_resources",
       [](std::size_t n) {
         std::string obs = R"({"resource":)" + std::string(kFhirAlbumin) + "}";
         for (std::size_t i = 0; i < n; ++i) obs += R"(,{"resource":)" + std::string(kHeartRate) + "}";
         return hook(R"({"patient":)" + std::string(kPatient) + R"(,"observations":)" + searchset(obs) +
                     R"(,"conditions":null,"procedures":)" + searchset(entry(kFhirTace)) +
                     R"(,"medications":null,"medicationRequests":null,"medicationAdministrations":null})");
       }},
      {"cds_deep_prefetch",
       [](std::size_t n) {
         return hook(
             R"({"patient":)" + std::string(kPatient) + R"(,"observations":)" + std::string(n, '[') +
             std::string(n, ']') +
             R"(,"conditions":null,"procedures":null,"medications":null,"medicationRequests":null,"medicationAdministrations":null})");
       }},
  };
  return g;
}

// ---- the manifest --------------------------------------------------------------------------

// tests/hostile/cases.json and every tests/hostile/cases-*.json (one file per area: records,
// output, cohort, server), read in name order so that case names and indices are stable.
struct Manifest {
  std::vector<std::unique_ptr<simdjson::dom::parser>> parsers;
  std::vector<simdjson::padded_string> texts;
  std::vector<element> cases;
  Manifest() {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(kSource + "/tests/hostile")) {
      const std::string n = e.path().filename().string();
      if (n == "cases.json" || (n.rfind("cases-", 0) == 0 && e.path().extension() == ".json"))
        files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    texts.reserve(files.size());
    for (const auto& f : files) {
      texts.emplace_back(slurp(f.string()));
      parsers.push_back(std::make_unique<simdjson::dom::parser>());
      element root = parsers.back()->parse(texts.back());
      for (element c : root["cases"].get_array()) cases.push_back(c);
    }
  }
};

Manifest& manifest() {
  static Manifest m;
  return m;
}

std::string build_input(element in) {
  std::string bytes;
  if (auto f = str(in, "file"); !f.empty()) bytes = slurp(kSource + "/" + f);
  else if (element raw; in.at_key("raw").get(raw) == simdjson::SUCCESS) bytes = unescape(std::string_view(raw));
  else if (auto g = str(in, "generator"); !g.empty()) {
    const auto it = generators().find(g);
    if (it == generators().end()) throw std::runtime_error("no generator " + g);
    bytes = it->second(static_cast<std::size_t>(num(in, "n", 0)));
  }
  simdjson::dom::array repl;
  if (in.at_key("replace").get_array().get(repl) == simdjson::SUCCESS)
    for (element pair : repl) {
      const std::string from = unescape(std::string_view(pair.at(0))), to = unescape(std::string_view(pair.at(1)));
      const auto pos = bytes.find(from);
      if (pos == std::string::npos) throw std::runtime_error("replace: '" + from + "' is not in the input");
      bytes.replace(pos, from.size(), to);
    }
  if (auto p = str(in, "prefix"); !p.empty()) bytes = unescape(p) + bytes;
  if (std::int64_t t = num(in, "truncate", 0); t > 0)
    bytes.resize(std::min<std::size_t>(bytes.size(), static_cast<std::size_t>(t)));
  return bytes;
}

// A fresh folder for one case, removed after it.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "switchpoint-hostile-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(path)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
};

// Ends the run, naming the case, when a case overruns its time budget three times over: a hang
// must not turn into a silent CI timeout.
class Watchdog {
 public:
  Watchdog(std::string name, double seconds) : name_(std::move(name)) {
    thread_ = std::thread([this, budget = std::chrono::duration<double>(3 * seconds)] {
      std::unique_lock lock(mu_);
      if (!cv_.wait_for(lock, budget, [this] { return done_; })) {
        std::fprintf(stderr, "hostile case %s hangs (more than %.0f s): stopping\n", name_.c_str(), budget.count());
        std::fflush(stderr);
        std::_Exit(3);
      }
    });
  }
  ~Watchdog() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::string name_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

// ---- channels ----------------------------------------------------------------------------------

struct Outcome {
  int code = -1;         // exit code (cli, cohort) or HTTP status (http, cds)
  std::string out, err;  // stdout / stderr, or the HTTP body
  std::string output;    // the -o file, when written
  bool output_written = false;
};

Outcome run_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "switchpoint");
  std::vector<const char*> argv;
  for (auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  Outcome o;
  o.code = switchpoint::run_cli(static_cast<int>(argv.size()), argv.data(), out, err);
  o.out = out.str();
  o.err = err.str();
  return o;
}

// The REST service (install_routes, default limits: 8 MiB bodies) on a loopback port.
class HttpServer {
 public:
  HttpServer() {
    ServerOptions opt;
    install_routes(server_, opt, nullptr);
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("cannot bind a loopback port");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ~HttpServer() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

HttpServer& http_server() {
  static HttpServer s;
  return s;
}

// POST over a plain socket, as a client that reads the answer as soon as it comes: the service
// answers 413 from the headers alone, before a 100 MB body is sent. Returns status and body.
Outcome http_post(const std::string& target, const std::string& body) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(http_server().port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect failed");
  const std::string head = fmt::format(
      "POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: {}\r\nConnection: close\r\n\r\n",
      target, body.size());
  std::string answer;
  auto readable = [&](int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, timeout_ms) > 0;
  };
  ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  std::size_t sent = 0;
  while (sent < body.size() && !readable(0)) {
    const ssize_t n = ::send(fd, body.data() + sent, std::min<std::size_t>(body.size() - sent, 1 << 16), MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  char buf[1 << 16];
  while (readable(30000)) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  Outcome o;
  if (answer.rfind("HTTP/1.1 ", 0) == 0) o.code = std::stoi(answer.substr(9, 3));
  const auto split = answer.find("\r\n\r\n");
  o.out = split == std::string::npos ? "" : answer.substr(split + 4);
  return o;
}

// The cds channel's FHIR server (the case's "fhir_server"): "none", no network (every fetch fails);
// "next-loop", every search answers a page whose next link is the page itself; "endless", every
// page links to a new next page. `fetches` counts the requests the service made.
Outcome run_cds(std::string_view service, const std::string& body, std::string_view fhir_server, int& fetches) {
  HttpGet stub = [fhir_server, &fetches](const std::string& url, const std::vector<std::string>&, const FetchLimits&) {
    ++fetches;
    FetchResult r;
    if (fhir_server == "none") {
      r.error = "hostile test: no network";
      return r;
    }
    const std::string next = fhir_server == "next-loop" ? url : fmt::format("{}&page={}", url, fetches);
    r.ok = true;
    r.status = 200;
    r.body = fmt::format(
        R"({{"resourceType":"Bundle","type":"searchset","link":[{{"relation":"next","url":"{}"}}],"entry":[]}})", next);
    return r;
  };
  CdsServiceOptions options;
  options.public_base_url = "https://cds.example.org";
  options.report_secret = "hostile";
  CdsService svc(options, nullptr, stub);
  const CdsResult r =
      service == "feedback"
          ? svc.feedback(kPatientViewService, body, "hostile")
          : svc.call(service == "tace-order" ? kTaceOrderService : kPatientViewService, body, "hostile");
  Outcome o;
  o.code = r.http.status;
  o.out = r.http.body;
  return o;
}

// ---- expectations -----------------------------------------------------------------------------

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

// The problems of a 400 answer of /api/evaluate.
std::vector<std::pair<std::string, std::string>> api_problems(const std::string& body) {
  std::vector<std::pair<std::string, std::string>> out;
  simdjson::dom::parser p;
  element doc;
  if (p.parse(body).get(doc) != simdjson::SUCCESS) return out;
  simdjson::dom::array arr;
  if (doc["problems"].get(arr) != simdjson::SUCCESS) return out;
  for (element e : arr) out.emplace_back(str(e, "location"), str(e, "message"));
  return out;
}

// The problems the CLI prints: "  FILE at POINTER: message" (or "  FILE: message").
std::vector<std::pair<std::string, std::string>> cli_problems(const std::string& err, const std::string& file) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(err);
  std::string line;
  const std::string lead = "  " + file;
  while (std::getline(in, line)) {
    if (line.rfind(lead, 0) != 0) continue;
    std::string rest = line.substr(lead.size());
    if (rest.rfind(" at ", 0) == 0) {
      const auto colon = rest.find(": ", 4);
      out.emplace_back(rest.substr(4, colon - 4), rest.substr(colon + 2));
    } else if (rest.rfind(": ", 0) == 0) {
      out.emplace_back("", rest.substr(2));
    }
  }
  return out;
}

// {"/json/pointer": value} checks on a JSON text: strings and numbers compare exactly.
void expect_json(const std::string& text, element checks, const std::string& what) {
  simdjson::dom::parser p;
  element doc;
  ASSERT_EQ(p.parse(text).get(doc), simdjson::SUCCESS) << what << " is not JSON: " << text.substr(0, 300);
  for (auto [ptr, want] : object(checks)) {
    element got;
    ASSERT_EQ(doc.at_pointer(ptr).get(got), simdjson::SUCCESS) << what << " has nothing at " << ptr;
    EXPECT_EQ(simdjson::minify(got), simdjson::minify(want)) << what << " at " << ptr;
  }
}

void expect_problems(const std::vector<std::pair<std::string, std::string>>& got, element expect,
                     const std::string& ctx) {
  simdjson::dom::array want;
  if (expect.at_key("problems").get_array().get(want) == simdjson::SUCCESS)
    for (element w : want) {
      const std::string ptr = str(w, "pointer", "\x01"), msg = str(w, "message");
      bool found = false;
      for (const auto& [loc, m] : got) found = found || ((ptr == "\x01" || loc == ptr) && contains(m, msg));
      std::string all;
      for (const auto& [loc, m] : got) all += "\n    " + loc + ": " + m;
      EXPECT_TRUE(found) << ctx << ": no problem at '" << (ptr == "\x01" ? "(any)" : ptr) << "' saying '" << msg
                         << "'; problems:" << all.substr(0, 3000);
    }
  if (std::int64_t n = num(expect, "problem_count", -1); n >= 0) {
    EXPECT_EQ(static_cast<std::int64_t>(got.size()), n) << ctx;
  }
}

void expect_substrings(element expect, std::string_view key, const std::string& text, const std::string& ctx) {
  element e;
  if (expect.at_key(key).get(e) != simdjson::SUCCESS) return;
  auto one = [&](std::string_view s) {
    EXPECT_TRUE(contains(text, std::string(s))) << ctx << ": " << key << " lacks '" << s << "':\n"
                                                << text.substr(0, 3000);
  };
  if (e.is_string()) one(std::string_view(e));
  else
    for (element s : e.get_array()) one(std::string_view(s));
}

// ---- the test ------------------------------------------------------------------------------------

class Hostile : public ::testing::TestWithParam<std::size_t> {};

TEST_P(Hostile, Case) {
  const element c = manifest().cases[GetParam()];
  const std::string name = str(c, "name"), channel = str(c, "channel");
  const element expect = c["expect"];
  double seconds = 10;
  if (c.at_key("seconds").get_double().get(seconds) != simdjson::SUCCESS) seconds = 10;
  const std::string bytes = build_input(c["input"]);
  const std::string ctx = name + " (" + channel + ")";
  Watchdog watchdog(name, seconds * kSlowdown);
  const auto start = std::chrono::steady_clock::now();
  int fetches = 0;  // requests to the cds channel's FHIR server

  Outcome o;
  TempDir dir;
  std::vector<std::string> args;
  simdjson::dom::array extra;
  if (c.at_key("args").get_array().get(extra) == simdjson::SUCCESS)
    for (element a : extra) args.emplace_back(std::string_view(a));

  if (channel == "cli") {
    const std::string command = str(c, "command", "evaluate");
    const std::string in = (dir.path / str(c, "as", "record.json")).string();
    const std::string out = (dir.path / "decision.json").string();
    spit(in, bytes);
    std::vector<std::string> argv = {command, in};
    if (command == "evaluate") {
      if (std::find(args.begin(), args.end(), "--format") == args.end()) argv.insert(argv.end(), {"--format", "json"});
      if (std::find(args.begin(), args.end(), "-o") == args.end()) argv.insert(argv.end(), {"-o", out});
    }
    argv.insert(argv.end(), args.begin(), args.end());
    o = run_cli(argv);
    o.output_written = fs::exists(out);
    if (o.output_written) o.output = slurp(out);
    expect_problems(cli_problems(o.err, in), expect, ctx);
    // Nothing is left behind when nothing is written: no decision, no temporary file.
    if (o.code != 0 && command == "evaluate") {
      EXPECT_EQ(dir.files(), std::vector<std::string>{"record.json"}) << ctx << ": files left after a failure";
    }
  } else if (channel == "http") {
    o = http_post("/api/evaluate" + str(c, "query"), bytes);
    if (o.code == 400) expect_problems(api_problems(o.out), expect, ctx);
  } else if (channel == "cds") {
    o = run_cds(str(c, "service", "patient-view"), bytes, str(c, "fhir_server", "none"), fetches);
  } else if (channel == "cohort") {
    const std::string in = (dir.path / str(c, "as", "input.ndjson")).string();
    const std::string out = (dir.path / "rows.csv").string();
    spit(in, bytes);
    std::vector<std::string> argv = {"cohort", in, "-o", out, "--threads", "2"};
    argv.insert(argv.end(), args.begin(), args.end());
    o = run_cli(argv);
    o.output_written = fs::exists(out);
    if (o.output_written) o.output = slurp(out);
    if (o.code != 0) {
      EXPECT_EQ(dir.files(), std::vector<std::string>{fs::path(in).filename().string()})
          << ctx << ": files left after a failure";
    }
  } else {
    FAIL() << ctx << ": unknown channel";
  }
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const std::int64_t want = num(expect, channel == "http" || channel == "cds" ? "status" : "exit", -1);
  EXPECT_EQ(o.code, want) << ctx << "\nstdout/body: " << o.out.substr(0, 2000) << "\nstderr: " << o.err.substr(0, 2000);
  EXPECT_LE(took, seconds * kSlowdown) << ctx << ": took " << took << " s, budget " << seconds * kSlowdown << " s";
  expect_substrings(expect, "stderr", o.err, ctx);
  expect_substrings(expect, "stdout", o.out, ctx);
  expect_substrings(expect, "body", o.out, ctx);
  expect_substrings(expect, "output_contains", o.output, ctx);
  if (channel == "cli" && str(c, "command", "evaluate") == "evaluate") {
    EXPECT_EQ(o.output_written, o.code == 0) << ctx << ": a decision is written exactly when the exit code is 0";
  }
  if (element j; expect.at_key("json").get(j) == simdjson::SUCCESS) {
    if (channel == "cli") expect_json(o.output, j, ctx + " decision");
    else expect_json(o.out, j, ctx + " body");
  }
  if (channel == "http" || channel == "cds") {
    // Every answer of the JSON API is JSON (and so valid UTF-8), whatever came in.
    simdjson::dom::parser p;
    element doc;
    if (o.code != 200 || channel == "cds") {
      EXPECT_EQ(p.parse(o.out).get(doc), simdjson::SUCCESS) << ctx << ": body " << o.out.substr(0, 300);
    }
  }
  if (std::int64_t want_fetches = num(expect, "fetches", -1); want_fetches >= 0) {
    EXPECT_EQ(fetches, want_fetches) << ctx << ": requests to the FHIR server";
  }
  if (std::int64_t rows = num(expect, "rows", -1); rows >= 0) {
    EXPECT_EQ(static_cast<std::int64_t>(std::count(o.output.begin(), o.output.end(), '\n')) - 1, rows)
        << ctx << ": rows";
  }
}

std::string case_name(const ::testing::TestParamInfo<std::size_t>& info) {
  std::string n = str(manifest().cases[info.param], "name");
  for (char& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return fmt::format("{:03}_{}", info.param, n);
}

INSTANTIATE_TEST_SUITE_P(Catalogue, Hostile, ::testing::Range<std::size_t>(0, manifest().cases.size()), case_name);

TEST(HostileCatalogue, HasAtLeastSixtyCasesOverEveryChannelWithUniqueNames) {
  std::map<std::string, int> channels;
  std::set<std::string> names;
  for (element c : manifest().cases) {
    ++channels[str(c, "channel")];
    EXPECT_TRUE(names.insert(str(c, "name")).second) << "duplicate case name " << str(c, "name");
  }
  EXPECT_GE(manifest().cases.size(), 60u);
  for (const char* ch : {"cli", "http", "cds", "cohort"}) EXPECT_GE(channels[ch], 5) << ch;
}

}  // namespace
}  // namespace switchpoint
