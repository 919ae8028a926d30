// The e1000's transmit packet assembly (8254x SDM 3.3): descriptors in, Ethernet frames
// out. Three descriptor kinds:
//  - legacy (3.3.3): a buffer, with an optional checksum inserted at CSO over CSS..end;
//  - context (3.3.6): the offload parameters for the packets that follow (where the IP
//    and TCP/UDP headers start, where their checksums go, and for TCP segmentation the
//    header length, MSS and payload length);
//  - data (3.3.7): a buffer, with POPTS asking for the IP and/or TCP/UDP checksum, and
//    TSE for TCP segmentation (3.5): the payload after the HDRLEN header bytes is cut
//    into MSS-sized segments, each sent with a copy of the header whose IP length and
//    ID, TCP sequence number and flags (FIN/PSH on the last only) and checksums are
//    fixed up; the driver seeds the TCP checksum with the pseudo-header sum without the
//    length, which each segment adds.
// Buffers are read when their descriptor is processed; the frame goes out at EOP.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "devices/e1000/e1000_dma.h"

namespace trapeze::e1000 {

class TxPacket {
 public:
  using Emit = std::function<void(std::span<const uint8_t>)>;
  using Descriptor = std::array<uint8_t, 16>;

  // What became of one descriptor.
  struct Outcome {
    bool report_status = false;  // RS: write DD back
    bool master_abort = false;   // its buffer was not in RAM: the packet is dropped
  };

  // Largest packet the chip assembles (its 16 KiB transmit FIFO less headroom) and, with
  // TSE, the largest segmentation payload (PAYLEN is 20 bits; drivers stay below 64 KiB).
  static constexpr size_t kMaxFrameBytes = 16288;
  static constexpr size_t kMaxTsoBytes = 256 * 1024;

  Outcome process(const Descriptor& descriptor, Dma& dma, const Emit& emit);
  // TCTL.EN cleared, or a reset: a packet in assembly is dropped, the context kept.
  void abandon() { clear_packet(); }
  // Packets lost to oversize or master aborts since construction (for the log and tests).
  uint64_t dropped() const { return dropped_; }

 private:
  struct Context {
    uint8_t ipcss = 0, ipcso = 0;
    uint16_t ipcse = 0;
    uint8_t tucss = 0, tucso = 0;
    uint16_t tucse = 0;
    uint32_t paylen = 0;
    uint8_t tucmd = 0;
    uint8_t hdrlen = 0;
    uint16_t mss = 0;
  };

  bool append(uint64_t address, uint32_t length, Dma& dma);
  void finish(const Emit& emit);
  void segment(const Emit& emit);
  void clear_packet();

  Context context_;
  std::vector<uint8_t> data_;
  bool in_packet_ = false;
  bool failed_ = false;  // a buffer of this packet was lost: drop it at EOP
  // Offloads of the packet in assembly, from its first descriptor.
  bool legacy_ = false;
  uint8_t legacy_css_ = 0, legacy_cso_ = 0;
  bool legacy_checksum_ = false;
  uint8_t popts_ = 0;
  bool tse_ = false;
  uint64_t dropped_ = 0;
};

// Inserts the Internet checksum of frame[start, end) at `offset` (end 0: the frame's
// end), after adding `extra` to the sum; out-of-frame offsets do nothing, as the chip
// would write past the packet.
void insert_checksum(std::span<uint8_t> frame, size_t start, size_t offset, size_t end,
                     uint32_t extra = 0);

}  // namespace trapeze::e1000
