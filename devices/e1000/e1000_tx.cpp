// The e1000's transmit ring (8254x SDM 3.3-3.4): fetch descriptors TDH..TDT-1, assemble
// packets (e1000_tx_packet.h), write status back, raise TXDW/TXQE.
#include "cpu/log.h"
#include "devices/e1000/e1000.h"
#include "devices/e1000/e1000_registers.h"

namespace trapeze {

using namespace e1000;

void E1000::run_transmit() {
  // Frames the sink answers at once (an ARP reply) may arrive while this runs; a TDT
  // write cannot, so one pass at a time.
  if (transmitting_ || (reg(kTctl) & kTctlEn) == 0 || !bus_master_enabled()) return;
  const uint32_t size = transmit_ring_size();
  if (size == 0) return;
  if (reg(kTdh) >= size || reg(kTdt) >= size) {
    if (!ring_logged_) {
      ring_logged_ = true;
      nic_log_->warn("transmit head {} or tail {} beyond the ring of {}: transmit stalls",
                     reg(kTdh), reg(kTdt), size);
    }
    return;
  }
  transmitting_ = true;
  const uint64_t base = uint64_t{reg(kTdbah)} << 32 | (reg(kTdbal) & ~0xFu);
  uint32_t causes = 0;
  const TxPacket::Emit emit = [this](std::span<const uint8_t> frame) {
    count_transmitted(frame);
    if (transmit_sink_) transmit_sink_(frame);
  };
  while (reg(kTdh) != reg(kTdt)) {
    const uint32_t head = reg(kTdh);
    const uint64_t address = base + uint64_t{head} * kDescriptorBytes;
    TxPacket::Descriptor descriptor{};
    if (!dma_.read(address, descriptor)) {
      // The ring stops at the descriptor it cannot fetch.
      master_abort("transmit descriptor", address);
      break;
    }
    const TxPacket::Outcome outcome = tx_packet_.process(descriptor, dma_, emit);
    if (outcome.master_abort) master_abort("a transmit buffer of the descriptor", address);
    if (outcome.report_status) {
      // DD in the status byte (byte 12, both layouts).
      const uint8_t status = static_cast<uint8_t>(descriptor[12] | kTxStatusDd);
      if (!dma_.write(address + 12, std::span(&status, 1)))
        master_abort("transmit descriptor", address);
      causes |= kIntTxdw;
    }
    reg(kTdh) = (head + 1) % size;
  }
  if (reg(kTdh) == reg(kTdt)) causes |= kIntTxqe;
  transmitting_ = false;
  raise(causes);
}

void E1000::count_transmitted(std::span<const uint8_t> frame) {
  const uint64_t octets = std::max<size_t>(frame.size(), 60) + 4;
  add_statistic(kStatTpt, 1);
  add_statistic(kStatGptc, 1);
  add_statistic64(kStatGotcl, octets);
  add_statistic64(kStatTotl, octets);
  if (frame.size() >= 6 && frame[0] == 0xFF && frame[1] == 0xFF && frame[2] == 0xFF &&
      frame[3] == 0xFF && frame[4] == 0xFF && frame[5] == 0xFF) {
    add_statistic(kStatBptc, 1);
  } else if (frame.size() >= 1 && (frame[0] & 1)) {
    add_statistic(kStatMptc, 1);
  }
}

}  // namespace trapeze
