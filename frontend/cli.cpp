#include "frontend/cli.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "devices/cmos_defaults.h"
#include "devices/config_error.h"
#include "frontend/cli_values.h"
#include "frontend/sdl_window.h"

namespace trapeze {
namespace {

// Returns the message for the user when `value` is not acceptable.
using ApplyOption = std::optional<std::string> (*)(CliOptions& options, std::string_view value);

// One row per option: the parser and the --help text both read this table, so an
// option cannot be accepted without being documented, or the other way round.
struct OptionSpec {
  std::string_view long_name;  // without the leading "--"
  char short_name = 0;         // 0: no short form
  std::string_view argument;   // the value's name in --help; empty for a flag
  std::string_view help;
  ApplyOption apply = nullptr;
};

// The machine's own parser knows the targets; its ConfigError becomes a usage error.
std::optional<std::string> set_output(OutputSpec& field, std::string_view option,
                                      std::string_view value) {
  try {
    field = parse_output_spec(option, value);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return std::nullopt;
}

std::optional<std::string> set_file(std::string& field, std::string_view value,
                                    std::string_view what) {
  field = std::string(value);
  return check_input_file(field, what);
}

template <bool CliOptions::*Flag>
std::optional<std::string> set_flag(CliOptions& options, std::string_view /*no value*/) {
  options.*Flag = true;
  return std::nullopt;
}

constexpr auto kOptions = std::to_array<OptionSpec>({
    {"memory", 'm', "SIZE", "guest RAM in MiB, or with a suffix as in 512M or 2G (default 128)",
     [](CliOptions& o, std::string_view v) { return parse_memory_mib(v, o.memory_mib); }},
    {"bios", 0, "FILE", "run a raw ROM image as the firmware instead of SeaBIOS",
     [](CliOptions& o, std::string_view v) { return set_file(o.bios_path, v, "BIOS image"); }},
    {"hda", 0, "FILE", "first IDE hard disk image (a bare FILE argument means the same)",
     [](CliOptions& o, std::string_view v) { return set_file(o.hda_path, v, "hard disk image"); }},
    {"hdb", 0, "FILE", "second IDE hard disk image (primary slave)",
     [](CliOptions& o, std::string_view v) { return set_file(o.hdb_path, v, "hard disk image"); }},
    {"cdrom", 0, "FILE", "CD-ROM image (ISO 9660), the secondary IDE master",
     [](CliOptions& o, std::string_view v) { return set_file(o.cdrom_path, v, "CD-ROM image"); }},
    {"boot", 0, "ORDER",
     "boot order as in QEMU: up to three of c (disk), d (CD-ROM), a, n; default cad",
     [](CliOptions& o, std::string_view v) -> std::optional<std::string> {
       // QEMU also takes "order=dc"; accept that spelling too.
       if (v.starts_with("order=")) v.remove_prefix(6);
       if (!BootOrder::from_letters(v))
         return fmt::format("--boot '{}' is not up to three of the letters a, c, d, n", v);
       o.boot_order = std::string(v);
       return std::nullopt;
     }},
    {"kernel", 0, "FILE",
     "boot a Linux bzImage (through the firmware) or a multiboot kernel (without firmware)",
     [](CliOptions& o, std::string_view v) { return set_file(o.kernel_path, v, "kernel"); }},
    {"initrd", 0, "FILE", "initial RAM disk for --kernel",
     [](CliOptions& o, std::string_view v) { return set_file(o.initrd_path, v, "initrd"); }},
    {"append", 0, "TEXT", "kernel command line for --kernel",
     [](CliOptions& o, std::string_view v) -> std::optional<std::string> {
       o.append = std::string(v);
       return std::nullopt;
     }},
    {"vga", 0, "TYPE", "display card: std (QEMU's standard VGA, the default) or none",
     [](CliOptions& o, std::string_view v) -> std::optional<std::string> {
       if (v == "std") {
         o.vga = VgaKind::kStd;
       } else if (v == "none") {
         o.vga = VgaKind::kNone;
       } else {
         return fmt::format("--vga '{}' is not one of std, none", v);
       }
       return std::nullopt;
     }},
    {"screenshot", 0, "FILE", "when the run stops or on SIGUSR1, save the screen as a PNG image",
     [](CliOptions& o, std::string_view v) -> std::optional<std::string> {
       o.screenshot_path = std::string(v);
       return check_output_file(o.screenshot_path, "--screenshot");
     }},
    {"screen-text", 0, "FILE",
     "when the run stops or on SIGUSR1, save the text screen as UTF-8 text",
     [](CliOptions& o, std::string_view v) -> std::optional<std::string> {
       o.screen_text_path = std::string(v);
       return check_output_file(o.screen_text_path, "--screen-text");
     }},
    {"snapshot", 0, "", "keep disk writes in memory; image files are never modified",
     set_flag<&CliOptions::snapshot>},
    {"headless", 0, "", "no window, even when a display is available",
     set_flag<&CliOptions::headless>},
    {"no-reboot", 0, "", "stop (exit status 3) on a triple fault instead of resetting",
     set_flag<&CliOptions::no_reboot>},
    {"serial", 0, "TARGET", "first serial port (COM1): stdio, file:PATH or none (default stdio)",
     [](CliOptions& o, std::string_view v) { return set_output(o.serial, "--serial", v); }},
    {"debugcon", 0, "TARGET", "debug console at port 0xE9: stdio, file:PATH or none (default none)",
     [](CliOptions& o, std::string_view v) { return set_output(o.debugcon, "--debugcon", v); }},
    {"firmware-log", 0, "TARGET",
     "SeaBIOS's debug log (port 0x402): stdio, file:PATH or none (default none)",
     [](CliOptions& o, std::string_view v) {
       return set_output(o.firmware_log, "--firmware-log", v);
     }},
    {"timeout", 0, "SECONDS", "stop with exit status 124 after SECONDS of host time (0: never)",
     [](CliOptions& o, std::string_view v) {
       return parse_seconds(v, "--timeout", o.timeout_seconds);
     }},
    {"max-instructions", 0, "N", "stop with exit status 124 after N instructions (0: no limit)",
     [](CliOptions& o, std::string_view v) {
       return parse_count(v, "--max-instructions", o.max_instructions);
     }},
    {"trace", 0, "FILE", "trace every instruction to FILE ('-': stdout); see the --trace-* filters",
     [](CliOptions& o, std::string_view v) -> std::optional<std::string> {
       if (v.empty()) return "--trace needs a file name, or '-' for stdout";
       o.debug.trace_path = std::string(v);
       if (v == "-") return std::nullopt;
       return check_output_file(o.debug.trace_path, "--trace");
     }},
    {"trace-from", 0, "N", "trace from the N-th instruction retired on",
     [](CliOptions& o, std::string_view v) {
       return parse_count(v, "--trace-from", o.debug.trace_filter.from);
     }},
    {"trace-range", 0, "A-B", "trace only instructions at linear EIP A to B (hex, inclusive)",
     [](CliOptions& o, std::string_view v) -> std::optional<std::string> {
       uint64_t first = 0, last = 0;
       if (!parse_address_range(v, first, last))
         return fmt::format("--trace-range '{}' is not two hex addresses A-B with A <= B", v);
       o.debug.trace_filter.range_first = first;
       o.debug.trace_filter.range_last = last;
       return std::nullopt;
     }},
    {"trace-cpl", 0, "0|3", "trace only instructions run at this privilege level",
     [](CliOptions& o, std::string_view v) -> std::optional<std::string> {
       if (v != "0" && v != "1" && v != "2" && v != "3")
         return fmt::format("--trace-cpl '{}' is not a privilege level 0-3", v);
       o.debug.trace_filter.cpl = static_cast<unsigned>(v[0] - '0');
       return std::nullopt;
     }},
    {"trace-on", 0, "TEXT", "start tracing when TEXT appears on the serial or debug console",
     [](CliOptions& o, std::string_view v) -> std::optional<std::string> {
       if (v.empty()) return "--trace-on needs a text to wait for";
       o.debug.trace_filter.on_text = std::string(v);
       return std::nullopt;
     }},
    {"trace-limit", 0, "N", "stop tracing after N instruction lines",
     [](CliOptions& o, std::string_view v) {
       return parse_count(v, "--trace-limit", o.debug.trace_filter.limit);
     }},
    {"trace-pagewalks", 0, "", "also trace guest page-table walks (TLB misses)",
     [](CliOptions& o, std::string_view) -> std::optional<std::string> {
       o.debug.trace_page_walks = true;
       return std::nullopt;
     }},
    {"history", 0, "N",
     "print the last N steps on a triple fault or emulator error (default 64, 0: off, max 256)",
     [](CliOptions& o, std::string_view v) -> std::optional<std::string> {
       uint64_t n = 0;
       if (auto error = parse_count(v, "--history", n)) return error;
       if (n > StepHistory::kCapacity)
         return fmt::format("--history {} is more than the {} steps kept", n,
                            StepHistory::kCapacity);
       o.debug.history_steps = static_cast<unsigned>(n);
       return std::nullopt;
     }},
    {"monitor", 0, "stdio", "a command-line monitor on stdin/stdout (needs --serial elsewhere)",
     [](CliOptions& o, std::string_view v) -> std::optional<std::string> {
       if (v != "stdio") return fmt::format("--monitor '{}': only 'stdio' is supported", v);
       o.debug.monitor_stdio = true;
       return std::nullopt;
     }},
    {"gdb", 0, "PORT", "GDB remote stub on 127.0.0.1:PORT (target remote :PORT)",
     [](CliOptions& o, std::string_view v) -> std::optional<std::string> {
       uint64_t port = 0;
       if (parse_count(v, "--gdb", port) || port == 0 || port > 65535)
         return fmt::format("--gdb '{}' is not a TCP port number 1-65535", v);
       o.debug.gdb_port = static_cast<int>(port);
       return std::nullopt;
     }},
    {"gdb-wait", 0, "", "with --gdb: wait for the debugger before the first instruction",
     [](CliOptions& o, std::string_view) -> std::optional<std::string> {
       o.debug.gdb_wait = true;
       return std::nullopt;
     }},
    {"net", 0, "BACKEND",
     "network back end: user[,hostfwd=tcp:127.0.0.1:8022-:22]...[,tftp=DIR][,bootfile=FILE] "
     "(slirp, with an e1000) or none",
     [](CliOptions& o, std::string_view v) { return parse_net_option(v, o.net); }},
    {"nic", 0, "MODEL", "network card: e1000 (Intel 82540EM at 00:03.0; implies --net user)",
     [](CliOptions& o, std::string_view v) { return parse_nic_option(v, o.net); }},
    {"net-dump", 0, "FILE", "write every frame the guest sends and receives to FILE (pcap)",
     [](CliOptions& o, std::string_view v) -> std::optional<std::string> {
       o.net.dump_path = std::string(v);
       return check_output_file(o.net.dump_path, "--net-dump");
     }},
    {"exit-on", 0, "TEXT",
     "stop with exit status 0 when TEXT appears on the serial or debug console or the "
     "text screen (may be repeated)",
     [](CliOptions& o, std::string_view v) -> std::optional<std::string> {
       if (v.empty()) return "--exit-on needs a non-empty text";
       o.exit_on.emplace_back(v);
       return std::nullopt;
     }},
    {"when", 0, "TEXT",
     "wait until TEXT appears (consoles or text screen) before the --type/--keys that follow",
     [](CliOptions& o, std::string_view v) -> std::optional<std::string> {
       if (v.empty()) return "--when needs a non-empty text";
       o.input_script.push_back({InputStep::Kind::kWhen, std::string(v), {}});
       return std::nullopt;
     }},
    {"type", 0, "TEXT",
     "type TEXT on the PS/2 keyboard (US layout; \\n is Enter, \\t Tab, \\e Escape)",
     [](CliOptions& o, std::string_view v) -> std::optional<std::string> {
       InputStep step{InputStep::Kind::kKeys, std::string(v), {}};
       if (auto error = key_events_for_text(v, step.events)) return error;
       o.input_script.push_back(std::move(step));
       return std::nullopt;
     }},
    {"keys", 0, "COMBOS",
     "press key combinations on the PS/2 keyboard, e.g. \"ctrl-alt-del\" or \"alt-f2 enter\"",
     [](CliOptions& o, std::string_view v) -> std::optional<std::string> {
       InputStep step{InputStep::Kind::kKeys, std::string(v), {}};
       if (auto error = key_events_for_combos(v, step.events)) return error;
       o.input_script.push_back(std::move(step));
       return std::nullopt;
     }},
    {"deterministic", 0, "",
     "in the window, keep virtual time (as headless runs do) instead of following the clock",
     set_flag<&CliOptions::deterministic>},
    {"integer-scaling", 0, "", "in the window, scale the picture only by whole numbers",
     set_flag<&CliOptions::integer_scaling>},
    {"full-screen", 0, "", "start the window full screen", set_flag<&CliOptions::full_screen>},
    {"log", 0, "SPEC", "log levels to stderr: a level for all, or cpu=debug,pit=trace",
     [](CliOptions& o, std::string_view v) { return parse_log_spec(v, o.log); }},
    {"help", 'h', "", "print this help and exit", set_flag<&CliOptions::help>},
    {"version", 0, "", "print the version and exit", set_flag<&CliOptions::version>},
});

const OptionSpec* find_long(std::string_view name) {
  const auto it = std::find_if(kOptions.begin(), kOptions.end(),
                               [&](const OptionSpec& spec) { return spec.long_name == name; });
  return it == kOptions.end() ? nullptr : &*it;
}

const OptionSpec* find_short(char name) {
  const auto it = std::find_if(kOptions.begin(), kOptions.end(),
                               [&](const OptionSpec& spec) { return spec.short_name == name; });
  return it == kOptions.end() ? nullptr : &*it;
}

std::string unknown_option(std::string_view arg) {
  // QEMU users type "-bios"; point them at the spelling we use.
  if (arg.size() > 2 && arg[0] == '-' && arg[1] != '-' && find_long(arg.substr(1)) != nullptr) {
    return fmt::format("unknown option '{}' (long options take two dashes: '-{}')", arg, arg);
  }
  return fmt::format("unknown option '{}' (try 'trapeze --help')", arg);
}

// One argument that looks like an option, split into its spec and any attached value.
struct OptionUse {
  const OptionSpec* spec = nullptr;
  std::string shown;  // as the user should see it in messages: "--bios" or "-m"
  std::optional<std::string_view> attached_value;
};

std::optional<OptionUse> recognise(std::string_view arg) {
  if (arg.starts_with("--")) {
    const std::string_view body = arg.substr(2);
    const size_t equals = body.find('=');
    const std::string_view name = body.substr(0, equals);
    const OptionSpec* spec = find_long(name);
    if (spec == nullptr) return std::nullopt;
    OptionUse use{spec, fmt::format("--{}", name), std::nullopt};
    if (equals != std::string_view::npos) use.attached_value = body.substr(equals + 1);
    return use;
  }
  // A short option, with its value either attached ("-m64") or next ("-m 64").
  const OptionSpec* spec = find_short(arg[1]);
  if (spec == nullptr) return std::nullopt;
  OptionUse use{spec, std::string(arg.substr(0, 2)), std::nullopt};
  if (arg.size() > 2) {
    // "-hx" is not "-h" with a value: flags do not bundle here.
    if (spec->argument.empty()) return std::nullopt;
    use.attached_value = arg.substr(2);
  }
  return use;
}

CliParseResult failure(std::string message) {
  return {CliOptions{}, UsageError{std::move(message)}};
}

}  // namespace

CliParseResult parse_command_line(std::span<const std::string_view> args) {
  CliParseResult result;
  CliOptions& options = result.options;
  bool options_ended = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (!options_ended && arg == "--") {
      options_ended = true;
      continue;
    }
    if (options_ended || !arg.starts_with('-') || arg == "-") {
      // A bare file is the first hard disk, as in QEMU.
      if (!options.hda_path.empty()) {
        return failure(fmt::format("more than one hard disk image given: '{}' and '{}'",
                                   options.hda_path, arg));
      }
      if (auto error = set_file(options.hda_path, arg, "hard disk image")) {
        return failure(*std::move(error));
      }
      continue;
    }
    const std::optional<OptionUse> use = recognise(arg);
    if (!use) return failure(unknown_option(arg));
    std::string_view value;
    if (use->spec->argument.empty()) {
      if (use->attached_value) {
        return failure(fmt::format("option '{}' does not take a value", use->shown));
      }
    } else if (use->attached_value) {
      value = *use->attached_value;
    } else if (i + 1 < args.size()) {
      // As GNU getopt does, the next word is the value even if it starts with a dash,
      // so `--append -v` works.
      value = args[++i];
    } else {
      return failure(
          fmt::format("option '{}' needs a value ({})", use->shown, use->spec->argument));
    }
    if (auto error = use->spec->apply(options, value)) return failure(*std::move(error));
  }
  const DebugOptions& debug = options.debug;
  const TraceFilterSpec& filter = debug.trace_filter;
  if (debug.trace_path.empty() &&
      (filter.from != 0 || filter.range_first || filter.cpl || !filter.on_text.empty() ||
       filter.limit != 0 || debug.trace_page_walks))
    return failure("the --trace-* options need --trace FILE");
  if (debug.gdb_wait && debug.gdb_port < 0) return failure("--gdb-wait needs --gdb PORT");
  if (debug.monitor_stdio && debug.gdb_port >= 0)
    return failure("--monitor and --gdb cannot be used together; choose one debugger");
  if (debug.monitor_stdio && options.serial.target == OutputTarget::kStdio)
    return failure(
        "--monitor stdio reads commands from stdin, so the serial console cannot be on stdio: "
        "add --serial file:PATH or --serial none");
  if (debug.monitor_stdio && debug.trace_path == "-")
    return failure("--monitor stdio and --trace - both want stdout: trace to a file");
  // QEMU's rule: the ramdisk and command line are handed to the kernel it loads itself.
  if (options.kernel_path.empty()) {
    if (!options.initrd_path.empty()) return failure("--initrd needs --kernel");
    if (!options.append.empty()) return failure("--append needs --kernel");
  }
  if (options.vga == VgaKind::kNone &&
      (!options.screenshot_path.empty() || !options.screen_text_path.empty()))
    return failure("--screenshot and --screen-text need a display card (not --vga none)");
  return result;
}

CliParseResult parse_command_line(int argc, const char* const* argv) {
  std::vector<std::string_view> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return parse_command_line(args);
}

std::string usage_text() {
  std::string text =
      "Usage: trapeze [OPTION]... [DISK-IMAGE]\n"
      "Run an x86 PC in software. With no arguments, boot the default demo guest.\n"
      "\n"
      "Options:\n";
  constexpr size_t kHelpColumn = 28;
  for (const OptionSpec& spec : kOptions) {
    const std::string short_form = spec.short_name != 0 ? fmt::format("-{},", spec.short_name) : "";
    const std::string left =
        fmt::format("  {:3} --{} {}", short_form, spec.long_name, spec.argument);
    text += fmt::format("{:{}} {}\n", left, kHelpColumn - 1, spec.help);
  }
  text +=
      "Values may follow as the next argument or after '=' (--memory=512M).\n"
      "\n"
      "Exit status:\n"
      "  0    the guest stopped normally (halted for good, powered off), or --exit-on matched\n"
      "  2    bad usage or unusable input (one line on stderr says why)\n"
      "  3    the guest triple-faulted (--no-reboot), or trapeze failed (stderr says which)\n"
      "  124  --timeout or --max-instructions reached\n"
      "  130  SIGINT, 143 SIGTERM: a headless run stopped by the signal (disks flushed)\n"
      "  2V+1 the guest wrote V to port 0xF4 (QEMU's isa-debug-exit)\n"
      "\n";
  text += kWindowHotkeys;
  return text;
}

}  // namespace trapeze
