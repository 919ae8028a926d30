// The command-line parser: good options fill CliOptions; every mistake is a usage
// error with status 2 and a one-line message.
#include "frontend/cli.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "temp_dir.h"

namespace trapeze {
namespace {

CliParseResult parse(const std::vector<std::string>& words) {
  std::vector<std::string_view> args(words.begin(), words.end());
  return parse_command_line(args);
}

CliOptions parse_ok(const std::vector<std::string>& words) {
  const CliParseResult result = parse(words);
  INFO("error: ", result.error ? result.error->message : std::string());
  REQUIRE(result.ok());
  return result.options;
}

bool is_target(const OutputSpec& spec, OutputTarget target, const std::string& path = {}) {
  return spec.target == target && spec.path == path;
}

// Checks the contract main relies on, and returns the message for further checks.
std::string parse_error(const std::vector<std::string>& words) {
  const CliParseResult result = parse(words);
  std::string shown;
  for (const std::string& word : words) shown += "[" + word + "] ";
  INFO("arguments: ", shown);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error->exit_status == 2);
  CHECK_FALSE(result.error->message.empty());
  CHECK(result.error->message.find('\n') == std::string::npos);
  return result.error->message;
}

TEST_CASE("no arguments give the defaults") {
  const CliOptions options = parse_ok({});
  CHECK(options.memory_mib == 128);
  CHECK(options.bios_path.empty());
  CHECK(options.hda_path.empty());
  CHECK_FALSE(options.snapshot);
  CHECK_FALSE(options.headless);
  CHECK(is_target(options.serial, OutputTarget::kStdio));
  CHECK(is_target(options.debugcon, OutputTarget::kNone));
  CHECK(options.timeout_seconds == 0);
  CHECK(options.max_instructions == 0);
  CHECK(options.log.default_level == spdlog::level::warn);
  CHECK_FALSE(options.help);
  CHECK_FALSE(options.version);
}

TEST_CASE("every option fills its field, as --opt value and as --opt=value") {
  const test::TempDir dir;
  const std::string rom = dir.file("bios.rom", 65536);
  const std::string disk = dir.file("disk.img", 512);
  const std::string iso = dir.file("cd.iso", 2048);
  const std::string kernel = dir.file("bzImage", 1024);
  const std::string initrd = dir.file("initrd.gz", 1024);

  const CliOptions options = parse_ok({"--memory",
                                       "256",
                                       "--bios",
                                       rom,
                                       "--hda=" + disk,
                                       "--cdrom",
                                       iso,
                                       "--kernel=" + kernel,
                                       "--initrd",
                                       initrd,
                                       "--append",
                                       "console=ttyS0 quiet",
                                       "--snapshot",
                                       "--headless",
                                       "--serial=file:serial.log",
                                       "--debugcon",
                                       "stdio",
                                       "--timeout",
                                       "2.5",
                                       "--max-instructions=1000",
                                       "--log",
                                       "info,cpu=debug"});
  CHECK(options.memory_mib == 256);
  CHECK(options.bios_path == rom);
  CHECK(options.hda_path == disk);
  CHECK(options.cdrom_path == iso);
  CHECK(options.kernel_path == kernel);
  CHECK(options.initrd_path == initrd);
  CHECK(options.append == "console=ttyS0 quiet");
  CHECK(options.snapshot);
  CHECK(options.headless);
  CHECK(is_target(options.serial, OutputTarget::kFile, "serial.log"));
  CHECK(is_target(options.debugcon, OutputTarget::kStdio));
  CHECK(options.timeout_seconds == 2.5);
  CHECK(options.max_instructions == 1000);
  CHECK(options.log.default_level == spdlog::level::info);
  CHECK(options.log.level_of("cpu") == spdlog::level::debug);
}

TEST_CASE("memory sizes take MiB or QEMU's M and G suffixes") {
  CHECK(parse_ok({"-m", "64"}).memory_mib == 64);
  CHECK(parse_ok({"-m64"}).memory_mib == 64);
  CHECK(parse_ok({"-m", "512M"}).memory_mib == 512);
  CHECK(parse_ok({"--memory=2G"}).memory_mib == 2048);
  CHECK(parse_ok({"--memory", "1g"}).memory_mib == 1024);
}

TEST_CASE("a bare file is the first hard disk, also after --") {
  const test::TempDir dir;
  const std::string disk = dir.file("disk.img", 512);
  CHECK(parse_ok({disk}).hda_path == disk);
  const std::string dashed = dir.file("-disk.img", 512);
  CHECK(parse_ok({"--headless", "--", dashed}).hda_path == dashed);
}

TEST_CASE("a value may start with a dash, as with GNU getopt") {
  const test::TempDir dir;
  const std::string kernel = dir.file("bzImage", 1024);
  CHECK(parse_ok({"--kernel", kernel, "--append", "-v"}).append == "-v");
}

TEST_CASE("a repeated option: the last one wins") {
  CHECK(parse_ok({"-m", "64", "-m", "32"}).memory_mib == 32);
  CHECK(
      is_target(parse_ok({"--serial", "none", "--serial", "stdio"}).serial, OutputTarget::kStdio));
}

TEST_CASE("--help, -h and --version set their flags") {
  CHECK(parse_ok({"--help"}).help);
  CHECK(parse_ok({"-h"}).help);
  CHECK(parse_ok({"--version"}).version);
}

TEST_CASE("unknown options and misspellings are usage errors") {
  CHECK(parse_error({"--bogus"}).find("unknown option '--bogus'") != std::string::npos);
  CHECK(parse_error({"-x"}).find("unknown option") != std::string::npos);
  // QEMU's single-dash spelling gets a hint.
  CHECK(parse_error({"-bios", "x.rom"}).find("'--bios'") != std::string::npos);
  parse_error({"--Bios", "x.rom"});
  parse_error({"-hx"});
}

TEST_CASE("a missing value, or a value given to a flag, is a usage error") {
  CHECK(parse_error({"--bios"}).find("needs a value") != std::string::npos);
  parse_error({"-m"});
  parse_error({"--headless", "--log"});
  CHECK(parse_error({"--snapshot=yes"}).find("does not take a value") != std::string::npos);
  parse_error({"--help=1"});
}

TEST_CASE("malformed numbers are usage errors") {
  for (const char* size :
       {"abc", "", "0", "12X", "-5", "1.5G", "M", "99999999999999999999", "18014398509481984G"}) {
    CAPTURE(size);
    parse_error({"-m", size});
  }
  for (const char* count : {"", "-5", "1e3", "12 ", "0x10", "ten"}) {
    CAPTURE(count);
    parse_error({"--max-instructions", count});
  }
  for (const char* seconds : {"", "-1", "abc", "nan", "inf", "1s", "2.5.1"}) {
    CAPTURE(seconds);
    parse_error({"--timeout", seconds});
  }
}

TEST_CASE("unknown serial and debugcon targets are usage errors") {
  CHECK(parse_error({"--serial", "tcp:1234"}).find("--serial") != std::string::npos);
  parse_error({"--serial", "file:"});
  parse_error({"--serial", "STDIO"});
  CHECK(parse_error({"--debugcon=vc"}).find("--debugcon") != std::string::npos);
  CHECK(is_target(parse_ok({"--debugcon", "none"}).debugcon, OutputTarget::kNone));
}

TEST_CASE("bad log specs are usage errors") {
  for (const char* spec : {"", "loud", "cpu=loud", "nosuch=debug", "debug,info",
                           "cpu=debug,,pit=trace", ",debug", "cpu="}) {
    CAPTURE(spec);
    parse_error({"--log", spec});
  }
}

TEST_CASE("input files must exist, be files, be readable and not be empty") {
  const test::TempDir dir;
  const std::string empty = dir.file("empty.rom", 0);
  const std::string disk = dir.file("disk.img", 512);
  const std::string kernel = dir.file("bzImage", 1024);
  CHECK(parse_error({"--bios", "/nonexistent"}).find("/nonexistent") != std::string::npos);
  CHECK(parse_error({"--bios", empty}).find("is empty") != std::string::npos);
  CHECK(parse_error({"--bios", dir.path()}).find("directory") != std::string::npos);
  parse_error({"--bios="});
  parse_error({"--hda", "/nonexistent/disk.img"});
  parse_error({"/nonexistent/disk.img"});
  parse_error({"--cdrom", empty});
  parse_error({"--kernel", "/nonexistent"});
  parse_error({"--kernel", kernel, "--initrd", empty});
  CHECK(parse_error({disk, disk}).find("more than one hard disk") != std::string::npos);
  parse_error({"--hda", disk, disk});
  // Devices without a size and pipes (whose open would block) are no images.
  CHECK(parse_error({"--hda", "/dev/null"}) ==
        "hard disk image '/dev/null' is a character device, not a file");
  CHECK(parse_error({"--bios", "/dev/zero"}) ==
        "BIOS image '/dev/zero' is a character device, not a file");
  const std::string fifo = dir.path() + "/fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(parse_error({"--cdrom", fifo}) == "CD-ROM image '" + fifo + "' is a pipe, not a file");
}

TEST_CASE("files the run will write are checked before it starts") {
  const test::TempDir dir;
  const std::string missing_folder = dir.path() + "/no-such-folder/shot.png";
  CHECK(parse_error({"--screenshot", dir.path()}) ==
        "--screenshot '" + dir.path() + "' is a directory, not a file");
  CHECK(parse_error({"--screen-text", missing_folder}) == "--screen-text '" + missing_folder +
                                                              "': the folder '" + dir.path() +
                                                              "/no-such-folder' does not exist");
  CHECK(parse_error({"--trace", missing_folder}).starts_with("--trace '"));
  CHECK(parse_error({"--net-dump", dir.path()}).starts_with("--net-dump '"));
  // Nothing is created by the check; a file in the current folder is fine.
  CHECK(parse_ok({"--screenshot", dir.path() + "/shot.png", "--trace", "-"}).debug.trace_path ==
        "-");
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/shot.png"));
  CHECK(parse_ok({"--screen-text", "screen.txt"}).screen_text_path == "screen.txt");
}

TEST_CASE("--initrd and --append need --kernel") {
  const test::TempDir dir;
  const std::string initrd = dir.file("initrd.gz", 1024);
  CHECK(parse_error({"--initrd", initrd}) == "--initrd needs --kernel");
  CHECK(parse_error({"--append", "quiet"}) == "--append needs --kernel");
}

TEST_CASE("--help documents every option on one line each, and the exit statuses") {
  const std::string text = usage_text();
  for (const char* option :
       {"--memory SIZE", "--bios FILE", "--hda FILE", "--cdrom FILE", "--kernel FILE",
        "--initrd FILE", "--append TEXT", "--snapshot", "--headless", "--serial TARGET",
        "--debugcon TARGET", "--vga TYPE", "--screenshot FILE", "--screen-text FILE",
        "--timeout SECONDS", "--max-instructions N", "--log SPEC", "--help", "--version"}) {
    CAPTURE(option);
    CHECK(text.find(option) != std::string::npos);
  }
  CHECK(text.find("124") != std::string::npos);
  CHECK(text.find("0xF4") != std::string::npos);
}

TEST_CASE("--vga picks the display card; --screenshot and --screen-text name output files") {
  CHECK(parse_ok({}).vga == VgaKind::kStd);
  CHECK(parse_ok({"--vga", "none"}).vga == VgaKind::kNone);
  CHECK(parse_ok({"--vga=std"}).vga == VgaKind::kStd);
  const CliOptions o = parse_ok({"--screenshot", "a.png", "--screen-text=b.txt"});
  CHECK(o.screenshot_path == "a.png");
  CHECK(o.screen_text_path == "b.txt");
  CHECK(parse_error({"--vga", "cirrus"}).find("std, none") != std::string::npos);
  CHECK(parse_error({"--vga", "none", "--screenshot", "a.png"}).find("display card") !=
        std::string::npos);
}

}  // namespace
}  // namespace trapeze

namespace trapeze {
namespace {

TEST_CASE("--when, --type and --keys make one script in command-line order") {
  const CliOptions options = parse_ok({"--when", "login:", "--type", "root\\n", "--keys", "ctrl-d",
                                       "--exit-on", "bye", "--exit-on", "panic"});
  REQUIRE(options.input_script.size() == 3);
  CHECK(options.input_script[0].kind == InputStep::Kind::kWhen);
  CHECK(options.input_script[0].text == "login:");
  CHECK(options.input_script[1].kind == InputStep::Kind::kKeys);
  CHECK(options.input_script[1].events.size() == 10);  // r o o t Enter, each down and up
  CHECK(options.input_script[2].events.size() == 4);
  CHECK(options.exit_on == std::vector<std::string>{"bye", "panic"});
}

TEST_CASE("--exit-on and --when need a text; --type and --keys check theirs") {
  CHECK_FALSE(parse({"--exit-on", ""}).ok());
  CHECK_FALSE(parse({"--when", ""}).ok());
  CHECK_FALSE(parse({"--type", "\xE2\x82\xAC"}).ok());
  CHECK_FALSE(parse({"--keys", "ctrl-nothing"}).ok());
}

}  // namespace
}  // namespace trapeze
