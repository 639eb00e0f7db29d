#pragma once
// Shared by the CDS Hooks tests: an EHR's signing keys and JWTs (made here with OpenSSL, not
// with the code under test), prefetch built from a FHIR Bundle, temporary directories.
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <simdjson.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "presenters/json_writer.h"
#include "server/crypto.h"
#include "support/files.h"

namespace switchpoint::testing {

using switchpoint::testing_support::slurp;

inline std::string fixture(const std::string& name) {
  return slurp(std::string(SWITCHPOINT_SOURCE_DIR) + "/tests/cds/fixtures/" + name);
}

// A fresh directory under the system temp dir, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "switchpoint-cds-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (std::filesystem::path(path_) / name).string(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline void write_file(const std::string& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << content;
}

// An EHR key pair: EC P-384 (ES384) or RSA 2048 (RS384).
class SigningKey {
 public:
  static SigningKey ec(std::string kid) {
    return SigningKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"), std::move(kid), "ES384");
  }
  static SigningKey rsa(std::string kid, std::size_t bits = 2048) {
    return SigningKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits), std::move(kid), "RS384");
  }

  const std::string& kid() const { return kid_; }
  const std::string& alg() const { return alg_; }

  // The public JWK, as an EHR publishes it.
  std::string public_jwk() const {
    if (alg_ == "ES384") {
      unsigned char pub[200];
      std::size_t len = 0;
      EVP_PKEY_get_octet_string_param(key_.get(), OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof(pub), &len);
      const std::string point(reinterpret_cast<const char*>(pub), len);  // 0x04 || x || y
      return fmt::format(R"({{"kty":"EC","crv":"P-384","use":"sig","alg":"ES384","kid":"{}","x":"{}","y":"{}"}})", kid_,
                         crypto::base64url_encode(point.substr(1, 48)), crypto::base64url_encode(point.substr(49, 48)));
    }
    return fmt::format(R"({{"kty":"RSA","use":"sig","alg":"RS384","kid":"{}","n":"{}","e":"{}"}})", kid_,
                       crypto::base64url_encode(bn(OSSL_PKEY_PARAM_RSA_N)),
                       crypto::base64url_encode(bn(OSSL_PKEY_PARAM_RSA_E)));
  }

  // The JWS signature over `input` in JOSE form (R || S for ES384).
  std::string sign(const std::string& input) const {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    std::size_t len = 0;
    EVP_DigestSignInit(md, nullptr, EVP_sha384(), nullptr, key_.get());
    EVP_DigestSign(md, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
    std::string sig(len, '\0');
    EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    sig.resize(len);
    EVP_MD_CTX_free(md);
    if (alg_ != "ES384") return sig;
    const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    std::string raw(96, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(es), reinterpret_cast<unsigned char*>(raw.data()), 48);
    BN_bn2binpad(ECDSA_SIG_get0_s(es), reinterpret_cast<unsigned char*>(raw.data()) + 48, 48);
    ECDSA_SIG_free(es);
    return raw;
  }

 private:
  SigningKey(EVP_PKEY* k, std::string kid, std::string alg)
      : key_(k, EVP_PKEY_free), kid_(std::move(kid)), alg_(std::move(alg)) {}
  std::string bn(const char* name) const {
    BIGNUM* b = nullptr;
    EVP_PKEY_get_bn_param(key_.get(), name, &b);
    std::string out(static_cast<std::size_t>(BN_num_bytes(b)), '\0');
    BN_bn2bin(b, reinterpret_cast<unsigned char*>(out.data()));
    BN_free(b);
    return out;
  }
  std::shared_ptr<EVP_PKEY> key_;
  std::string kid_, alg_;
};

inline std::string jwks(const std::vector<const SigningKey*>& keys) {
  std::string out = R"({"keys":[)";
  for (std::size_t i = 0; i < keys.size(); ++i) out += (i ? "," : "") + keys[i]->public_jwk();
  return out + "]}";
}

inline std::string b64(const std::string& s) { return crypto::base64url_encode(s); }

// A compact JWS with any header and payload (JSON text), signed by `key`.
inline std::string sign_jwt(const SigningKey& key, const std::string& header_json, const std::string& payload_json) {
  const std::string input = b64(header_json) + "." + b64(payload_json);
  return input + "." + b64(key.sign(input));
}

struct Claims {
  std::string iss = "https://ehr.example.org";
  std::string aud;
  long long iat = 0;
  long long exp = 0;
  std::string jti;
  std::string sub;
};

inline std::string claims_json(const Claims& c) {
  JsonWriter w(false);
  w.begin_object()
      .field("iss", c.iss)
      .field("aud", c.aud)
      .field("exp", static_cast<long>(c.exp))
      .field("iat", static_cast<long>(c.iat));
  w.field("jti", c.jti);
  if (!c.sub.empty()) w.field("sub", c.sub);
  w.end_object();
  return w.take();
}

inline std::string ehr_jwt(const SigningKey& key, const Claims& c, const std::string& extra_header = "") {
  const std::string header =
      fmt::format(R"({{"alg":"{}","typ":"JWT","kid":"{}"{}}})", key.alg(), key.kid(), extra_header);
  return sign_jwt(key, header, claims_json(c));
}

inline std::string new_uuid() {
  const std::string r = crypto::hex(crypto::random_bytes(16));
  return r.substr(0, 8) + "-" + r.substr(8, 4) + "-4" + r.substr(13, 3) + "-a" + r.substr(17, 3) + "-" +
         r.substr(20, 12);
}

// A CDS Hooks request for `hook`, with the Bundle's resources as the service's prefetch:
// searchset Bundles per resource type, and the Patient. `omit` leaves a prefetch key out.
struct HookRequestOptions {
  std::string hook = "patient-view";
  std::string hook_instance;  // a new uuid when empty
  std::string omit;           // a prefetch key to leave out ("*": no prefetch at all)
  bool tace_order = true;     // order-sign: a TACE ServiceRequest in draftOrders
  std::string fhir_server;    // with fhirAuthorization
  std::string patient_id;     // context.patientId; the Bundle's Patient id when empty
};

inline std::string hook_request(const std::string& bundle_json, const HookRequestOptions& o = {}) {
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(bundle_json);
  std::string patient = "null", pid;
  std::vector<std::string> obs, cond, proc, meds, requests, administrations, medication_resources;
  for (simdjson::dom::element e : root["entry"].get_array()) {
    simdjson::dom::element r = e["resource"];
    const std::string_view type = r["resourceType"].get_string();
    const std::string text = simdjson::minify(r);
    if (type == "Patient") {
      patient = text;
      pid = std::string(r["id"].get_string().value());
    } else if (type == "Observation") obs.push_back(text);
    else if (type == "Condition") cond.push_back(text);
    else if (type == "Procedure") proc.push_back(text);
    else if (type == "MedicationStatement") meds.push_back(text);
    else if (type == "MedicationRequest") requests.push_back(text);
    else if (type == "MedicationAdministration") administrations.push_back(text);
    else if (type == "Medication") medication_resources.push_back(text);
  }
  if (!o.patient_id.empty()) pid = o.patient_id;
  // The Medications go with the first medication search that has a match, as `_include`d entries.
  const std::vector<std::string> no_includes;
  const std::vector<std::string>* includes_of = !meds.empty()       ? &meds
                                                : !requests.empty() ? &requests
                                                                    : &administrations;
  auto searchset = [&](const std::vector<std::string>& list) {
    if (list.empty()) return std::string("null");
    std::string s = fmt::format(R"({{"resourceType":"Bundle","type":"searchset","total":{},"entry":[)", list.size());
    for (std::size_t i = 0; i < list.size(); ++i)
      s += fmt::format(R"({}{{"resource":{},"search":{{"mode":"match"}}}})", i ? "," : "", list[i]);
    for (const auto& m : &list == includes_of ? medication_resources : no_includes)
      s += fmt::format(R"(,{{"resource":{},"search":{{"mode":"include"}}}})", m);
    return s + "]}";
  };
  std::string prefetch;
  const std::pair<const char*, std::string> keys[] = {{"patient", patient},
                                                      {"observations", searchset(obs)},
                                                      {"conditions", searchset(cond)},
                                                      {"procedures", searchset(proc)},
                                                      {"medications", searchset(meds)},
                                                      {"medicationRequests", searchset(requests)},
                                                      {"medicationAdministrations", searchset(administrations)}};
  for (const auto& [k, v] : keys) {
    if (o.omit == k || o.omit == "*") continue;
    prefetch += fmt::format(R"({}"{}":{})", prefetch.empty() ? "" : ",", k, v);
  }
  std::string context = fmt::format(R"("userId":"Practitioner/example","patientId":"{}")", pid);
  if (o.hook == "order-sign") {
    const std::string code = o.tace_order ? R"({"system":"urn:switchpoint:hcc","code":"tace"})"
                                          : R"({"system":"http://loinc.org","code":"24627-2"})";
    context += fmt::format(
        R"(,"draftOrders":{{"resourceType":"Bundle","type":"collection","entry":[{{"resource":{{"resourceType":"ServiceRequest","id":"draft-1","status":"draft","intent":"order","code":{{"coding":[{}]}},"subject":{{"reference":"Patient/{}"}}}}}}]}})",
        code, pid);
  }
  std::string out = fmt::format(R"({{"hook":"{}","hookInstance":"{}","context":{{{}}})", o.hook,
                                o.hook_instance.empty() ? new_uuid() : o.hook_instance, context);
  if (!o.fhir_server.empty())
    out += fmt::format(
        R"(,"fhirServer":"{}","fhirAuthorization":{{"access_token":"test-access-token","token_type":"Bearer","expires_in":300,"scope":"patient/*.read","subject":"switchpoint"}})",
        o.fhir_server);
  if (o.omit != "*") out += fmt::format(R"(,"prefetch":{{{}}})", prefetch);
  return out + "}";
}

}  // namespace switchpoint::testing
