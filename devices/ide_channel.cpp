#include "devices/ide_channel.h"

#include <fmt/format.h>

#include <utility>

#include "cpu/log.h"
#include "devices/ata_registers.h"

namespace trapeze {

using namespace ata;

namespace {
constexpr uint8_t kFloatingBus = 0xFF;
}  // namespace

IdeChannel::IdeChannel(IoBus& bus, Scheduler& scheduler, unsigned index, uint16_t command_port,
                       uint16_t control_port)
    : scheduler_(scheduler),
      index_(index),
      name_(fmt::format("ide{}", index)),
      command_port_(command_port),
      control_port_(control_port),
      event_types_{
          scheduler.register_type(name_ + "-0",
                                  [this](uint64_t step) {
                                    if (devices_[0]) devices_[0]->on_event(step);
                                  }),
          scheduler.register_type(name_ + "-1",
                                  [this](uint64_t step) {
                                    if (devices_[1]) devices_[1]->on_event(step);
                                  }),
      },
      log_(log::component("ide")),
      data_registration_(
          bus.map(name_ + "-data", command_port, command_port, kIoWidth16 | kIoWidth32, *this)),
      registers_registration_(bus.map(name_ + "-taskfile", static_cast<uint16_t>(command_port + 1),
                                      static_cast<uint16_t>(command_port + kCommandRegisters - 1),
                                      kIoWidth8, *this)),
      control_registration_(
          bus.map(name_ + "-control", control_port, control_port, kIoWidth8, *this)) {}

IdeChannel::~IdeChannel() {
  // Devices cancel their pending events through the channel; let them while it is whole.
  detach(kMaster);
  detach(kSlave);
}

void IdeChannel::attach(unsigned unit, std::unique_ptr<IdeDevice> device) {
  unit &= 1;
  detach(unit);
  if (!device) return;
  device->connect(this, unit);
  devices_[unit] = std::move(device);
  devices_[unit]->hardware_reset();
  log_->info("{}-{}: {}", name_, unit, devices_[unit]->describe());
  update_irq();
}

std::unique_ptr<IdeDevice> IdeChannel::detach(unsigned unit) {
  unit &= 1;
  std::unique_ptr<IdeDevice> device = std::move(devices_[unit]);
  if (device) device->connect(nullptr, 0);
  update_irq();
  return device;
}

void IdeChannel::reset() {
  control_ = 0;
  selected_ = 0;
  for (auto& device : devices_) {
    if (device) device->hardware_reset();
  }
  update_irq();
}

EventId IdeChannel::schedule(unsigned unit, uint64_t delay_ns, uint64_t step) {
  return scheduler_.schedule(event_types_[unit & 1], scheduler_.now_ns() + delay_ns, step);
}

void IdeChannel::update_irq() {
  const IdeDevice* device = devices_[selected_].get();
  const bool level =
      device != nullptr && device->interrupt_pending() && (control_ & kControlNien) == 0;
  // The PIIX3 latches a rising edge of the channel's interrupt in its bus-master status.
  if (level && !irq_.level() && bus_master_ != nullptr) bus_master_->interrupt_raised();
  if (level != irq_.level()) log_->trace("{}: INTRQ {}", name_, level ? "raised" : "lowered");
  irq_.set(level);
}

void IdeChannel::dma_requested() {
  if (bus_master_ != nullptr) {
    bus_master_->dma_requested();
  } else {
    log::once(log_, fmt::format("{}: DMA requested on a channel without a bus master", name_));
  }
}

// ---- Ports ----

uint8_t IdeChannel::read_command_block(uint16_t reg, bool acknowledge) {
  if (!devices_[0] && !devices_[1]) return kFloatingBus;
  const bool hob = (control_ & kControlHob) != 0;
  if (IdeDevice* device = devices_[selected_].get()) {
    if (reg == kRegStatus) return acknowledge ? device->read_status() : device->status();
    return device->read_register(reg, hob);
  }
  // The selected device is absent: the other one answers for it (ATA-6 9.16.1).
  if (reg == kRegStatus) return 0x00;
  return devices_[selected_ ^ 1]->read_register(reg, hob);
}

void IdeChannel::write_command_block(uint16_t reg, uint8_t value) {
  // A write to any command block register clears HOB (ATA-6 7.8).
  control_ &= static_cast<uint8_t>(~kControlHob);
  if (reg != kRegCommand) {
    for (auto& device : devices_) {
      if (device) device->write_register(reg, value);
    }
    if (reg == kRegDevice) {
      selected_ = (value & kDeviceDev) != 0 ? 1 : 0;
      update_irq();
    }
    return;
  }
  if (value == kCmdExecuteDiagnostic) {
    // Addressed to both devices whatever DEV says; device 0 reports for the pair (ATA-6
    // 8.11). Afterwards the device register holds 00h: device 0 is selected.
    selected_ = 0;
    for (unsigned unit = 0; unit < 2; ++unit) {
      if (devices_[unit]) devices_[unit]->run_diagnostic(unit == 0 || !devices_[0]);
    }
    update_irq();
    return;
  }
  if (IdeDevice* device = devices_[selected_].get()) {
    device->write_command(value);
  } else {
    log_->debug("{}: command {:#04x} to absent device {} ignored", name_, value, selected_);
  }
}

void IdeChannel::write_control(uint8_t value) {
  const uint8_t old = control_;
  control_ = value;
  const bool srst_rose = (value & kControlSrst) != 0 && (old & kControlSrst) == 0;
  const bool srst_fell = (value & kControlSrst) == 0 && (old & kControlSrst) != 0;
  if (srst_rose || srst_fell) {
    for (auto& device : devices_) {
      if (device) device->set_soft_reset(srst_rose);
    }
    // The reset signature's device register is 00h.
    if (srst_fell) selected_ = 0;
  }
  update_irq();
}

uint32_t IdeChannel::io_read(uint16_t port, unsigned size_bytes) {
  if (port == control_port_) {
    const uint8_t value = read_command_block(kRegStatus, false);  // alternate status
    log_->trace("{}: in {:#x} (alternate status) = {:#04x}", name_, port, value);
    return value;
  }
  const uint16_t reg = static_cast<uint16_t>(port - command_port_);
  if (reg == kRegData) {
    IdeDevice* device = devices_[selected_].get();
    return device != nullptr ? device->read_data(size_bytes) : 0xFFFFFFFF;
  }
  const uint8_t value = read_command_block(reg, true);
  log_->trace("{}: in {:#x} = {:#04x}", name_, port, value);
  return value;
}

void IdeChannel::io_write(uint16_t port, unsigned size_bytes, uint32_t value) {
  if (port != command_port_ + kRegData)
    log_->trace("{}: out {:#x} <- {:#04x}", name_, port, value & 0xFF);
  if (port == control_port_) {
    write_control(static_cast<uint8_t>(value));
    return;
  }
  const uint16_t reg = static_cast<uint16_t>(port - command_port_);
  if (reg == kRegData) {
    if (IdeDevice* device = devices_[selected_].get()) device->write_data(size_bytes, value);
    return;
  }
  write_command_block(reg, static_cast<uint8_t>(value));
}

uint8_t IdeChannel::peek(uint16_t port) const {
  if (!devices_[0] && !devices_[1]) return kFloatingBus;
  uint16_t reg = static_cast<uint16_t>(port - command_port_);
  if (port == control_port_) {
    reg = kRegStatus;
  } else if (reg == kRegData || reg >= kCommandRegisters) {
    return kFloatingBus;
  }
  const bool hob = (control_ & kControlHob) != 0;
  if (const IdeDevice* device = devices_[selected_].get())
    return reg == kRegStatus ? device->status() : device->read_register(reg, hob);
  if (reg == kRegStatus) return 0x00;
  return devices_[selected_ ^ 1]->read_register(reg, hob);
}

}  // namespace trapeze
