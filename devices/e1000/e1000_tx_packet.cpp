#include "devices/e1000/e1000_tx_packet.h"

#include <algorithm>

#include "devices/e1000/e1000_registers.h"
#include "devices/e1000/net_checksum.h"

namespace trapeze::e1000 {

namespace {
uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
uint32_t get32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}
uint64_t get64(const uint8_t* p) { return get32(p) | uint64_t{get32(p + 4)} << 32; }
uint16_t get_be16(std::span<const uint8_t> f, size_t at) {
  return static_cast<uint16_t>(f[at] << 8 | f[at + 1]);
}
void put_be16(std::span<uint8_t> f, size_t at, uint32_t v) {
  if (at + 2 > f.size()) return;
  f[at] = static_cast<uint8_t>(v >> 8);
  f[at + 1] = static_cast<uint8_t>(v);
}
void put_be32(std::span<uint8_t> f, size_t at, uint32_t v) {
  if (at + 4 > f.size()) return;
  put_be16(f, at, v >> 16);
  put_be16(f, at + 2, v & 0xFFFF);
}
constexpr uint8_t kTcpFin = 0x01;
constexpr uint8_t kTcpPsh = 0x08;
constexpr size_t kIpv6HeaderBytes = 40;
}  // namespace

void insert_checksum(std::span<uint8_t> frame, size_t start, size_t offset, size_t end,
                     uint32_t extra) {
  const size_t stop = end == 0 ? frame.size() : std::min(end + 1, frame.size());
  if (start >= stop || offset + 2 > frame.size()) return;
  put_be16(frame, offset,
           net::fold_checksum(net::checksum_add(frame.subspan(start, stop - start), extra)));
}

TxPacket::Outcome TxPacket::process(const Descriptor& d, Dma& dma, const Emit& emit) {
  const uint32_t cmd_type_len = get32(&d[8]);
  const uint8_t cmd = static_cast<uint8_t>(cmd_type_len >> 24);
  Outcome outcome;
  outcome.report_status = (cmd & kTxCmdRs) != 0;
  if ((cmd & kTxCmdDext) == 0) {
    // Legacy: length 15:0, CSO 23:16, CMD 31:24; CSS in byte 13.
    if (!in_packet_) {
      legacy_ = true;
      legacy_cso_ = d[10];
      legacy_css_ = d[13];
      legacy_checksum_ = (cmd & 0x04) != 0;  // IC
    }
    if (!append(get64(&d[0]), cmd_type_len & 0xFFFF, dma)) outcome.master_abort = true;
    if (cmd & kTxCmdEop) finish(emit);
    return outcome;
  }
  const uint8_t dtyp = (cmd_type_len >> 20) & 0xF;
  if (dtyp == kTxDtypContext) {
    context_.ipcss = d[0];
    context_.ipcso = d[1];
    context_.ipcse = get16(&d[2]);
    context_.tucss = d[4];
    context_.tucso = d[5];
    context_.tucse = get16(&d[6]);
    context_.paylen = cmd_type_len & 0xFFFFF;
    context_.tucmd = cmd;
    context_.hdrlen = d[13];
    context_.mss = get16(&d[14]);
    return outcome;
  }
  if (dtyp != kTxDtypData) {
    // A reserved type: the chip's behaviour is undefined; skip it.
    return outcome;
  }
  if (!in_packet_) {
    legacy_ = false;
    popts_ = d[13];
    tse_ = (cmd & kTxCmdTse) != 0;
  }
  if (!append(get64(&d[0]), cmd_type_len & 0xFFFFF, dma)) outcome.master_abort = true;
  if (cmd & kTxCmdEop) finish(emit);
  return outcome;
}

bool TxPacket::append(uint64_t address, uint32_t length, Dma& dma) {
  in_packet_ = true;
  if (failed_) return true;
  const size_t limit = (!legacy_ && tse_) ? kMaxTsoBytes : kMaxFrameBytes;
  if (data_.size() + length > limit) {
    failed_ = true;
    return true;
  }
  const size_t at = data_.size();
  data_.resize(at + length);
  if (!dma.read(address, std::span(data_).subspan(at, length))) {
    failed_ = true;
    return false;
  }
  return true;
}

void TxPacket::finish(const Emit& emit) {
  if (failed_ || data_.empty()) {
    ++dropped_;
  } else if (legacy_) {
    if (legacy_checksum_) insert_checksum(data_, legacy_css_, legacy_cso_, 0);
    emit(data_);
  } else if (tse_ && context_.mss != 0 && context_.hdrlen < data_.size()) {
    segment(emit);
  } else {
    if (popts_ & kPoptsIxsm) {
      insert_checksum(data_, context_.ipcss, context_.ipcso, context_.ipcse);
    }
    if (popts_ & kPoptsTxsm) {
      insert_checksum(data_, context_.tucss, context_.tucso, context_.tucse);
    }
    emit(data_);
  }
  clear_packet();
}

void TxPacket::segment(const Emit& emit) {
  const Context& c = context_;
  const std::span<const uint8_t> header(data_.data(), c.hdrlen);
  const bool ipv4 = (c.tucmd & kTuCmdIp) != 0;
  const bool tcp = (c.tucmd & kTuCmdTcp) != 0;
  const size_t payload_bytes = data_.size() - c.hdrlen;
  std::vector<uint8_t> frame;
  uint32_t sequence = 0;
  if (tcp && c.tucss + 8u <= c.hdrlen) {
    sequence = uint32_t{get_be16(header, c.tucss + 4)} << 16 | get_be16(header, c.tucss + 6);
  }
  const uint16_t ip_id = ipv4 && c.ipcss + 6u <= c.hdrlen ? get_be16(header, c.ipcss + 4) : 0;
  unsigned index = 0;
  for (size_t sent = 0; sent < payload_bytes; sent += c.mss, ++index) {
    const size_t n = std::min<size_t>(c.mss, payload_bytes - sent);
    const bool last = sent + n == payload_bytes;
    frame.assign(header.begin(), header.end());
    frame.insert(frame.end(), data_.begin() + c.hdrlen + static_cast<ptrdiff_t>(sent),
                 data_.begin() + c.hdrlen + static_cast<ptrdiff_t>(sent + n));
    std::span<uint8_t> f(frame);
    if (ipv4) {
      put_be16(f, c.ipcss + 2u, static_cast<uint32_t>(frame.size() - c.ipcss));
      put_be16(f, c.ipcss + 4u, static_cast<uint16_t>(ip_id + index));
    } else {
      put_be16(f, c.ipcss + 4u, static_cast<uint32_t>(frame.size() - c.ipcss - kIpv6HeaderBytes));
    }
    const uint32_t l4_bytes = static_cast<uint32_t>(frame.size() - c.tucss);
    if (tcp) {
      put_be32(f, c.tucss + 4u, sequence + static_cast<uint32_t>(sent));
      if (!last && c.tucss + 13u < frame.size()) {
        frame[c.tucss + 13u] &= static_cast<uint8_t>(~(kTcpFin | kTcpPsh));
      }
    } else {
      put_be16(f, c.tucss + 4u, l4_bytes);
    }
    if (popts_ & kPoptsIxsm) {
      put_be16(f, c.ipcso, 0);
      insert_checksum(f, c.ipcss, c.ipcso, c.ipcse);
    }
    // The seed in the header is the pseudo-header sum without the length (3.5.2.2.3).
    if (popts_ & kPoptsTxsm) insert_checksum(f, c.tucss, c.tucso, 0, l4_bytes);
    emit(frame);
  }
}

void TxPacket::clear_packet() {
  data_.clear();
  in_packet_ = false;
  failed_ = false;
  tse_ = false;
  popts_ = 0;
  legacy_ = false;
  legacy_checksum_ = false;
}

}  // namespace trapeze::e1000
