// The MOO container: a header, then chunks. Tags this reader does not know are skipped by
// their length, so files from a newer generator still load; everything a test needs is
// checked for presence and size.
#include "tests/singlestep/moo_reader.h"

#include <algorithm>
#include <cstdio>

namespace trapeze {

namespace {

MooRegisters parse_regs(ByteReader r) {
  MooRegisters regs;
  regs.present = r.u16("REGS bitmask");
  if (regs.present >> kMooRegCount)
    throw MooError("REGS names an unknown register (bitmask " + std::to_string(regs.present) + ")");
  for (unsigned i = 0; i < kMooRegCount; ++i)
    if ((regs.present >> i) & 1) regs.value[i] = r.u16("REGS value");
  return regs;
}

std::vector<MooRamByte> parse_ram(ByteReader r) {
  uint32_t n = r.u32("RAM count");
  if (n > r.remaining() / 5) throw MooError("RAM chunk holds fewer entries than it declares");
  std::vector<MooRamByte> ram(n);
  for (MooRamByte& b : ram) {
    b.address = r.u32("RAM address");
    b.value = r.u8("RAM value");
  }
  return ram;
}

// INIT and FINA: a state made of sub-chunks.
MooState parse_state(ByteReader r, bool& has_regs) {
  MooState s;
  while (!r.at_end()) {
    std::string tag = r.tag();
    ByteReader payload = r.chunk_payload(tag);
    if (tag == "REGS") {
      s.regs = parse_regs(payload);
      has_regs = true;
    } else if (tag == "RAM ") {
      s.ram = parse_ram(payload);
    }
    // QUEU (prefetch queue, empty in real-mode tests) and unknown tags: skipped.
  }
  return s;
}

std::string length_prefixed_bytes(ByteReader r, const char* what) {
  uint32_t n = r.u32(what);
  auto b = r.take(n, what);
  return std::string(b.begin(), b.end());
}

MooTest parse_test(ByteReader r) {
  MooTest t;
  t.index = r.u32("TEST index");
  bool has_bytes = false, has_init = false, has_final = false, init_regs = false,
       final_regs = false;
  while (!r.at_end()) {
    std::string tag = r.tag();
    ByteReader payload = r.chunk_payload(tag);
    if (tag == "NAME") {
      t.name = length_prefixed_bytes(payload, "NAME text");
    } else if (tag == "BYTS") {
      std::string b = length_prefixed_bytes(payload, "BYTS bytes");
      t.bytes.assign(b.begin(), b.end());
      has_bytes = true;
    } else if (tag == "INIT") {
      t.initial = parse_state(payload, init_regs);
      has_init = true;
    } else if (tag == "FINA") {
      t.final_state = parse_state(payload, final_regs);
      has_final = true;
    } else if (tag == "EXCP") {
      MooException e;
      e.vector = payload.u8("EXCP vector");
      e.flags_address = payload.u32("EXCP address");
      t.exception = e;
    } else if (tag == "HASH") {
      auto h = payload.take(payload.remaining(), "HASH");
      t.hash_hex.clear();
      for (uint8_t b : h) {
        char hex[3];
        std::snprintf(hex, sizeof hex, "%02x", b);
        t.hash_hex += hex;
      }
    }
    // GMET (generator metadata) and unknown tags: skipped.
  }
  if (!has_bytes) throw MooError("no BYTS chunk");
  if (!has_init || !init_regs) throw MooError("no initial registers (INIT/REGS)");
  if (!has_final) throw MooError("no final state (FINA)");
  (void)final_regs;  // a FINA without REGS is legal: no register changed
  return t;
}

}  // namespace

MooFile parse_moo(std::span<const uint8_t> data) {
  ByteReader r(data);
  auto magic = r.take(4, "MOO magic");
  if (std::string(magic.begin(), magic.end()) != "MOO ")
    throw MooError("not a MOO file (bad magic)");
  uint32_t header_len = r.u32("header length");
  ByteReader header(r.take(header_len, "header"), 8);
  MooFile file;
  file.version = header.u8("version");
  if (file.version != 1)
    throw MooError("unsupported MOO version " + std::to_string(file.version) +
                   " (this reader knows 1)");
  header.take(3, "header reserved bytes");
  uint32_t declared = header.u32("test count");
  if (header.remaining() >= 4) {
    auto cpu = header.take(4, "cpu name");
    file.cpu.assign(cpu.begin(), cpu.end());
  }
  // The count comes from the file, so it only bounds the reservation, never trusts it.
  file.tests.reserve(std::min<uint32_t>(declared, 100000));
  while (!r.at_end()) {
    std::string tag = r.tag();
    ByteReader payload = r.chunk_payload(tag);
    if (tag != "TEST") continue;
    try {
      file.tests.push_back(parse_test(payload));
    } catch (const MooError& e) {
      throw MooError("test #" + std::to_string(file.tests.size()) + ": " + e.what());
    }
  }
  // A gzip stream can end cleanly at a chunk boundary of a cut-down file; the header's
  // count catches that.
  if (file.tests.size() != declared)
    throw MooError("header declares " + std::to_string(declared) + " tests, file holds " +
                   std::to_string(file.tests.size()));
  return file;
}

}  // namespace trapeze
