// trapeze-sse-diff: every MMX, SSE and SSE2 instruction form of the opcode table run on
// the host CPU and on trapeze with the same starting state, comparing the whole result:
// MXCSR (flags included), the x87 control/status words and abridged tags (MMX
// instructions set TOP to 0 and tag everything valid), the eight MMX/x87 registers, the
// eight XMM registers, the memory operand, EFLAGS, EAX and the exception taken (#XM for
// unmasked SIMD exceptions, caught on the host as SIGFPE).
//
// Forms are the rows with P/Q/N/V/W/U operands, each in its register form and its memory
// form. RCPPS/RSQRTPS/RCPSS/RSQRTSS are approximations whose exact bits differ between
// processor generations (Intel documents |relative error| <= 1.5 * 2^-12): their result
// lanes are compared within that bound from both sides, everything else exactly.
// Not run: MASKMOVQ/MASKMOVDQU (they store through EDI, which on the host points
// at the runner's own data); the unit tests check them.
//
// Usage: trapeze-sse-diff [cases-per-form] [mnemonic-filter|""] [seed]. Exits 77 (skipped)
// on hosts other than x86-64 Linux.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "cpu/decoder.h"
#include "cpu/opcode_table.h"
#include "tests/sse/emulated_sse.h"
#include "tests/sse/host_sse.h"
#include "tests/sse/sse_operands.h"

using namespace trapeze;
using namespace trapeze::ssetest;

namespace {

struct EncodedForm {
  const OpcodeRow* row;
  std::vector<uint8_t> bytes;  // imm8 (if any) last, replaced per case
  bool imm = false;
  bool approximate = false;
  std::string name;
};

bool has_any(std::string_view s, std::string_view letters) {
  for (std::string_view::size_type at = 0; at < s.size(); ++at)
    if ((at == 0 || s[at - 1] == ',') && letters.find(s[at]) != std::string_view::npos) return true;
  return false;
}

std::vector<EncodedForm> forms(std::string_view filter) {
  std::vector<EncodedForm> out;
  for (const OpcodeRow& row : opcode_rows()) {
    const std::string_view m = row.mnemonic, ops = row.operands;
    const bool simd = has_any(ops, "PQNVWU") || m == "emms";
    if (!simd || m == "maskmovq" || m == "maskmovdqu") continue;
    if (!filter.empty() && filter != m) continue;
    const uint16_t map = row.opcode & 0xF00;
    std::vector<uint8_t> prefix;
    if (map == kMap0F66) prefix = {0x66};
    if (map == kMap0FF3) prefix = {0xF3};
    if (map == kMap0FF2) prefix = {0xF2};
    const bool modrm = !ops.empty();
    const bool mem_only = has_any(ops, "M"), reg_only = has_any(ops, "NUR");
    const int reg = row.reg >= 0 ? row.reg : 0;
    for (int mem = 0; mem < 2; ++mem) {
      if ((mem && (reg_only || !modrm)) || (!mem && mem_only)) continue;
      EncodedForm f;
      f.row = &row;
      f.bytes = prefix;
      f.bytes.push_back(0x0F);
      f.bytes.push_back(static_cast<uint8_t>(row.opcode));
      const int rm = has_any(ops, "E") ? 0 : 1;  // EAX, or MM1/XMM1
      if (modrm)
        f.bytes.push_back(static_cast<uint8_t>(mem ? (reg << 3) | 2 : 0xC0 | (reg << 3) | rm));
      f.imm = ops.find("Ib") != std::string_view::npos;
      if (f.imm) f.bytes.push_back(0);
      f.approximate = m.substr(0, 3) == "rcp" || m.substr(0, 5) == "rsqrt";
      Insn insn;
      if (decode(f.bytes.data(), f.bytes.size(), 32, insn) != DecodeStatus::kOk) {
        std::printf("  (cannot decode %s)\n", row.mnemonic);
        continue;
      }
      char name[96];
      std::snprintf(name, sizeof name, "%-10s %-12s %s", row.mnemonic, row.operands,
                    mem ? "mem" : "reg");
      f.name = name;
      out.push_back(f);
    }
  }
  return out;
}

// One approximated single: equal specials, or finite values of one sign within
// 3 * 2^-12 relative (each side within 1.5 * 2^-12 of the true value).
bool close_single(uint32_t h, uint32_t e) {
  if (h == e) return true;
  if ((h ^ e) >> 31) return false;
  const bool h_finite_nonzero = (h & 0x7F800000) != 0x7F800000 && (h & 0x7FFFFFFF) != 0;
  const bool e_finite_nonzero = (e & 0x7F800000) != 0x7F800000 && (e & 0x7FFFFFFF) != 0;
  if (!h_finite_nonzero || !e_finite_nonzero) return false;
  const int64_t d = int64_t{h & 0x7FFFFFFF} - int64_t{e & 0x7FFFFFFF};
  return (d < 0 ? -d : d) <= 6144;  // 3 * 2^-12 of a significand of 2^23 units
}

bool same(const RunResult& h, const RunResult& e, bool approximate) {
  if (h.fault != e.fault) return false;
  const auto& hb = h.image.bytes;
  const auto& eb = e.image.bytes;
  if (std::memcmp(hb.data(), eb.data(), 5) != 0) return false;            // FCW, FSW, abridged tags
  if (std::memcmp(hb.data() + 24, eb.data() + 24, 4) != 0) return false;  // MXCSR
  for (unsigned n = 0; n < 8; ++n)
    if (std::memcmp(h.image.st(n), e.image.st(n), 10) != 0) return false;
  for (unsigned n = 0; n < 8; ++n) {
    if (approximate && n == 0) {
      for (unsigned l = 0; l < 4; ++l)
        if (!close_single(h.image.get<uint32_t>(160 + 4 * l), e.image.get<uint32_t>(160 + 4 * l)))
          return false;
      continue;
    }
    if (std::memcmp(h.image.xmm(n), e.image.xmm(n), 16) != 0) return false;
  }
  constexpr uint32_t kArith = 0x8D5;
  return h.memory == e.memory && (h.eflags & kArith) == (e.eflags & kArith) && h.eax == e.eax;
}

void print_xmm(const char* label, const FxImage& img, unsigned n) {
  std::printf(" %s=", label);
  for (int b = 15; b >= 0; --b) std::printf("%02X%s", img.xmm(n)[b], b == 8 ? "_" : "");
}

void report(const EncodedForm& f, const std::vector<uint8_t>& bytes, const RunInput& in,
            const RunResult& h, const RunResult& e) {
  std::printf("  MISMATCH %s [", f.name.c_str());
  for (uint8_t b : bytes) std::printf(" %02X", b);
  std::printf(" ]\n    in : mxcsr=%08X", in.image.mxcsr());
  print_xmm("x0", in.image, 0);
  print_xmm("x1", in.image, 1);
  std::printf(" mem=");
  for (int b = 15; b >= 0; --b) std::printf("%02X", in.memory[b]);
  std::printf(" eax=%08X mm0=%016llX mm1=%016llX\n", in.eax,
              static_cast<unsigned long long>(in.image.get<uint64_t>(32)),
              static_cast<unsigned long long>(in.image.get<uint64_t>(48)));
  for (const RunResult* r : {&h, &e}) {
    std::printf("    %s: mxcsr=%08X", r == &h ? "hw " : "emu", r->image.mxcsr());
    print_xmm("x0", r->image, 0);
    std::printf(" mem=");
    for (int b = 15; b >= 0; --b) std::printf("%02X", r->memory[b]);
    std::printf(" eax=%08X fl=%03X fsw=%04X tag=%02X mm0=%016llX:%04X fault=%d\n", r->eax,
                r->eflags & 0x8D5, r->image.get<uint16_t>(2), r->image.bytes[4],
                static_cast<unsigned long long>(r->image.get<uint64_t>(32)),
                r->image.get<uint16_t>(40), r->fault);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (!HostSse::available()) {
    std::printf("trapeze-sse-diff: skipped, needs an x86-64 Linux host to compare against\n");
    return 77;
  }
  const unsigned per_form = argc > 1 ? static_cast<unsigned>(std::atoi(argv[1])) : 10000;
  const std::string_view filter = argc > 2 ? argv[2] : "";
  HostSse host;
  EmulatedSse emu;
  OperandGenerator gen(argc > 3 ? std::strtoull(argv[3], nullptr, 0) : 0x55E2);
  uint64_t total = 0, differ = 0;
  unsigned forms_bad = 0;
  const std::vector<EncodedForm> all = forms(filter);
  for (const EncodedForm& f : all) {
    std::vector<uint8_t> bytes = f.bytes;
    host.load(bytes);
    emu.load(bytes);
    unsigned bad = 0, shown = 0;
    for (unsigned k = 0; k < per_form; ++k) {
      if (f.imm) {
        // Immediates: any byte, but shift counts mostly in the interesting range.
        bytes.back() = f.row->reg >= 0 && gen.byte() & 1 ? gen.byte() % 72 : gen.byte();
        host.load(bytes);
        emu.load(bytes);
      }
      const RunInput in = gen.next();
      const RunResult h = host.run(in);
      const RunResult e = emu.run(in);
      if (!same(h, e, f.approximate)) {
        ++bad;
        if (shown++ < 3) report(f, bytes, in, h, e);
      }
    }
    total += per_form;
    differ += bad;
    if (bad) ++forms_bad;
    std::printf("%-40s %u cases, %u differ\n", f.name.c_str(), per_form, bad);
  }
  std::printf("trapeze-sse-diff: %zu forms, %llu cases, %llu differed (%u forms)\n", all.size(),
              static_cast<unsigned long long>(total), static_cast<unsigned long long>(differ),
              forms_bad);
  return differ == 0 ? 0 : 1;
}
