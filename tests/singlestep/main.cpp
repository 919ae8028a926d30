// trapeze-singlestep: runs hardware-captured single-instruction tests (SingleStepTests
// MOO files) against trapeze's CPU. See README.md in this folder.
//
// Exit status: 0 all run tests passed, 1 some failed, 2 a file or option could not be
// used (reported on its own line; the other files still run).
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/singlestep/moo_reader.h"
#include "tests/singlestep/skip_list.h"
#include "tests/singlestep/tally.h"
#include "tests/singlestep/test_folder.h"
#include "tests/singlestep/test_runner.h"

namespace trapeze {
namespace {

namespace fs = std::filesystem;

struct Options {
  std::vector<fs::path> paths;
  bool verbose = false;
  unsigned max_failures_shown = 20;  // per file; every failure is counted regardless
  std::vector<uint8_t> filter;       // run only tests whose bytes start with these
  std::optional<uint32_t> index;     // run only the test with this index
};

constexpr unsigned kWorstFilesShown = 15;

void usage() {
  std::printf(
      "usage: trapeze-singlestep [options] PATH...\n"
      "  PATH                      a .MOO or .MOO.gz test file, or a folder of them;\n"
      "                            metadata.json and revocation_list.txt are read from\n"
      "                            the folder holding each file\n"
      "  --verbose                 list every file and all registers of each failure\n"
      "  --max-failures-shown N    failures printed per file (default 20; all are counted)\n"
      "  --filter HEX              only tests whose bytes start with HEX, e.g. 26f6\n"
      "  --index N                 only the test with index N\n");
}

bool parse_hex(const std::string& s, std::vector<uint8_t>& out) {
  std::string digits;
  for (char c : s)
    if (c != ' ') digits += c;
  if (digits.empty() || digits.size() % 2 != 0) return false;
  for (size_t i = 0; i < digits.size(); i += 2) {
    if (!std::isxdigit(static_cast<unsigned char>(digits[i])) ||
        !std::isxdigit(static_cast<unsigned char>(digits[i + 1])))
      return false;
    out.push_back(static_cast<uint8_t>(std::stoul(digits.substr(i, 2), nullptr, 16)));
  }
  return true;
}

std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    if (a == "--help" || a == "-h") {
      usage();
      std::exit(0);
    } else if (a == "--verbose" || a == "-v") {
      o.verbose = true;
    } else if (a == "--max-failures-shown") {
      auto v = value();
      if (!v || v->empty() || v->find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
      o.max_failures_shown = static_cast<unsigned>(std::stoul(*v));
    } else if (a == "--filter") {
      auto v = value();
      if (!v || !parse_hex(*v, o.filter)) return std::nullopt;
    } else if (a == "--index") {
      auto v = value();
      if (!v || v->empty() || v->find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
      o.index = static_cast<uint32_t>(std::stoul(*v));
    } else if (a.starts_with("-")) {
      return std::nullopt;
    } else {
      o.paths.emplace_back(a);
    }
  }
  if (o.paths.empty()) return std::nullopt;
  return o;
}

bool ends_with_ci(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.rbegin(), suffix.rend(), s.rbegin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
}

bool is_test_file(const fs::path& p) {
  std::string name = p.filename().string();
  return ends_with_ci(name, ".moo.gz") || ends_with_ci(name, ".moo");
}

// "80.3.MOO.gz" -> "80.3": the opcode (and ModRM reg field) the file tests, upper case
// as metadata.json spells it.
std::string opcode_of(const fs::path& p) {
  std::string name = p.filename().string();
  for (const char* suffix : {".moo.gz", ".moo"})
    if (ends_with_ci(name, suffix)) {
      name.resize(name.size() - std::string(suffix).size());
      break;
    }
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

std::string bytes_hex(const std::vector<uint8_t>& bytes) {
  std::string s;
  for (uint8_t b : bytes) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02x", b);
    if (!s.empty()) s += ' ';
    s += buf;
  }
  return s;
}

void print_failure(const fs::path& file, const MooTest& test, const TestOutcome& outcome) {
  std::printf("FAIL %s #%u \"%s\"  bytes %s  hash %s\n", file.filename().string().c_str(), test.index,
              test.name.c_str(), bytes_hex(test.bytes).c_str(), test.hash_hex.c_str());
  if (!outcome.problem.empty()) std::printf("  %s\n", outcome.problem.c_str());
  if (test.exception)
    std::printf("  the 286 took interrupt %u, FLAGS pushed at %06x\n", test.exception->vector,
                test.exception->flags_address);
  for (const std::string& line : outcome.diff) std::printf("%s\n", line.c_str());
}

class Session {
 public:
  explicit Session(const Options& options) : options_(options) {}

  void run_file(const fs::path& file) {
    const TestFolder* folder = folder_for(file);
    if (folder == nullptr) return;
    MooFile moo;
    try {
      moo = read_moo_file(file);
    } catch (const MooError& e) {
      std::printf("error: %s: %s\n", file.string().c_str(), e.what());
      tally_.count_error();
      return;
    }
    const std::string opcode = opcode_of(file);
    const uint16_t flags_mask = folder->flags_mask(opcode);
    FileTally& counts = tally_.begin_file(file.filename().string());
    for (const MooTest& test : moo.tests) {
      if (!selected(test)) continue;
      if (folder->revoked(test.hash_hex)) {
        ++counts.skipped;
        tally_.count_skip(nullptr);
        continue;
      }
      if (const SkipRule* rule = find_skip_rule(opcode, test)) {
        ++counts.skipped;
        tally_.count_skip(rule);
        continue;
      }
      TestOutcome outcome = runner_.run(test, flags_mask, options_.verbose);
      if (outcome.passed) {
        ++counts.passed;
        continue;
      }
      if (++counts.failed <= options_.max_failures_shown) print_failure(file, test, outcome);
    }
    if (options_.verbose || counts.failed > 0)
      std::printf("%s: %llu passed, %llu failed, %llu skipped\n", counts.name.c_str(),
                  static_cast<unsigned long long>(counts.passed),
                  static_cast<unsigned long long>(counts.failed),
                  static_cast<unsigned long long>(counts.skipped));
    std::fflush(stdout);
  }

  void note_error() { tally_.count_error(); }
  const Tally& tally() const { return tally_; }

 private:
  bool selected(const MooTest& test) const {
    if (options_.index && test.index != *options_.index) return false;
    const auto& f = options_.filter;
    return f.empty() || (test.bytes.size() >= f.size() && std::equal(f.begin(), f.end(), test.bytes.begin()));
  }

  // The folder's metadata and revocations, loaded once per folder.
  const TestFolder* folder_for(const fs::path& file) {
    fs::path dir = file.parent_path();
    if (dir.empty()) dir = ".";
    auto it = folders_.find(dir);
    if (it == folders_.end()) {
      try {
        it = folders_.emplace(dir, TestFolder::load(dir)).first;
      } catch (const std::exception& e) {
        std::printf("error: %s\n", e.what());
        tally_.count_error();
        return nullptr;
      }
    }
    return &it->second;
  }

  const Options& options_;
  SingleStepRunner runner_;
  Tally tally_;
  std::map<fs::path, TestFolder> folders_;
};

int run(int argc, char** argv) {
  std::optional<Options> options = parse_options(argc, argv);
  if (!options) {
    usage();
    return 2;
  }
  Session session(*options);
  for (const fs::path& path : options->paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> files;
      for (const auto& entry : fs::directory_iterator(path, ec))
        if (entry.is_regular_file() && is_test_file(entry.path())) files.push_back(entry.path());
      if (files.empty()) {
        std::printf("error: %s: no .MOO or .MOO.gz files in this folder\n", path.string().c_str());
        session.note_error();
      }
      std::sort(files.begin(), files.end());
      for (const fs::path& f : files) session.run_file(f);
    } else if (fs::is_regular_file(path, ec)) {
      session.run_file(path);
    } else {
      std::printf("error: %s: no such file or folder\n", path.string().c_str());
      session.note_error();
    }
  }
  session.tally().print_report(kWorstFilesShown);
  if (session.tally().errors() > 0) return 2;
  return session.tally().failed() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace trapeze

int main(int argc, char** argv) { return trapeze::run(argc, argv); }
