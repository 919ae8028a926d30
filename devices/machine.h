// The PC: owns every part, wires them once, and runs the CPU against virtual time.
//
// Virtual time advances by kNsPerInstruction for each instruction retired, and jumps to
// the next event while the CPU halts with interrupts enabled. One nanosecond per
// instruction is a ~1 GHz, one-instruction-per-cycle CPU, the class of machine the
// guests we boot were tuned for; an integer keeps time exact and deterministic (same
// inputs, same run, bit for bit), and it does not depend on how fast the host
// interprets, so a slow host (or a sanitizer build) sees the same guest behaviour.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "bios/kernel_format.h"
#include "cpu/cpu.h"
#include "cpu/interrupt_source.h"
#include "devices/char_output.h"
#include "devices/debug_ports.h"
#include "devices/dma8237.h"
#include "devices/dma_memory.h"
#include "devices/e1000/e1000.h"
#include "devices/firmware_log.h"
#include "devices/fpu_error_latch.h"
#include "devices/fw_cfg.h"
#include "devices/i440fx.h"
#include "devices/i8042.h"
#include "devices/io_apic.h"
#include "devices/io_bus.h"
#include "devices/local_apic.h"
#include "devices/machine_config.h"
#include "devices/pci_bus.h"
#include "devices/pic8259.h"
#include "devices/piix3.h"
#include "devices/piix3_ide.h"
#include "devices/piix4_pm.h"
#include "devices/pit8254.h"
#include "devices/port92.h"
#include "devices/ps2_keyboard.h"
#include "devices/ps2_mouse.h"
#include "devices/rtc_cmos.h"
#include "devices/run_result.h"
#include "devices/scheduler.h"
#include "devices/system_control_port_b.h"
#include "devices/timed_port_io.h"
#include "devices/uart16550.h"
#include "devices/vga/std_vga.h"
#include "mmu/address_map.h"

namespace trapeze {

class Machine {
 public:
  static constexpr uint64_t kNsPerInstruction = 1;
  // Upper bound on one CPU slice, so stop requests and the host timeout are noticed
  // within milliseconds even when no event is pending.
  static constexpr uint64_t kMaxSliceInstructions = uint64_t{1} << 20;

  // Builds and resets the machine. Throws ConfigError (one line, for the user) when the
  // configuration cannot be honoured: unreadable or malformed images, bad sizes,
  // options that make no sense together.
  explicit Machine(MachineConfig config);
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;

  // Runs until one of the StopReason conditions (never kDeadline). Calling it again
  // continues from where it stopped.
  RunResult run();
  // As run(), but also returns kDeadline once `duration_ns` of virtual time has passed
  // (the frontend's frame loop).
  RunResult run_for(uint64_t duration_ns);
  // Makes run() return kStopRequested at the end of the current slice. Safe to call
  // from another thread or a signal handler.
  void request_stop() { stop_requested_.store(true, std::memory_order_relaxed); }
  // The reset button (and what guest-requested resets do between slices): the processor
  // and the devices return to their power-on state; RAM and CMOS keep their contents, as
  // on a PC. Call between runs, from the thread that runs the machine.
  void reset();

  // Replaces where debug console (port 0xE9) characters go (tests, the frontend's
  // window); the default is MachineConfig::debugcon.
  void set_debugcon_sink(std::function<void(char)> sink);
  // Called on each triple fault, before the reset (or the kShutdown stop with
  // --no-reboot), while the CPU still shows the state that faulted: crash reports.
  void set_triple_fault_hook(std::function<void()> hook) { triple_fault_hook_ = std::move(hook); }

  const MachineConfig& config() const { return config_; }
  AddressMap& memory() { return memory_; }
  IoBus& io() { return io_; }
  Scheduler& scheduler() { return scheduler_; }
  DebugPorts& debug_ports() { return debug_ports_; }
  // COM1 at 0x3F8; its output goes to MachineConfig::serial unless a test replaces the
  // sink with Uart16550::set_transmit_sink.
  Uart16550& com1() { return com1_; }
  Pic8259& pic() { return pic_; }
  LocalApic& local_apic() { return local_apic_; }
  IoApic& io_apic() { return io_apic_; }
  Pit8254& pit() { return pit_; }
  RtcCmos& rtc() { return rtc_; }
  I8042& keyboard_controller() { return i8042_; }
  Ps2Keyboard& keyboard() { return keyboard_; }
  Ps2Mouse& mouse() { return mouse_; }
  Dma8237& dma() { return dma_; }
  PciBus& pci() { return pci_; }
  I440fx& host_bridge() { return host_bridge_; }
  Piix3& isa_bridge() { return isa_bridge_; }
  Piix3Ide& ide() { return ide_; }
  Piix4Pm& power_management() { return pm_; }
  FwCfg& fw_cfg() { return fw_cfg_; }
  // The display card (PCI 00:02.0), or nullptr with --vga none.
  StdVga* vga() { return vga_.get(); }
  DisplaySource* display() { return vga_.get(); }
  // The network card (PCI 00:03.0), or nullptr without one (MachineConfig::nic). The
  // frontend connects it to a host back end.
  NetworkCard* network_card() { return nic_.get(); }
  Cpu& cpu() { return cpu_; }

 private:
  RunResult run_until(uint64_t deadline_ns);
  RunResult result(StopReason reason, int exit_status = 0);
  // Instructions the next slice may run: up to the next event, the deadline and the
  // instruction budget, at least one.
  uint64_t slice_instructions(uint64_t deadline_ns) const;
  bool timed_out();
  bool interrupt_pending() const { return local_apic_.interrupt_pending(); }
  // A sink for ISA IRQ `irq`: the line reaches both interrupt controllers, the 8259 pair
  // and the I/O APIC (IRQ 0 on pin 2, as the firmware's MP and ACPI tables say).
  IrqLine::Sink isa_irq(unsigned irq);
  // Virtual time inside a CPU slice (TimedPortIo): catch up before a port access, and end
  // the slice early when the access made an event due before the slice's end.
  void catch_up_time();
  void end_slice_if_event_due();
  // The A20 gate is open when either the 8042 or port 0x92 opens it.
  void update_a20();
  void wire_devices();
  void attach_drives();
  // The display card the configuration asks for (MachineConfig::vga).
  void attach_display();
  void attach_network_card();
  void describe_machine_to_firmware();
  void map_firmware();
  // The firmware image the configuration names (none for a multiboot kernel), and its
  // part the host bridge shows below 1 MiB.
  static std::vector<uint8_t> load_firmware(const MachineConfig& config, KernelFormat kernel);
  static std::span<const uint8_t> isa_bios_window(std::span<const uint8_t> image);
  // Resets requested by the guest (8042, port 0x92, 0xCF9, triple fault) happen between
  // CPU slices, not inside the OUT that asked.
  void request_reset();
  // Multiboot direct boot (--kernel): RAM without a firmware window, the kernel and its
  // modules loaded, the CPU at the kernel's entry point. (A Linux kernel boots through
  // the firmware instead: describe_machine_to_firmware publishes it in fw_cfg.)
  void boot_kernel();
  // Maps guest RAM around the holes of the PC layout; 0xC0000-0xFFFFF belongs to the host
  // bridge's PAM (shadow RAM or the BIOS flash).
  void map_ram();

  MachineConfig config_;
  std::shared_ptr<spdlog::logger> log_;
  // Declaration order is construction order: memory and buses before the devices that
  // register on them (and are destroyed first), the CPU last.
  AddressMap memory_;
  IoBus io_;
  Scheduler scheduler_;
  CharOutput debugcon_output_;
  DebugPorts debug_ports_;
  // What --kernel names, read before the firmware: a multiboot kernel runs without it.
  KernelFormat kernel_format_;
  // The firmware image (empty for a direct kernel boot), mapped below 4 GiB and, through
  // the host bridge, below 1 MiB.
  std::vector<uint8_t> firmware_;
  CharOutput serial_output_;
  Uart16550 com1_;
  // COM2-COM4 exist as on a PC with four ports; nothing is connected to them.
  Uart16550 com2_;
  Uart16550 com3_;
  Uart16550 com4_;
  Pic8259 pic_;
  // The local APIC is the CPU's interrupt input; the 8259's INTR reaches it on LINT0
  // (virtual wire mode) and the I/O APIC sends it messages.
  LocalApic local_apic_;
  IoApic io_apic_;
  Pit8254 pit_;
  SystemControlPortB port61_;
  RtcCmos rtc_;
  Ps2Keyboard keyboard_;
  Ps2Mouse mouse_;
  I8042 i8042_;
  Port92 port92_;
  DmaMemory dma_memory_;
  Dma8237 dma_;
  CharOutput firmware_log_output_;
  FirmwareLog firmware_log_;
  // The i440FX board (QEMU's pc machine): 00.0 host bridge, 01.0 ISA bridge, 01.1 IDE,
  // 01.3 power management.
  PciBus pci_;
  I440fx host_bridge_;
  Piix3 isa_bridge_;
  Piix3Ide ide_;
  Piix4Pm pm_;
  FwCfg fw_cfg_;
  std::unique_ptr<StdVga> vga_;
  std::unique_ptr<E1000> nic_;
  TimedPortIo timed_io_;
  Cpu cpu_;
  // x87 errors with CR0.NE clear: FERR# to IRQ 13, port 0xF0 (needs the CPU's x87 state).
  FpuErrorLatch fpu_error_;
  bool a20_from_i8042_ = true;
  bool a20_from_port92_ = false;
  bool reset_requested_ = false;
  bool power_off_requested_ = false;
  // The current CPU slice, for catch_up_time().
  bool in_slice_ = false;
  uint64_t slice_start_ns_ = 0;
  uint64_t slice_start_steps_ = 0;
  uint64_t slice_end_ns_ = 0;
  std::atomic<bool> stop_requested_{false};
  std::optional<std::chrono::steady_clock::time_point> first_run_start_;
  std::function<void()> triple_fault_hook_;
};

}  // namespace trapeze
