#include "devices/machine.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <new>

#include "bios/bios_rom.h"
#include "bios/linux_boot.h"
#include "bios/multiboot.h"
#include "bios/nic_boot_rom.h"
#include "bios/vga_bios.h"
#include "cpu/log.h"
#include "devices/ata_disk.h"
#include "devices/atapi_cdrom.h"
#include "devices/cmos_defaults.h"
#include "devices/config_error.h"
#include "devices/pc_memory_layout.h"

namespace trapeze {

namespace {

using namespace pc_memory;

// A sanity bound that catches unit mix-ups (bytes given as MiB) before the host is
// asked for the memory; well above what 32-bit guests with PAE can use.
constexpr uint64_t kMaxMemoryMib = 32 * 1024;

uint64_t guest_ram_bytes(const MachineConfig& config) {
  if (config.memory_mib == 0) throw ConfigError("memory size must be at least 1 MiB");
  if (config.memory_mib > kMaxMemoryMib)
    throw ConfigError(fmt::format(
        "memory size {} MiB is more than the {} MiB trapeze's 32-bit PC can take (-m {}G at "
        "most)",
        config.memory_mib, kMaxMemoryMib, kMaxMemoryMib / 1024));
  return config.memory_mib * kMiB;
}

void reject_unsupported(const MachineConfig& config) {
  auto reject = [](const std::string& value, const char* what) {
    if (!value.empty())
      throw ConfigError(fmt::format("{} ('{}') has nothing to boot with", what, value));
  };
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
      kernel_format_(identify_kernel(config_.kernel_path)),
      firmware_(load_firmware(config_, kernel_format_)),
      serial_output_(config_.serial),
      com1_(io_, scheduler_, Uart16550::kCom1Port),
      com2_(io_, scheduler_, Uart16550::kCom2Port),
      com3_(io_, scheduler_, Uart16550::kCom3Port),
      com4_(io_, scheduler_, Uart16550::kCom4Port),
      pic_(io_),
      local_apic_(memory_, scheduler_),
      io_apic_(memory_, local_apic_),
      pit_(io_, scheduler_),
      port61_(io_, pit_),
      // Headless runs are deterministic: the RTC starts at a fixed date; in a window it
      // shows the host's time.
      rtc_(io_, scheduler_,
           config_.headless ? RtcCmos::kFixedStartUnixSeconds
                            : static_cast<uint64_t>(std::time(nullptr))),
      keyboard_(scheduler_),
      i8042_(io_, &keyboard_, &mouse_),
      port92_(io_),
      dma_memory_(memory_,
                  [this](uint64_t address) { cpu_.mmu().code_pages().invalidate(address); }),
      dma_(io_, dma_memory_),
      firmware_log_output_(config_.firmware_log),
      firmware_log_(io_, firmware_log_output_),
      pci_(io_),
      host_bridge_(pci_, memory_, isa_bios_window(firmware_)),
      isa_bridge_(pci_, io_),
      ide_(pci_, io_, scheduler_, dma_memory_),
      pm_(pci_, io_, scheduler_),
      fw_cfg_(io_, memory_.ram_size(), 1, 1),
      timed_io_(
          io_, [this] { catch_up_time(); }, [this] { end_slice_if_event_due(); }),
      cpu_(memory_, timed_io_),
      fpu_error_(io_, cpu_.fpu) {
  reject_unsupported(config_);
  memory_.on_map_changed([this] {
    cpu_.mmu().flush();
    cpu_.physical_memory_changed();
  });
  // A framebuffer's write tracking re-armed: only direct write pointers go.
  memory_.on_write_tracking_rearmed([this](uint64_t base, uint64_t size_bytes) {
    cpu_.mmu().drop_write_access(base, size_bytes);
  });
  debug_ports_.set_console_sink([this](char c) { debugcon_output_.put(c); });
  // Stop the CPU right after the OUT, so nothing the guest does next can hide the exit.
  debug_ports_.set_exit_listener([this](int /*status*/) { cpu_.request_stop(); });
  com1_.set_transmit_sink([this](uint8_t byte) { serial_output_.put(static_cast<char>(byte)); });
  wire_devices();
  attach_drives();
  attach_display();
  attach_network_card();
  describe_machine_to_firmware();
  map_ram();
  cpu_.reset();
  // A multiboot kernel given with a firmware image wins: it runs without firmware. A
  // Linux kernel boots through the firmware (and its linuxboot option ROM), as on QEMU.
  if (kernel_format_ == KernelFormat::kMultiboot) {
    boot_kernel();
  } else {
    map_firmware();
  }
} catch (const std::bad_alloc&) {
  // Members are gone here; only the parameter (its memory_mib survives the move) is left.
  throw ConfigError(
      fmt::format("the host cannot provide {} MiB of guest memory", config.memory_mib));
}

void Machine::wire_devices() {
  local_apic_.set_pic(&pic_);
  local_apic_.set_nmi_sink([this] { cpu_.raise_nmi(); });
  // The APIC timer's registers are memory-mapped: like port accesses, they see the
  // virtual time of the instruction that touches them.
  local_apic_.set_access_hooks([this] { catch_up_time(); }, [this] { end_slice_if_event_due(); });
  cpu_.set_interrupt_source(&local_apic_);
  cpu_.set_local_apic(&local_apic_);
  // RDTSC reads the virtual clock, exact within a slice.
  cpu_.set_clock([this] {
    return in_slice_ ? slice_start_ns_ + (cpu_.steps() - slice_start_steps_) * kNsPerInstruction
                     : scheduler_.now_ns();
  });
  // The ISA interrupt lines of the PC/AT.
  pit_.irq0().connect(isa_irq(0));
  i8042_.keyboard_irq().connect(isa_irq(1));
  com2_.irq().connect(isa_irq(3));
  com4_.irq().connect(isa_irq(3));
  com1_.irq().connect(isa_irq(4));
  com3_.irq().connect(isa_irq(4));
  rtc_.irq().connect(isa_irq(8));
  pm_.sci().connect(isa_irq(Piix4Pm::kSciIrq));
  i8042_.aux_irq().connect(isa_irq(12));
  fpu_error_.irq().connect(isa_irq(FpuErrorLatch::kIrq));
  ide_.primary_irq().connect(isa_irq(14));
  ide_.secondary_irq().connect(isa_irq(15));
  // The PCI interrupt lines, as the PIIX3 steers them onto ISA IRQs: one more source of
  // each IRQ, wired-OR with the ISA devices there (QEMU's pc does the same; the MADT
  // declares the PCI IRQs level-triggered).
  std::array<IrqLine::Sink, Pic8259::kIrqCount> pci_irqs;
  for (unsigned irq = 0; irq < pci_irqs.size(); ++irq)
    if (irq != Pic8259::kCascadeInput) pci_irqs[irq] = isa_irq(irq);
  isa_bridge_.set_irq_output([pci_irqs](unsigned irq, bool level) {
    if (irq < pci_irqs.size() && pci_irqs[irq]) pci_irqs[irq](level);
  });
  isa_bridge_.set_elcr_listener([this](uint16_t mask) { pic_.set_level_triggered(mask); });

  i8042_.set_a20_listener([this](bool enabled) {
    a20_from_i8042_ = enabled;
    update_a20();
  });
  port92_.set_a20_listener([this](bool enabled) {
    a20_from_port92_ = enabled;
    update_a20();
  });
  i8042_.set_reset_listener([this] { request_reset(); });
  port92_.set_reset_listener([this] { request_reset(); });
  isa_bridge_.set_reset_listener([this] { request_reset(); });
  pm_.set_power_off_listener([this] {
    power_off_requested_ = true;
    cpu_.request_stop();
  });
  update_a20();
}

void Machine::attach_drives() {
  auto disk = [&](const std::string& path) {
    return std::make_unique<AtaDisk>(
        DiskImage::open(path, DiskMedium::kHardDisk, config_.snapshot));
  };
  if (!config_.hda_path.empty()) ide_.primary().attach(IdeChannel::kMaster, disk(config_.hda_path));
  if (!config_.hdb_path.empty()) ide_.primary().attach(IdeChannel::kSlave, disk(config_.hdb_path));
  if (!config_.cdrom_path.empty())
    ide_.secondary().attach(IdeChannel::kMaster,
                            std::make_unique<AtapiCdrom>(DiskImage::open(
                                config_.cdrom_path, DiskMedium::kCdRom, config_.snapshot)));
}

void Machine::attach_display() {
  if (config_.vga == VgaKind::kNone) return;
  // Port reads see the scheduler's time, which catch_up_time() keeps current.
  vga_ = std::make_unique<StdVga>(pci_, io_, memory_, load_vga_bios_image(),
                                  [this] { return scheduler_.now_ns(); });
}

void Machine::attach_network_card() {
  if (config_.nic == NicKind::kNone) return;
  // Network boot needs the card's iPXE ROM; without --boot n it is optional.
  const bool network_boot = config_.boot_order.find('n') != std::string::npos;
  nic_ = std::make_unique<E1000>(pci_, memory_, io_, scheduler_, dma_memory_,
                                 load_nic_boot_rom(network_boot));
  nic_->intx().connect(
      isa_bridge_.pci_interrupt(Piix3::pirq_for(E1000::kDefaultAddress.device, 1)));
}

void Machine::describe_machine_to_firmware() {
  BootOrder boot_order;
  if (!config_.boot_order.empty()) {
    auto parsed = BootOrder::from_letters(config_.boot_order);
    if (!parsed)
      throw ConfigError(fmt::format("boot order '{}' is not up to three of the letters a, c, d, n",
                                    config_.boot_order));
    boot_order = *parsed;
  }
  // Nothing but the firmware reads these, and a reset keeps them (CMOS is battery-backed).
  set_pc_defaults(rtc_, memory_.ram_size(), boot_order);
  // IRQ 0 (the PIT) reaches I/O APIC pin 2: SeaBIOS then says so in its MP table and
  // MADT (an interrupt source override), as on QEMU's pc.
  fw_cfg_.add_file("etc/irq0-override", std::vector<uint8_t>{1, 0, 0, 0, 0, 0, 0, 0});
  fw_cfg_.add_file("etc/e820", fw_cfg_e820_file(pc_memory::firmware_memory_map(memory_.ram_size(),
                                                                               firmware_.size())));
  if (kernel_format_ == KernelFormat::kLinux)
    load_linux_kernel(fw_cfg_, memory_.ram_size(),
                      LinuxBootOptions{config_.kernel_path, config_.initrd_path, config_.append});
}

IrqLine::Sink Machine::isa_irq(unsigned irq) {
  IrqLine::Sink to_pic = pic_.input(irq);
  IrqLine::Sink to_io_apic = io_apic_.input(irq == 0 ? 2 : irq);
  return [to_pic, to_io_apic](bool level) {
    to_pic(level);
    to_io_apic(level);
  };
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

void Machine::request_reset() {
  reset_requested_ = true;
  cpu_.request_stop();
}

void Machine::reset() {
  // A reset reinitialises the processor and the devices; RAM keeps its contents, as on a
  // PC. The host bridge shows the pristine flash again (PAM back to PCI), so the
  // firmware takes its cold-boot path. A multiboot kernel is loaded again; a Linux kernel
  // is, by the firmware's option ROM from fw_cfg, as on QEMU.
  cpu_.reset();
  for (Uart16550* uart : {&com1_, &com2_, &com3_, &com4_}) uart->reset();
  pic_.reset();
  local_apic_.reset();
  io_apic_.reset();
  pit_.reset();
  port61_.reset();
  i8042_.reset();
  port92_.reset();
  fpu_error_.reset();
  pci_.reset();
  host_bridge_.reset();
  isa_bridge_.reset();
  ide_.reset();
  pm_.reset();
  fw_cfg_.reset();
  if (vga_) vga_->reset();
  if (nic_) nic_->reset();
  a20_from_i8042_ = true;
  a20_from_port92_ = false;
  update_a20();
  if (kernel_format_ == KernelFormat::kMultiboot) boot_kernel();
}

std::vector<uint8_t> Machine::load_firmware(const MachineConfig& config, KernelFormat kernel) {
  if (kernel == KernelFormat::kMultiboot) return {};
  std::string path = config.bios_path.empty() ? default_bios_path() : config.bios_path;
  if (path.empty())
    throw ConfigError(
        "no firmware: install Debian's seabios package (apt-get install seabios), or give a "
        "raw ROM image with --bios FILE");
  return load_bios_image(path);
}

std::span<const uint8_t> Machine::isa_bios_window(std::span<const uint8_t> image) {
  return image.last(bios_low_window_bytes(image.size()));
}

void Machine::map_firmware() {
  // Below 1 MiB the host bridge shows the image's tail (PAM, set to PCI at reset).
  memory_.map_rom("bios", kBiosHighEnd - firmware_.size(), firmware_);
  log_->debug("firmware ({} KiB), {} MiB of RAM", firmware_.size() / 1024, config_.memory_mib);
}

void Machine::boot_kernel() {
  if (!config_.bios_path.empty())
    log_->info("a multiboot kernel boots without firmware: --bios '{}' is not used",
               config_.bios_path);
  // What a BIOS would leave behind: shadow RAM readable and writable below 1 MiB, and
  // the IDE function decoding both channels.
  for (uint8_t i = 0; i < I440fx::kPamCount; ++i)
    host_bridge_.config_write(static_cast<uint8_t>(I440fx::kPam0 + i), 1, i == 0 ? 0x30 : 0x33);
  ide_.config_write(piix3_ide::kIdeTimingPrimary, 2, 0x8000);
  ide_.config_write(piix3_ide::kIdeTimingSecondary, 2, 0x8000);
  boot_multiboot(memory_, cpu_,
                 MultibootOptions{config_.kernel_path, config_.append, config_.initrd_path});
  log_->debug("multiboot kernel '{}', {} MiB of RAM", config_.kernel_path, config_.memory_mib);
}

void Machine::map_ram() {
  const uint64_t ram_bytes = memory_.ram_size();
  const uint64_t low_end = low_ram_end(ram_bytes);
  // Each window shows the RAM at its own address, clipped to the RAM that exists; the
  // RAM behind the holes stays in the block (0xC0000-0xFFFFF is the host bridge's
  // shadow RAM).
  auto window = [&](uint64_t base, uint64_t end) {
    end = std::min(end, low_end);
    if (base < end) memory_.map_ram(base, end - base);
  };
  window(0, kConventionalEnd);
  window(kExtendedStart, low_end);
  if (ram_bytes > low_end) memory_.map_ram(kHighRamStart, ram_bytes - low_end, low_end);
}
}  // namespace trapeze
