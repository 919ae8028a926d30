#include "mmu/address_map.h"

#include <fmt/format.h>

#include <cstring>
#include <new>
#include <stdexcept>
#include <utility>

#include "cpu/log.h"

namespace trapeze {

namespace {

uint64_t all_ones(unsigned size_bytes) {
  return size_bytes >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * size_bytes)) - 1;
}

// Guest memory is little-endian whatever the host is. This is the slow path; the CPU's
// fast path reads RAM through page_pointer().
uint64_t load(const uint8_t* p, unsigned size_bytes) {
  uint64_t value = 0;
  for (unsigned i = 0; i < size_bytes; ++i) value |= uint64_t{p[i]} << (8 * i);
  return value;
}

void store(uint8_t* p, unsigned size_bytes, uint64_t value) {
  for (unsigned i = 0; i < size_bytes; ++i) p[i] = static_cast<uint8_t>(value >> (8 * i));
}

}  // namespace

AddressMap::AddressMap(uint64_t ram_size_bytes)
    : ram_size_bytes_(ram_size_bytes), log_(log::component("memory")) {
  if (ram_size_bytes == 0 || (ram_size_bytes & kPageMask) != 0)
    throw std::invalid_argument(
        fmt::format("guest RAM size {:#x} is not a non-zero multiple of 4 KiB", ram_size_bytes));
  ram_.reset(static_cast<uint8_t*>(std::calloc(ram_size_bytes, 1)));
  if (!ram_) throw std::bad_alloc();
}

void AddressMap::map_ram(uint64_t base, uint64_t size_bytes, uint64_t ram_offset) {
  if (ram_offset > ram_size_bytes_ || size_bytes > ram_size_bytes_ - ram_offset)
    throw std::invalid_argument(
        fmt::format("ram window [{:#x}, +{:#x}) lies outside the {:#x} bytes of guest RAM",
                    ram_offset, size_bytes, ram_size_bytes_));
  Region r;
  r.name = "ram";
  r.kind = Kind::kRam;
  r.base = base;
  r.last = last_address(r.name, base, size_bytes);
  r.ram_offset = ram_offset;
  r.host = ram_.get() + ram_offset;
  insert(std::move(r));
}

void AddressMap::map_ram_buffer(std::string name, uint64_t base, std::span<uint8_t> buffer,
                                bool track_writes) {
  if ((buffer.size() & kPageMask) != 0)
    throw std::invalid_argument(
        fmt::format("{} buffer of {:#x} bytes is not a multiple of 4 KiB", name, buffer.size()));
  Region r;
  r.name = std::move(name);
  r.kind = Kind::kRam;
  r.base = base;
  r.last = last_address(r.name, base, buffer.size());
  r.host = buffer.data();
  r.track_writes = track_writes;
  insert(std::move(r));
}

bool AddressMap::take_writes(uint64_t base) {
  auto it = regions_.find(base);
  if (it == regions_.end() || !it->second.track_writes)
    throw std::invalid_argument(fmt::format("take_writes: no tracked buffer at {:#x}", base));
  Region& r = it->second;
  if (!r.written) return false;
  r.written = false;
  if (write_tracking_rearmed_) {
    write_tracking_rearmed_(r.base, r.last - r.base + 1);
  } else {
    notify_map_changed();
  }
  return true;
}

void AddressMap::map_rom(std::string name, uint64_t base, std::span<const uint8_t> image) {
  Region r;
  r.name = std::move(name);
  r.kind = Kind::kRom;
  r.base = base;
  r.last = last_address(r.name, base, image.size());
  r.rom.assign(image.begin(), image.end());
  insert(std::move(r));
}

void AddressMap::map_mmio(std::string name, uint64_t base, uint64_t size_bytes,
                          MmioHandler& handler) {
  Region r;
  r.name = std::move(name);
  r.kind = Kind::kMmio;
  r.base = base;
  r.last = last_address(r.name, base, size_bytes);
  r.handler = &handler;
  insert(std::move(r));
}

uint64_t AddressMap::last_address(const std::string& name, uint64_t base, uint64_t size_bytes) {
  if (size_bytes == 0 || base + (size_bytes - 1) < base)
    throw std::invalid_argument(fmt::format(
        "{} mapping at {:#x} of {:#x} bytes is empty or wraps past 2^64", name, base, size_bytes));
  return base + (size_bytes - 1);
}

void AddressMap::insert(Region region) {
  // The only candidates for overlap are the region starting at or after `base` and the
  // one before it.
  auto next = regions_.lower_bound(region.base);
  auto check = [&](const Region& other) {
    if (other.base <= region.last && region.base <= other.last)
      throw std::invalid_argument(
          fmt::format("{} mapping [{:#x}, {:#x}] overlaps {} mapping [{:#x}, {:#x}]", region.name,
                      region.base, region.last, other.name, other.base, other.last));
  };
  if (next != regions_.end()) check(next->second);
  if (next != regions_.begin()) check(std::prev(next)->second);

  const uint64_t base = region.base;
  Region& stored = regions_.emplace(base, std::move(region)).first->second;
  // The vector now lives in the map node, which never moves.
  if (stored.kind == Kind::kRom) stored.host = stored.rom.data();
  log_->debug("mapped '{}' at [{:#x}, {:#x}]", stored.name, stored.base, stored.last);
  notify_map_changed();
}

void AddressMap::unmap(uint64_t base) {
  auto it = regions_.find(base);
  if (it == regions_.end())
    throw std::invalid_argument(fmt::format("unmap: no mapping starts at {:#x}", base));
  log_->debug("unmapped '{}' at [{:#x}, {:#x}]", it->second.name, it->second.base, it->second.last);
  regions_.erase(it);
  notify_map_changed();
}

void AddressMap::notify_map_changed() {
  if (map_changed_) map_changed_();
}

AddressMap::Region* AddressMap::find(uint64_t address) {
  return const_cast<Region*>(std::as_const(*this).find(address));
}

const AddressMap::Region* AddressMap::find(uint64_t address) const {
  auto it = regions_.upper_bound(address);
  if (it == regions_.begin()) return nullptr;
  const Region& r = std::prev(it)->second;
  return address <= r.last ? &r : nullptr;
}

uint8_t* AddressMap::page_pointer(uint64_t address, bool for_write) {
  const uint64_t page = address & ~kPageMask;
  Region* r = find(page);
  if (r == nullptr || r->host == nullptr) return nullptr;
  if (for_write && (r->kind != Kind::kRam || (r->track_writes && !r->written))) return nullptr;
  // The whole page must be inside this one region, or a direct access could run past it.
  if (r->last - page < kPageSize - 1) return nullptr;
  return r->host + (page - r->base);
}

uint64_t AddressMap::read(uint64_t address, unsigned size_bytes) {
  Region* r = find(address);
  if (r == nullptr || r->last - address < size_bytes - 1) {
    if (hole(address, size_bytes)) {
      log_unmapped("read", address, size_bytes);
      return all_ones(size_bytes);
    }
    // Straddles a region boundary: byte by byte, low address first, so each byte goes
    // where the hardware would send it.
    uint64_t value = 0;
    for (unsigned i = 0; i < size_bytes; ++i) value |= read(address + i, 1) << (8 * i);
    return value;
  }
  const uint64_t offset = address - r->base;
  if (r->kind == Kind::kMmio) return r->handler->read(offset, size_bytes);
  return load(r->host + offset, size_bytes);
}

void AddressMap::write(uint64_t address, unsigned size_bytes, uint64_t value) {
  Region* r = find(address);
  if (r == nullptr || r->last - address < size_bytes - 1) {
    if (hole(address, size_bytes)) {
      log_unmapped("write", address, size_bytes);
      return;
    }
    for (unsigned i = 0; i < size_bytes; ++i) write(address + i, 1, (value >> (8 * i)) & 0xFF);
    return;
  }
  const uint64_t offset = address - r->base;
  switch (r->kind) {
    case Kind::kRam:
      r->written = true;
      store(r->host + offset, size_bytes, value);
      return;
    case Kind::kMmio:
      r->handler->write(offset, size_bytes, value);
      return;
    case Kind::kRom:
      // Firmware probes whether its shadow is writable; that is normal, so say it once.
      if (!r->write_logged) {
        log_->debug("write to rom '{}' at {:#x} dropped (further writes not reported)", r->name,
                    address);
        r->write_logged = true;
      }
      return;
  }
}

bool AddressMap::hole(uint64_t address, unsigned size_bytes) const {
  if (find(address) != nullptr) return false;
  // Accesses never cross a page, so the end does not wrap.
  auto next = regions_.upper_bound(address);
  return next == regions_.end() || next->first > address + size_bytes - 1;
}

void AddressMap::log_unmapped(const char* what, uint64_t address, unsigned size_bytes) {
  if (unmapped_reports_left_ == 0) return;
  --unmapped_reports_left_;
  log_->debug("unmapped {} of {} bytes at {:#x}{}", what, size_bytes, address,
              unmapped_reports_left_ == 0 ? " (further unmapped accesses not reported)" : "");
}

void AddressMap::copy_to_guest(uint64_t address, std::span<const uint8_t> bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const uint64_t at = address + done;
    Region* r = find(at);
    if (r == nullptr || r->kind != Kind::kRam || at < address)
      throw std::out_of_range(
          fmt::format("copy of {:#x} bytes to guest address {:#x}: {:#x} is not RAM", bytes.size(),
                      address, at));
    const uint64_t room = r->last - at;  // bytes available minus one
    const size_t chunk = room >= bytes.size() - done - 1 ? bytes.size() - done : room + 1;
    std::memcpy(r->host + (at - r->base), bytes.data() + done, chunk);
    r->written = true;
    done += chunk;
  }
}

void AddressMap::copy_from_guest(uint64_t address, std::span<uint8_t> bytes) const {
  size_t done = 0;
  while (done < bytes.size()) {
    const uint64_t at = address + done;
    const Region* r = find(at);
    if (r == nullptr || r->host == nullptr || at < address)
      throw std::out_of_range(
          fmt::format("copy of {:#x} bytes from guest address {:#x}: {:#x} is not RAM or ROM",
                      bytes.size(), address, at));
    const uint64_t room = r->last - at;
    const size_t chunk = room >= bytes.size() - done - 1 ? bytes.size() - done : room + 1;
    std::memcpy(bytes.data() + done, r->host + (at - r->base), chunk);
    done += chunk;
  }
}

}  // namespace trapeze
