// trapeze-singlestep: runs hardware-captured single-instruction tests (SingleStepTests
// MOO files) against trapeze's CPU. See README.md in this folder.
//
// Exit status: 0 all run tests passed, 1 some failed, 2 a file or option could not be
// used (reported on its own line; the other files still run).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/singlestep/moo_reader.h"
#include "tests/singlestep/skip_list.h"
#include "tests/singlestep/tally.h"
#include "tests/singlestep/test_folder.h"
#include "tests/singlestep/test_runner.h"

namespace trapeze {
namespace {

namespace fs = std::filesystem;

// One thread per core: files are independent, and the report comes out in file order
// whatever the count.
unsigned default_jobs() { return std::max(1u, std::thread::hardware_concurrency()); }

struct Options {
  std::vector<fs::path> paths;
  bool verbose = false;
  unsigned max_failures_shown = 20;  // per file; every failure is counted regardless
  std::vector<uint8_t> filter;       // run only tests whose bytes start with these
  std::optional<uint32_t> index;     // run only the test with this index
  bool run_skipped = false;          // also run skipped tests, counting those that pass
  unsigned jobs = default_jobs();    // threads running files
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
      "  --index N                 only the test with index N\n"
      "  --run-skipped             also run the tests the skip list skips (still counted\n"
      "                            as skipped) and report per rule how many would pass\n"
      "  --jobs N                  run files on N threads (default: one per core);\n"
      "                            the output is the same for any N\n");
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
      if (!v || v->empty() || v->find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
      o.max_failures_shown = static_cast<unsigned>(std::stoul(*v));
    } else if (a == "--filter") {
      auto v = value();
      if (!v || !parse_hex(*v, o.filter)) return std::nullopt;
    } else if (a == "--index") {
      auto v = value();
      if (!v || v->empty() || v->find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
      o.index = static_cast<uint32_t>(std::stoul(*v));
    } else if (a == "--run-skipped") {
      o.run_skipped = true;
    } else if (a == "--jobs" || a == "-j") {
      auto v = value();
      if (!v || v->empty() || v->find_first_not_of("0123456789") != std::string::npos ||
          std::stoul(*v) == 0 || v->size() > 4)
        return std::nullopt;
      o.jobs = static_cast<unsigned>(std::stoul(*v));
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
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
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

// printf into a string: a file's report is built on the thread that ran it and printed
// by the main thread, in file order.
[[gnu::format(printf, 2, 3)]] void append(std::string& out, const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  const int n = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  if (n > 0) {
    const size_t old = out.size();
    out.resize(old + static_cast<size_t>(n) + 1);
    std::vsnprintf(out.data() + old, static_cast<size_t>(n) + 1, format, args);
    out.resize(old + static_cast<size_t>(n));
  }
  va_end(args);
}

void append_failure(std::string& out, const fs::path& file, const MooTest& test,
                    const TestOutcome& outcome) {
  append(out, "FAIL %s #%u \"%s\"  bytes %s  hash %s\n", file.filename().string().c_str(),
         test.index, test.name.c_str(), bytes_hex(test.bytes).c_str(), test.hash_hex.c_str());
  if (!outcome.problem.empty()) append(out, "  %s\n", outcome.problem.c_str());
  if (test.exception)
    append(out, "  the 286 took interrupt %u, FLAGS pushed at %06x\n", test.exception->vector,
           test.exception->flags_address);
  for (const std::string& line : outcome.diff) append(out, "%s\n", line.c_str());
}

// One unit of work, in report order: a test file, or an error found while listing paths.
struct Job {
  fs::path file;      // empty for an error
  std::string error;  // printed as "error: ..." and counted
};

// What running one file produced; merged into the Tally by the main thread, in order.
struct FileResult {
  std::string output;               // the file's lines, printed as one block
  std::optional<FileTally> counts;  // absent when the file could not be used
  std::map<const SkipRule*, uint64_t> skips, skips_passing;
  uint64_t errors = 0;
};

class Session {
 public:
  explicit Session(const Options& options) : options_(options) {}

  // Lists the work for every path, loads each folder's metadata once, then runs the files
  // on `options.jobs` threads. Output stays in file order whatever the thread count.
  void run(const std::vector<fs::path>& paths) {
    std::vector<Job> jobs;
    for (const fs::path& path : paths) {
      std::error_code ec;
      if (fs::is_directory(path, ec)) {
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(path, ec))
          if (entry.is_regular_file() && is_test_file(entry.path())) files.push_back(entry.path());
        if (files.empty())
          jobs.push_back({{}, path.string() + ": no .MOO or .MOO.gz files in this folder"});
        std::sort(files.begin(), files.end());
        for (const fs::path& f : files) jobs.push_back({f, {}});
      } else if (fs::is_regular_file(path, ec)) {
        jobs.push_back({path, {}});
      } else {
        jobs.push_back({{}, path.string() + ": no such file or folder"});
      }
    }
    for (const Job& job : jobs)
      if (!job.file.empty()) load_folder(folder_of(job.file));

    std::vector<FileResult> results(jobs.size());
    std::vector<bool> done(jobs.size());
    std::mutex mutex;
    std::condition_variable finished;
    std::atomic<size_t> next{0};
    auto work = [&] {
      SingleStepRunner runner;  // one per thread: it owns the test machine's memory
      for (size_t i; (i = next++) < jobs.size();) {
        FileResult result = run_job(jobs[i], runner);
        std::lock_guard lock(mutex);
        results[i] = std::move(result);
        done[i] = true;
        finished.notify_all();
      }
    };
    std::vector<std::thread> threads;
    const size_t thread_count = std::min<size_t>(options_.jobs, jobs.size());
    for (size_t t = 0; t < thread_count; ++t) threads.emplace_back(work);
    for (size_t i = 0; i < jobs.size(); ++i) {
      FileResult result;
      {
        std::unique_lock lock(mutex);
        finished.wait(lock, [&] { return done[i]; });
        result = std::move(results[i]);
      }
      std::fputs(result.output.c_str(), stdout);
      std::fflush(stdout);
      tally_.add(result.counts, result.skips, result.skips_passing, result.errors);
    }
    for (std::thread& t : threads) t.join();
  }

  const Tally& tally() const { return tally_; }

 private:
  static fs::path folder_of(const fs::path& file) {
    fs::path dir = file.parent_path();
    return dir.empty() ? fs::path(".") : dir;
  }

  // The folder's metadata and revocations, or the error that loading them gave.
  void load_folder(const fs::path& dir) {
    if (folders_.count(dir) != 0 || folder_errors_.count(dir) != 0) return;
    try {
      folders_.emplace(dir, TestFolder::load(dir));
    } catch (const std::exception& e) {
      folder_errors_.emplace(dir, e.what());
    }
  }

  FileResult run_job(const Job& job, SingleStepRunner& runner) const {
    FileResult r;
    if (job.file.empty()) {
      append(r.output, "error: %s\n", job.error.c_str());
      r.errors = 1;
      return r;
    }
    const fs::path dir = folder_of(job.file);
    if (auto e = folder_errors_.find(dir); e != folder_errors_.end()) {
      append(r.output, "error: %s\n", e->second.c_str());
      r.errors = 1;
      return r;
    }
    const TestFolder& folder = folders_.at(dir);
    MooFile moo;
    try {
      moo = read_moo_file(job.file);
    } catch (const MooError& e) {
      append(r.output, "error: %s: %s\n", job.file.string().c_str(), e.what());
      r.errors = 1;
      return r;
    }
    const std::string opcode = opcode_of(job.file);
    const uint16_t flags_mask = folder.flags_mask(opcode);
    FileTally& counts = r.counts.emplace(FileTally{job.file.filename().string()});
    for (const MooTest& test : moo.tests) {
      if (!selected(test)) continue;
      if (folder.revoked(test.hash_hex)) {
        ++counts.skipped;
        ++r.skips[nullptr];
        continue;
      }
      if (const SkipRule* rule = find_skip_rule(opcode, test)) {
        ++counts.skipped;
        ++r.skips[rule];
        // --run-skipped: a rule's tests should all fail if run; any that pass show the
        // rule reaching further than the difference it describes.
        if (options_.run_skipped && runner.run(test, flags_mask, false).passed)
          ++r.skips_passing[rule];
        continue;
      }
      TestOutcome outcome = runner.run(test, flags_mask, options_.verbose);
      if (outcome.passed) {
        ++counts.passed;
        continue;
      }
      if (++counts.failed <= options_.max_failures_shown)
        append_failure(r.output, job.file, test, outcome);
    }
    if (options_.verbose || counts.failed > 0)
      append(r.output, "%s: %llu passed, %llu failed, %llu skipped\n", counts.name.c_str(),
             static_cast<unsigned long long>(counts.passed),
             static_cast<unsigned long long>(counts.failed),
             static_cast<unsigned long long>(counts.skipped));
    return r;
  }

  bool selected(const MooTest& test) const {
    if (options_.index && test.index != *options_.index) return false;
    const auto& f = options_.filter;
    return f.empty() ||
           (test.bytes.size() >= f.size() && std::equal(f.begin(), f.end(), test.bytes.begin()));
  }

  const Options& options_;
  Tally tally_;
  std::map<fs::path, TestFolder> folders_;  // written before the threads start
  std::map<fs::path, std::string> folder_errors_;
};

// The CPU logs through spdlog, to stdout by default. Those lines (a warning logged once
// per run, with a timestamp) would land wherever a thread happened to be; sent to stderr
// they keep stdout -- failures, report, summary line -- the same on every run.
void log_to_stderr() {
  auto logger = spdlog::stderr_color_mt("trapeze-singlestep");
  spdlog::set_default_logger(logger);
}

int run(int argc, char** argv) {
  std::optional<Options> options = parse_options(argc, argv);
  if (!options) {
    usage();
    return 2;
  }
  log_to_stderr();
  Session session(*options);
  session.run(options->paths);
  session.tally().print_report(kWorstFilesShown, options->run_skipped);
  if (session.tally().errors() > 0) return 2;
  return session.tally().failed() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace trapeze

int main(int argc, char** argv) { return trapeze::run(argc, argv); }
