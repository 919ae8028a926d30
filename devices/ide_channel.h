// One IDE (ATA) channel: the cable with its master and slave, the legacy command block
// (8 ports) and control port, and the channel's interrupt line (T13 ATA/ATAPI-6, 1410D).
//
// What the cable does. Register writes reach both devices (each latches its own task
// file); reads, the command register and the data port belong to the device selected by
// the DEV bit of the device register. The device control register (nIEN, SRST, HOB) is
// shared. When the selected device is absent and the other one present, the present
// device answers for it (ATA-6 9.16.1): status and alternate status read 00h, the other
// registers read the present device's latches, commands are ignored; this is what
// SeaBIOS's and Linux's probes see on a channel with a master and no slave. A channel
// with no device at all reads FFh everywhere: nothing drives the bus, which SeaBIOS calls
// "floating" and Linux "no device", so neither waits on a BSY bit.
//
// Wiring (done by the owner, the PIIX3 IDE function):
//   - ports: command block at command_port..+7 (the data port at +0 takes 16- and 32-bit
//     accesses; the PIIX3 splits a 32-bit access into two 16-bit ATA cycles) and the
//     control port (0x3F6 / 0x376). 0x3F7 / 0x377 are not ours (the floppy's DIR).
//   - irq(): the INTRQ of the selected device, gated by nIEN, to ISA IRQ 14 / 15
//     (edge-triggered at the 8259 in legacy mode).
//   - set_bus_master(): the PIIX3's bus master for this channel, which hears DMA requests
//     and rising edges of the interrupt.
//   - two scheduler event types, "<name>-0" and "<name>-1", one per position.
#pragma once

#include <spdlog/logger.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "devices/ide_device.h"
#include "devices/io_bus.h"
#include "devices/irq_line.h"
#include "devices/scheduler.h"

namespace trapeze {

// The host adapter's bus master for one channel, as the channel sees it.
class IdeBusMaster {
 public:
  virtual ~IdeBusMaster() = default;
  // A device asserted DMARQ.
  virtual void dma_requested() = 0;
  // The channel's interrupt line rose (the PIIX3 latches this in its status register).
  virtual void interrupt_raised() = 0;
};

class IdeChannel : public IoHandler {
 public:
  static constexpr uint16_t kPrimaryCommandPort = 0x1F0;
  static constexpr uint16_t kPrimaryControlPort = 0x3F6;
  static constexpr uint16_t kSecondaryCommandPort = 0x170;
  static constexpr uint16_t kSecondaryControlPort = 0x376;
  static constexpr unsigned kMaster = 0;
  static constexpr unsigned kSlave = 1;

  // `index` is 0 for the primary channel, 1 for the secondary (names, serial numbers).
  // Maps the channel's ports on `bus` and registers its event types on `scheduler`; both
  // must outlive the channel.
  IdeChannel(IoBus& bus, Scheduler& scheduler, unsigned index, uint16_t command_port,
             uint16_t control_port);
  IdeChannel(const IdeChannel&) = delete;
  IdeChannel& operator=(const IdeChannel&) = delete;
  ~IdeChannel() override;

  // Puts `device` at `unit` (kMaster or kSlave), replacing what was there.
  void attach(unsigned unit, std::unique_ptr<IdeDevice> device);
  std::unique_ptr<IdeDevice> detach(unsigned unit);
  IdeDevice* device(unsigned unit) { return devices_[unit & 1].get(); }
  const IdeDevice* device(unsigned unit) const { return devices_[unit & 1].get(); }
  bool present(unsigned unit) const { return devices_[unit & 1] != nullptr; }

  IrqLine& irq() { return irq_; }
  void set_bus_master(IdeBusMaster* bus_master) { bus_master_ = bus_master; }
  unsigned index() const { return index_; }
  const std::string& name() const { return name_; }

  // RESET- on the cable (power-on, PCI reset): both devices reset at once, nIEN and SRST
  // cleared, device 0 selected.
  void reset();

  unsigned selected_unit() const { return selected_; }
  // The device the DEV bit selects, or nullptr when it is absent.
  IdeDevice* selected() { return devices_[selected_].get(); }
  uint8_t device_control() const { return control_; }

  // What a read of `port` would return, without acknowledging interrupts or moving data.
  uint8_t peek(uint16_t port) const;

  // IoHandler.
  uint32_t io_read(uint16_t port, unsigned size_bytes) override;
  void io_write(uint16_t port, unsigned size_bytes, uint32_t value) override;

  // ---- For the devices. ----
  EventId schedule(unsigned unit, uint64_t delay_ns, uint64_t step);
  void cancel(EventId id) { scheduler_.cancel(id); }
  uint64_t now_ns() const { return scheduler_.now_ns(); }
  // A device's INTRQ or the selection changed.
  void update_irq();
  // A device asserted DMARQ.
  void dma_requested();

 private:
  uint8_t read_command_block(uint16_t reg, bool acknowledge);
  void write_command_block(uint16_t reg, uint8_t value);
  void write_control(uint8_t value);

  Scheduler& scheduler_;
  unsigned index_;
  std::string name_;
  uint16_t command_port_;
  uint16_t control_port_;
  std::array<std::unique_ptr<IdeDevice>, 2> devices_;
  std::array<EventType, 2> event_types_;
  IrqLine irq_;
  IdeBusMaster* bus_master_ = nullptr;
  unsigned selected_ = 0;
  uint8_t control_ = 0;  // device control register as last written
  std::shared_ptr<spdlog::logger> log_;
  IoRegistration data_registration_;
  IoRegistration registers_registration_;
  IoRegistration control_registration_;
};

}  // namespace trapeze
