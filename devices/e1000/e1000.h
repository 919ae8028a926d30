// The Intel 82540EM Gigabit Ethernet controller (8086:100E), QEMU's default NIC on the
// pc machine, at PCI 00:03.0: the card every common guest has a stock driver for (Linux
// e1000, Windows, the BSDs, iPXE). 8254x SDM (317453) chapters 3, 5, 8 and 13.
//
// Wiring (the board):
//  - PCI: BAR0 128 KiB of memory-mapped registers, BAR1 8 I/O ports (IOADDR at +0
//    selects a register, IODATA at +4 accesses it, 13.2), INTA#:
//    intx().connect(piix3.pci_interrupt(Piix3::pirq_for(3, 1))).
//  - Memory: `memory` (the machine's DmaMemory) for descriptor and buffer DMA; only RAM
//    answers (e1000_dma.h), and DMA waits while the command register's bus-master bit
//    is clear.
//  - Scheduler: event type "e1000-itr" (interrupt throttling).
//  - Network: set_transmit_sink() for the frames the guest sends; receive() for frames
//    from the wire (NetworkCard).
//
// Behaviour:
//  - EEPROM (e1000_eeprom.h) with the MAC address, PHY on MDIC (e1000_phy.h): link up at
//    1000 Mb/s full duplex; STATUS says the same.
//  - Interrupts (13.4.17-21): ICR latches causes and clears when read, ICS sets causes,
//    IMS/IMC enable and disable them; INTA# is asserted while ICR & IMS is non-zero. ITR
//    (13.4.18) throttles: a new assertion waits until ITR x 256 ns after the previous
//    one. The receive and transmit delay timers (RDTR, RADV, TIDV, TADV) are accepted
//    and ignored: causes are raised at once (what their zero values mean).
//  - Receive (3.2): a frame passes the filter (exact RAL/RAH matches, the MTA hash for
//    multicast, broadcast with BAM, UPE/MPE promiscuity; over 1522 bytes only with LPE),
//    then waits in the 48 KiB receive FIFO until the ring has enough descriptors
//    (RDH..RDT-1), which it fills buffer by buffer (RCTL.BSIZE/BSEX), with the FCS
//    appended unless RCTL.SECRC, padded to 64 bytes as on the wire. A frame that does
//    not fit in the FIFO is missed (MPC, RNBC, ICR.RXO).
//  - Transmit (3.3): on a TDT write, descriptors TDH..TDT-1 are processed (legacy,
//    context, data with checksum offload and TCP segmentation: e1000_tx_packet.h), DD
//    written back for RS, TXDW and TXQE raised.
//  - Master aborts: a descriptor fetch outside RAM stops that ring where it is (TDH or
//    RDH does not move) and sets the PCI status bit "received master abort"; a transmit
//    buffer outside RAM drops the packet, a receive buffer outside RAM loses the frame,
//    its descriptor still completing. Nothing outside RAM is ever read or written.
//  - Statistics (13.7): the counters the driver reads, cleared on read.
#pragma once

#include <spdlog/logger.h>

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <vector>

#include "devices/e1000/e1000_dma.h"
#include "devices/e1000/e1000_eeprom.h"
#include "devices/e1000/e1000_phy.h"
#include "devices/e1000/e1000_registers.h"
#include "devices/e1000/e1000_tx_packet.h"
#include "devices/io_bus.h"
#include "devices/network_card.h"
#include "devices/pci_device.h"
#include "devices/scheduler.h"
#include "mmu/address_map.h"

namespace trapeze {

class E1000 final : public PciDevice, public MmioHandler, public IoHandler, public NetworkCard {
 public:
  static constexpr PciAddress kDefaultAddress{3, 0};
  static constexpr uint16_t kVendorId = 0x8086;
  static constexpr uint16_t kDeviceId = 0x100E;
  // The 82540EM's receive packet buffer (PBA reset value 0x30: 48 KiB of 64).
  static constexpr size_t kReceiveFifoBytes = 48 * 1024;

  // `boot_rom`: the expansion ROM's image (bios/nic_boot_rom.h), or empty for none.
  E1000(PciBus& pci, AddressMap& mmio_space, IoBus& io, Scheduler& scheduler,
        PhysicalMemory& dma_memory, std::vector<uint8_t> boot_rom = {},
        MacAddress mac = kDefaultMacAddress, PciAddress address = kDefaultAddress);
  E1000(const E1000&) = delete;
  E1000& operator=(const E1000&) = delete;
  ~E1000() override;

  // PCI RST#: configuration space and the whole card (CTRL.RST resets the card only).
  void reset();

  // NetworkCard.
  void set_transmit_sink(FrameSink sink) override { transmit_sink_ = std::move(sink); }
  bool receive(std::span<const uint8_t> frame) override;
  MacAddress mac_address() const override { return mac_; }

  // Register `offset` as a read would return it, without clearing anything.
  uint32_t peek_register(uint32_t offset) const;
  bool interrupt_asserted() const { return irq_asserted_; }
  const e1000::Eeprom& eeprom() const { return eeprom_; }
  size_t receive_fifo_frames() const { return rx_fifo_.size(); }

  // MmioHandler (BAR0).
  uint64_t read(uint64_t offset, unsigned size_bytes) override;
  void write(uint64_t offset, unsigned size_bytes, uint64_t value) override;
  // IoHandler (BAR1).
  uint32_t io_read(uint16_t port, unsigned size_bytes) override;
  void io_write(uint16_t port, unsigned size_bytes, uint32_t value) override;

 private:
  void reset_card();
  void config_written(uint8_t offset, unsigned size_bytes) override;
  uint32_t read_register(uint32_t offset);
  void write_register(uint32_t offset, uint32_t value);
  uint32_t& reg(uint32_t offset) { return registers_[(offset & (e1000::kMmioBytes - 1)) / 4]; }
  uint32_t reg(uint32_t offset) const { return registers_[(offset & (e1000::kMmioBytes - 1)) / 4]; }
  void write_mdic(uint32_t value);

  // Interrupts.
  void raise(uint32_t causes);
  void update_interrupt();
  void throttle_expired();

  // Receive (e1000_rx.cpp).
  bool accepts(std::span<const uint8_t> frame) const;
  bool multicast_hash_hit(std::span<const uint8_t> destination) const;
  uint32_t receive_buffer_bytes() const;
  uint32_t receive_ring_size() const { return reg(e1000::kRdlen) / e1000::kDescriptorBytes; }
  uint32_t free_receive_descriptors() const;
  // Moves frames from the FIFO into the ring while descriptors last.
  void drain_receive_fifo();
  // Writes one frame into the ring; false when a descriptor fetch failed (master abort).
  bool deliver(const std::vector<uint8_t>& frame);
  void count_received(std::span<const uint8_t> frame);

  // Transmit (e1000_tx.cpp).
  uint32_t transmit_ring_size() const { return reg(e1000::kTdlen) / e1000::kDescriptorBytes; }
  void run_transmit();
  void count_transmitted(std::span<const uint8_t> frame);

  bool bus_master_enabled() const { return (command() & pci::kCommandMaster) != 0; }
  void master_abort(const char* what, uint64_t address);
  void add_statistic(uint32_t offset, uint64_t amount);
  void add_statistic64(uint32_t offset_low, uint64_t amount);

  Scheduler& scheduler_;
  e1000::Dma dma_;
  MacAddress mac_;
  e1000::Eeprom eeprom_;
  e1000::Phy phy_;
  e1000::TxPacket tx_packet_;
  std::shared_ptr<spdlog::logger> nic_log_;
  std::vector<uint32_t> registers_;
  uint32_t io_address_ = 0;  // IOADDR
  uint32_t eecd_ = 0;        // the pins software drives
  FrameSink transmit_sink_;
  std::deque<std::vector<uint8_t>> rx_fifo_;
  size_t rx_fifo_bytes_ = 0;
  bool transmitting_ = false;
  // Interrupt throttling.
  EventType throttle_event_type_;
  EventId throttle_event_;
  bool irq_asserted_ = false;
  uint64_t next_assert_ns_ = 0;
  bool abort_logged_ = false;
  bool ring_logged_ = false;
};

}  // namespace trapeze
