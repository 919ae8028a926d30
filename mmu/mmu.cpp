#include "mmu/mmu.h"

#include "cpu/cpu_exception.h"

namespace trapeze {

namespace {

// Page-table entry bits (SDM vol. 3, 4.3 and 4.4).
constexpr uint64_t kPresent = 1u << 0;
constexpr uint64_t kWritable = 1u << 1;
constexpr uint64_t kUser = 1u << 2;
constexpr uint64_t kAccessed = 1u << 5;
constexpr uint64_t kDirty = 1u << 6;
constexpr uint64_t kLargePage = 1u << 7;
constexpr uint64_t kGlobal = 1u << 8;
constexpr uint64_t kNoExecute = uint64_t{1} << 63;

// #PF error code bits.
constexpr uint32_t kErrProtection = 1u << 0;
constexpr uint32_t kErrWrite = 1u << 1;
constexpr uint32_t kErrUser = 1u << 2;
constexpr uint32_t kErrReserved = 1u << 3;
constexpr uint32_t kErrFetch = 1u << 4;

// The physical address width trapeze reports (P6 with PAE: 36 bits). Entry bits above
// it are reserved.
constexpr uint64_t kPhysicalMask = (uint64_t{1} << 36) - 1;
constexpr uint64_t kPaeAddressMask = kPhysicalMask & ~uint64_t{0xFFF};
// Reserved bits of PAE entries, besides the address bits above 36 and NX without NXE.
constexpr uint64_t kPdpteReserved = 0x1E6;        // bits 1, 2, 5-8
constexpr uint64_t kPaeLargeReserved = 0x1FE000;  // bits 13-20 of a 2 MiB PDE
constexpr uint64_t kPseLargeReserved = 0x3FE000;  // bits 13-21 of a 4 MiB PDE (no PSE-36)

}  // namespace

void Mmu::new_generation() {
  generation_ += kGenerationUnit;
  if (generation_ >= kObservedTag) {
    // 2^31 flushes later the generation would reach the observation bit: clear for real.
    for (Entry& e : tlb_) e = Entry{{}, nullptr, 0};
    global_.fill(false);
    generation_ = kGenerationUnit;
  }
  write_page_.fill(0);
}

void Mmu::flush() {
  new_generation();
  globals_.clear();
  raise_attention();
}

void Mmu::drop_writes_where(uint64_t base, uint64_t size_bytes) {
  const uint64_t first = (base >> 12) + 1;
  const uint64_t pages = (size_bytes + kPageMask) >> 12;
  for (unsigned i = 0; i < kEntries; ++i) {
    if (write_page_[i] - first >= pages) continue;  // 0 (no write access) wraps: skipped
    Entry& e = tlb_[i];
    e.tag[kind(Access::kWrite, false)] = e.tag[kind(Access::kWrite, true)] = 0;
    write_page_[i] = 0;
  }
}

void Mmu::drop_write_access(uint64_t base, uint64_t size_bytes) {
  drop_writes_where(base, size_bytes);
}

void Mmu::invalidate_page(uint64_t linear) {
  raise_attention();
  Entry& e = tlb_[index(linear)];
  for (uint64_t& t : e.tag)
    if ((t & ~kObservedTag) == tag(linear)) t = 0;
}

void Mmu::set_paging(const PagingMode& mode) {
  paging_ = mode;
  flush();
}

void Mmu::load_cr3(uint64_t cr3) {
  paging_.cr3 = cr3;
  if (!paging_.pge) {
    flush();
    return;
  }
  // Global translations survive: their entries move into the new generation.
  const uint64_t old = generation_;
  new_generation();
  std::vector<uint16_t> kept;
  kept.reserve(globals_.size());
  for (const uint16_t i : globals_) {
    Entry& e = tlb_[i];
    if (!global_[i]) continue;
    bool any = false;
    for (uint64_t& t : e.tag) {
      if (t != 0 && (t & ~uint64_t{0xFFFFFFFF}) == old) {
        t = (t & 0xFFFFFFFF) | generation_;
        any = true;
      }
    }
    if (!any) continue;
    kept.push_back(i);
    if (e.tag[kind(Access::kWrite, false)] != 0 || e.tag[kind(Access::kWrite, true)] != 0)
      write_page_[i] = static_cast<uint32_t>((e.physical_page >> 12) + 1);
  }
  globals_ = std::move(kept);
  raise_attention();
}

void Mmu::page_fault(uint64_t linear, uint32_t error_code) const {
  throw CpuException{14, true, error_code, linear};
}

uint64_t Mmu::read_table(uint64_t address, bool wide) const {
  return memory_.read(address & a20_mask_, wide ? 8 : 4);
}

Mmu::Walk Mmu::walk(uint64_t linear, Access kind, bool user, bool side_effects) const {
  Walk w;
  if (!paging_.enabled) {
    w.physical = linear & a20_mask_;
    w.writable = true;
    return w;
  }
  const bool write = kind == Access::kWrite;
  const bool fetch = kind == Access::kExecute;
  uint32_t error = (write ? kErrWrite : 0) | (user ? kErrUser : 0) |
                   (fetch && paging_.pae && paging_.nxe ? kErrFetch : 0);

  // Up to three levels: the entries used, their addresses, and whether each is 64-bit.
  uint64_t entries[3] = {};
  uint64_t addresses[3] = {};
  unsigned levels = 0;
  uint64_t physical = 0;
  bool large = false;
  const bool wide = paging_.pae;
  const uint64_t reserved_high =
      wide ? (~kPhysicalMask & ~kNoExecute) | (paging_.nxe ? 0 : kNoExecute) : 0;

  auto fetch_entry = [&](uint64_t address) {
    const uint64_t e = read_table(address, wide);
    if (!(e & kPresent)) page_fault(linear, error);
    if (e & reserved_high) page_fault(linear, error | kErrProtection | kErrReserved);
    addresses[levels] = address;
    entries[levels++] = e;
    return e;
  };

  if (!wide) {
    const uint64_t pde = fetch_entry((paging_.cr3 & 0xFFFFF000) + ((linear >> 22) << 2));
    if ((pde & kLargePage) && paging_.pse) {
      if (pde & kPseLargeReserved) page_fault(linear, error | kErrProtection | kErrReserved);
      large = true;
      physical = (pde & 0xFFC00000) | (linear & 0x3FFFFF);
    } else {
      const uint64_t pte = fetch_entry((pde & 0xFFFFF000) + (((linear >> 12) & 0x3FF) << 2));
      physical = (pte & 0xFFFFF000) | (linear & 0xFFF);
    }
  } else {
    // PAE: the four PDPTEs have no permission bits; they only select a directory.
    const uint64_t pdpte_address = (paging_.cr3 & 0xFFFFFFE0) + (((linear >> 30) & 3) << 3);
    const uint64_t pdpte = read_table(pdpte_address, true);
    if (!(pdpte & kPresent)) page_fault(linear, error);
    if (pdpte & (kPdpteReserved | ~kPhysicalMask))
      page_fault(linear, error | kErrProtection | kErrReserved);
    const uint64_t pde = fetch_entry((pdpte & kPaeAddressMask) + (((linear >> 21) & 0x1FF) << 3));
    if (pde & kLargePage) {
      if (pde & kPaeLargeReserved) page_fault(linear, error | kErrProtection | kErrReserved);
      large = true;
      physical = (pde & kPaeAddressMask & ~uint64_t{0x1FFFFF}) | (linear & 0x1FFFFF);
    } else {
      const uint64_t pte = fetch_entry((pde & kPaeAddressMask) + (((linear >> 12) & 0x1FF) << 3));
      physical = (pte & kPaeAddressMask) | (linear & 0xFFF);
    }
  }

  // Permissions are the most restrictive along the walk.
  bool writable = true, user_ok = true, executable = true;
  for (unsigned n = 0; n < levels; ++n) {
    writable = writable && (entries[n] & kWritable);
    user_ok = user_ok && (entries[n] & kUser);
    executable = executable && !(paging_.nxe && (entries[n] & kNoExecute));
  }
  error |= kErrProtection;
  if (user && !user_ok) page_fault(linear, error);
  if (write && !writable && (user || paging_.write_protect)) page_fault(linear, error);
  if (fetch && !executable) page_fault(linear, error);

  if (side_effects) {
    // Accessed on every entry used; dirty on the final one for a write.
    for (unsigned n = 0; n < levels; ++n) {
      uint64_t bits = kAccessed;
      if (write && n + 1 == levels) bits |= kDirty;
      if ((entries[n] & bits) != bits)
        memory_.write(addresses[n] & a20_mask_, 4, static_cast<uint32_t>(entries[n] | bits));
    }
  }
  w.physical = physical & a20_mask_;
  w.writable = user ? writable : (writable || !paging_.write_protect);
  w.global = paging_.pge && (entries[levels - 1] & kGlobal);
  (void)large;
  return w;
}

uint64_t Mmu::translate(uint64_t linear, Access kind, bool user) {
  const uint64_t physical = walk(linear, kind, user, true).physical;
  if (observer_ != nullptr)
    observer_->page_walk(PageWalk{linear, physical, static_cast<uint8_t>(kind), user});
  return physical;
}

void Mmu::set_observer(MemoryObserver* observer) {
  observer_ = observer;
  observed_tag_ = observer != nullptr ? kObservedTag : 0;
  flush();
}

std::optional<uint64_t> Mmu::peek_translate(uint64_t linear) const {
  try {
    return walk(linear, Access::kRead, false, false).physical;
  } catch (const CpuException&) {
    return std::nullopt;
  }
}

uint64_t Mmu::translate_and_fill(uint64_t linear, Access access, bool user) {
  const Walk w = walk(linear, access, user, true);
  if (observer_ != nullptr)
    observer_->page_walk(PageWalk{linear, w.physical, static_cast<uint8_t>(access), user});
  const uint64_t page = w.physical & ~kPageMask;
  uint8_t* host = memory_.page_pointer(page, access == Access::kWrite);
  if (host != nullptr) {
    const unsigned i = index(linear);
    Entry& e = tlb_[i];
    if (e.host != host || global_[i] != w.global) {
      // The slot held another page (or the same page differently mapped): start over.
      e = Entry{{}, host, page};
      global_[i] = w.global;
      write_page_[i] = 0;
      if (w.global) {
        if (globals_.size() >= 4 * kEntries) globals_.clear();  // bounded; CR3 then drops them
        globals_.push_back(static_cast<uint16_t>(i));
      }
    }
    // Writes to a page holding decoded instructions must be seen by the code cache.
    if (access == Access::kWrite && code_pages_.contains_code(page)) return w.physical;
    e.tag[kind(access, user)] = tag(linear) | (access == Access::kExecute ? 0 : observed_tag_);
    if (access == Access::kWrite) write_page_[i] = static_cast<uint32_t>((page >> 12) + 1);
  }
  return w.physical;
}

uint64_t Mmu::data_translation(uint64_t linear, Access access, bool user) {
  const Entry& e = tlb_[index(linear)];
  if (observed_tag_ != 0 && e.tag[kind(access, user)] == (tag(linear) | observed_tag_))
    return e.physical_page | (linear & kPageMask);
  return translate_and_fill(linear, access, user);
}

uint64_t Mmu::read_slow(uint64_t linear, unsigned size, bool user) {
  uint64_t physical = 0;
  if (observer_ == nullptr || quiet_) return read_unobserved(linear, size, user, physical);
  quiet_ = true;
  uint64_t value = 0;
  try {
    value = read_unobserved(linear, size, user, physical);
  } catch (...) {
    quiet_ = false;
    throw;
  }
  quiet_ = false;
  observer_->memory_access(MemoryAccess{linear, physical, size, value, false});
  return value;
}

void Mmu::write_slow(uint64_t linear, unsigned size, uint64_t value, bool user) {
  uint64_t physical = 0;
  if (observer_ == nullptr || quiet_) return write_unobserved(linear, size, value, user, physical);
  quiet_ = true;
  try {
    write_unobserved(linear, size, value, user, physical);
  } catch (...) {
    quiet_ = false;
    throw;
  }
  quiet_ = false;
  observer_->memory_access(MemoryAccess{linear, physical, size, value, true});
}

uint64_t Mmu::read_unobserved(uint64_t linear, unsigned size, bool user, uint64_t& physical) {
  if ((linear & kPageMask) + size > kPageSize) {
    // Crosses a page: both translations first, so a fault on either changes nothing.
    const uint64_t second = (linear | kPageMask) + 1;
    physical = translate(linear, Access::kRead, user);
    translate(second & 0xFFFFFFFF, Access::kRead, user);
    uint64_t v = 0;
    for (unsigned i = 0; i < size; ++i)
      v |= uint64_t{read<uint8_t>((linear + i) & 0xFFFFFFFF, user)} << (8 * i);
    return v;
  }
  physical = data_translation(linear, Access::kRead, user);
  const Entry& e = tlb_[index(linear)];
  if ((e.tag[kind(Access::kRead, user)] & ~kObservedTag) == tag(linear)) {
    const uint8_t* p = e.host + (linear & kPageMask);
    switch (size) {
      case 1:
        return *p;
      case 2:
        return load_le<uint16_t>(p);
      case 4:
        return load_le<uint32_t>(p);
      default:
        return load_le<uint64_t>(p);
    }
  }
  raise_attention();  // a device register (or open bus)
  return memory_.read(physical, size);
}

void Mmu::write_unobserved(uint64_t linear, unsigned size, uint64_t value, bool user,
                           uint64_t& physical) {
  if ((linear & kPageMask) + size > kPageSize) {
    const uint64_t second = (linear | kPageMask) + 1;
    physical = translate(linear, Access::kWrite, user);
    translate(second & 0xFFFFFFFF, Access::kWrite, user);
    for (unsigned i = 0; i < size; ++i)
      write<uint8_t>((linear + i) & 0xFFFFFFFF, static_cast<uint8_t>(value >> (8 * i)), user);
    return;
  }
  physical = data_translation(linear, Access::kWrite, user);
  Entry& e = tlb_[index(linear)];
  if ((e.tag[kind(Access::kWrite, user)] & ~kObservedTag) == tag(linear)) {
    uint8_t* p = e.host + (linear & kPageMask);
    switch (size) {
      case 1:
        *p = static_cast<uint8_t>(value);
        break;
      case 2:
        store_le<uint16_t>(p, static_cast<uint16_t>(value));
        break;
      case 4:
        store_le<uint32_t>(p, static_cast<uint32_t>(value));
        break;
      default:
        store_le<uint64_t>(p, value);
        break;
    }
    return;
  }
  if (code_pages_.contains_code(physical)) {
    // A store into a page holding decoded code: write through the host page; if it hit
    // the code itself, the page's decoded instructions are stale.
    if (uint8_t* host = memory_.page_pointer(physical & ~kPageMask, true)) {
      uint8_t* p = host + (physical & kPageMask);
      for (unsigned i = 0; i < size; ++i) p[i] = static_cast<uint8_t>(value >> (8 * i));
    } else {
      memory_.write(physical, size, value);
    }
    if (code_pages_.hits_code(physical, size)) {
      code_pages_.invalidate(physical);
      raise_attention();
    }
    return;
  }
  raise_attention();  // a device register (or ROM, open bus)
  memory_.write(physical, size, value);
}

uint64_t Mmu::translate_fetch_slow(uint64_t linear, bool user) {
  const uint64_t physical = translate_and_fill(linear, Access::kExecute, user);
  const Entry& e = tlb_[index(linear)];
  if (e.tag[kind(Access::kExecute, user)] != tag(linear) || physical >= CodePages::kLimit)
    return kNotCacheable;
  return physical;
}

void Mmu::protect_code(uint64_t physical, unsigned size) {
  // The first code on a page: every linear alias of the page loses direct write access.
  if (code_pages_.mark_code(physical, size)) drop_writes_where(physical & ~kPageMask, kPageSize);
}

size_t Mmu::fetch_in_page(uint64_t linear, uint8_t* dst, size_t n, bool user) {
  const size_t room = kPageSize - (linear & kPageMask);
  if (n > room) n = room;
  Entry& e = tlb_[index(linear)];
  const unsigned k = kind(Access::kExecute, user);
  if (e.tag[k] != tag(linear)) {
    const uint64_t physical = translate_and_fill(linear, Access::kExecute, user);
    if (e.tag[k] != tag(linear)) {
      // Code outside RAM/ROM (MMIO): byte by byte through the device.
      for (size_t i = 0; i < n; ++i) dst[i] = static_cast<uint8_t>(memory_.read(physical + i, 1));
      return n;
    }
  }
  std::memcpy(dst, e.host + (linear & kPageMask), n);
  return n;
}

}  // namespace trapeze
