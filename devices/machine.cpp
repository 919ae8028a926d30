#include "devices/machine.h"

#include <ctime>

#include "devices/cmos_defaults.h"

#include <fmt/format.h>

#include <algorithm>
#include <new>

#include "bios/bios_rom.h"
#include "bios/multiboot.h"
#include "cpu/log.h"
#include "devices/config_error.h"
#include "devices/pc_memory_layout.h"

namespace trapeze {

namespace {

using namespace pc_memory;

// A sanity bound that catches unit mix-ups (bytes given as MiB) before the host is
// asked for the memory; well above what 32-bit guests with PAE can use.
constexpr uint64_t kMaxMemoryMib = 32 * 1024;

uint64_t guest_ram_bytes(const MachineConfig& config) {
  if (config.memory_mib == 0 || config.memory_mib > kMaxMemoryMib)
    throw ConfigError(
        fmt::format("memory size {} MiB is outside 1..{} MiB", config.memory_mib, kMaxMemoryMib));
  return config.memory_mib * kMiB;
}

void reject_unsupported(const MachineConfig& config) {
  auto reject = [](const std::string& value, const char* what) {
    if (!value.empty())
      throw ConfigError(fmt::format("{} ('{}') is not supported yet", what, value));
  };
  reject(config.hda_path, "a hard disk image");
  reject(config.cdrom_path, "a CD-ROM image");
  // The frontend refuses these without --kernel; a config built in code might not.
  if (config.kernel_path.empty()) {
    reject(config.initrd_path, "an initrd without --kernel");
    reject(config.append, "a kernel command line without --kernel");
  }
}

}  // namespace

Machine::Machine(MachineConfig config) try
    : config_(std::move(config)),
      log_(log::component("machine")),
      memory_(guest_ram_bytes(config_)),
      debugcon_output_(config_.debugcon),
      debug_ports_(io_),
      serial_output_(config_.serial),
      com1_(io_, scheduler_, Uart16550::kCom1Port),
      pic_(io_),
      pit_(io_, scheduler_),
      port61_(io_, pit_),
      // Headless runs are deterministic: the RTC starts at a fixed date; in a window it
      // shows the host's time.
      rtc_(io_, scheduler_,
           config_.headless ? RtcCmos::kFixedStartUnixSeconds
                            : static_cast<uint64_t>(std::time(nullptr))),
      keyboard_(scheduler_),
      i8042_(io_, &keyboard_, &mouse_),
      dma_memory_(memory_, [this](uint64_t address) { cpu_.mmu().code_pages().invalidate(address); }),
      dma_(io_, dma_memory_),
      timed_io_(io_, [this] { catch_up_time(); }, [this] { end_slice_if_event_due(); }),
      cpu_(memory_, timed_io_) {
  reject_unsupported(config_);
  memory_.on_map_changed([this] {
    cpu_.mmu().flush();
    cpu_.physical_memory_changed();
  });
  debug_ports_.set_console_sink([this](char c) { debugcon_output_.put(c); });
  // Stop the CPU right after the OUT, so nothing the guest does next can hide the exit.
  debug_ports_.set_exit_listener([this](int /*status*/) { cpu_.request_stop(); });
  com1_.set_transmit_sink([this](uint8_t byte) { serial_output_.put(static_cast<char>(byte)); });
  wire_devices();
  cpu_.reset();
  // A kernel given with a firmware image wins, as the issue (and QEMU's -kernel, which
  // bypasses the boot menu) has it: the kernel runs without firmware.
  if (config_.kernel_path.empty()) {
    load_firmware();
  } else {
    boot_kernel();
  }
} catch (const std::bad_alloc&) {
  // Members are gone here; only the parameter (its memory_mib survives the move) is left.
  throw ConfigError(
      fmt::format("the host cannot provide {} MiB of guest memory", config.memory_mib));
}

void Machine::wire_devices() {
  cpu_.set_interrupt_source(&pic_);
  // RDTSC reads the virtual clock, exact within a slice.
  cpu_.set_clock([this] {
    return in_slice_ ? slice_start_ns_ + (cpu_.steps() - slice_start_steps_) * kNsPerInstruction
                     : scheduler_.now_ns();
  });
  // The ISA interrupt lines of the PC/AT.
  pit_.irq0().connect(pic_.input(0));
  i8042_.keyboard_irq().connect(pic_.input(1));
  com1_.irq().connect(pic_.input(4));
  rtc_.irq().connect(pic_.input(8));
  i8042_.aux_irq().connect(pic_.input(12));
  i8042_.set_a20_listener([this](bool enabled) {
    a20_from_i8042_ = enabled;
    update_a20();
  });
  // Resets requested by the guest's OUT happen between slices, not inside the OUT.
  i8042_.set_reset_listener([this] {
    reset_requested_ = true;
    cpu_.request_stop();
  });
  set_pc_defaults(rtc_, memory_.ram_size());
  update_a20();
}

void Machine::update_a20() { cpu_.mmu().set_a20(a20_from_i8042_ || a20_from_port92_); }

void Machine::catch_up_time() {
  if (!in_slice_) return;
  const uint64_t now = slice_start_ns_ + (cpu_.steps() - slice_start_steps_) * kNsPerInstruction;
  if (now > scheduler_.now_ns()) scheduler_.advance_to(now);
}

void Machine::end_slice_if_event_due() {
  if (in_slice_ && scheduler_.next_event_ns() < slice_end_ns_) cpu_.request_stop();
}

void Machine::reset() {
  // A reset reinitialises the processor and the devices; RAM keeps its contents, as on a
  // PC. A kernel given with --kernel is loaded again, as QEMU's option ROM would.
  cpu_.reset();
  com1_.reset();
  pic_.reset();
  pit_.reset();
  port61_.reset();
  i8042_.reset();
  a20_from_i8042_ = true;
  a20_from_port92_ = false;
  update_a20();
  if (!config_.kernel_path.empty())
    boot_multiboot(memory_, cpu_,
                   MultibootOptions{config_.kernel_path, config_.append, config_.initrd_path});
}

void Machine::load_firmware() {
  std::string path = config_.bios_path.empty() ? default_bios_path() : config_.bios_path;
  if (path.empty())
    throw ConfigError(
        "no firmware: give a raw ROM image with --bios FILE, or install Debian's seabios");
  const std::vector<uint8_t> image = load_bios_image(path);
  map_ram(bios_low_window_bytes(image.size()));
  map_bios(memory_, image);
  log_->debug("firmware '{}' ({} KiB), {} MiB of RAM", path, image.size() / 1024,
              config_.memory_mib);
}

void Machine::boot_kernel() {
  if (!config_.bios_path.empty())
    log_->info("--kernel boots without firmware: --bios '{}' is not used", config_.bios_path);
  map_ram(0);
  boot_multiboot(memory_, cpu_,
                 MultibootOptions{config_.kernel_path, config_.append, config_.initrd_path});
  log_->debug("multiboot kernel '{}', {} MiB of RAM", config_.kernel_path, config_.memory_mib);
}

void Machine::map_ram(uint64_t low_bios_bytes) {
  const uint64_t ram_bytes = memory_.ram_size();
  const uint64_t low_end = low_ram_end(ram_bytes);
  // Each window shows the RAM at its own address, clipped to the RAM that exists; the
  // RAM behind the holes stays in the block for shadowing (PAM) later.
  auto window = [&](uint64_t base, uint64_t end) {
    end = std::min(end, low_end);
    if (base < end) memory_.map_ram(base, end - base);
  };
  window(0, kConventionalEnd);
  window(kUpperRamStart, kExtendedStart - low_bios_bytes);
  window(kExtendedStart, low_end);
  if (ram_bytes > low_end) memory_.map_ram(kHighRamStart, ram_bytes - low_end, low_end);
}

void Machine::set_debugcon_sink(std::function<void(char)> sink) {
  debug_ports_.set_console_sink(std::move(sink));
}

RunResult Machine::run() { return run_until(kNoEvent); }

RunResult Machine::run_for(uint64_t duration_ns) {
  const uint64_t now = scheduler_.now_ns();
  return run_until(now + std::min(duration_ns, kNoEvent - 1 - now));
}

RunResult Machine::result(StopReason reason, int exit_status) {
  RunResult r;
  r.reason = reason;
  r.exit_status = exit_status;
  r.instructions_retired = cpu_.instructions_retired();
  r.virtual_time_ns = scheduler_.now_ns();
  log_->debug("stopped: {}", describe(r));
  debugcon_output_.flush();
  serial_output_.flush();
  return r;
}

bool Machine::timed_out() {
  if (config_.timeout_seconds <= 0) return false;
  const auto now = std::chrono::steady_clock::now();
  if (!first_run_start_) first_run_start_ = now;
  return std::chrono::duration<double>(now - *first_run_start_).count() >= config_.timeout_seconds;
}

uint64_t Machine::slice_instructions(uint64_t deadline_ns) const {
  const uint64_t now = scheduler_.now_ns();
  // Events are never scheduled in the past, so next_event_ns() >= now.
  const uint64_t until_ns = std::min(scheduler_.next_event_ns(), deadline_ns);
  uint64_t n = std::min(kMaxSliceInstructions, (until_ns - now) / kNsPerInstruction);
  if (config_.max_instructions != 0)
    n = std::min(n, config_.max_instructions - cpu_.instructions_retired());
  return std::max<uint64_t>(n, 1);
}

RunResult Machine::run_until(uint64_t deadline_ns) {
  for (;;) {
    if (auto status = debug_ports_.exit_status()) return result(StopReason::kGuestExit, *status);
    if (stop_requested_.exchange(false, std::memory_order_relaxed))
      return result(StopReason::kStopRequested);
    if (config_.max_instructions != 0 && cpu_.instructions_retired() >= config_.max_instructions)
      return result(StopReason::kInstructionBudget);
    if (timed_out()) return result(StopReason::kTimeout);
    if (scheduler_.now_ns() >= deadline_ns) return result(StopReason::kDeadline);

    if (cpu_.halted()) {
      if (!cpu_.flags.get(flag::IF)) return result(StopReason::kHaltedInterruptsOff);
      if (interrupt_pending()) {
        cpu_.wake();
        continue;
      }
      // Nothing happens until the next event: skip the idle time in one step.
      const uint64_t next_ns = scheduler_.next_event_ns();
      if (next_ns == kNoEvent) return result(StopReason::kHaltedForever);
      scheduler_.advance_to(std::min(next_ns, deadline_ns));
      continue;
    }

    const uint64_t slice = slice_instructions(deadline_ns);
    slice_start_ns_ = scheduler_.now_ns();
    slice_start_steps_ = cpu_.steps();
    slice_end_ns_ = slice_start_ns_ + slice * kNsPerInstruction;
    in_slice_ = true;
    const RunStop stop = cpu_.run(slice);
    in_slice_ = false;
    const uint64_t steps = cpu_.steps() - slice_start_steps_;
    scheduler_.advance_to(slice_start_ns_ + steps * kNsPerInstruction);
    if (reset_requested_) {
      reset_requested_ = false;
      log_->info("the guest reset the machine");
      reset();
      continue;
    }
    if (stop == RunStop::kShutdown) {
      if (config_.no_reboot) return result(StopReason::kShutdown);
      log_->warn("triple fault: resetting the machine");
      reset();
    }
  }
}

}  // namespace trapeze
