// Loading a test file into memory, inflating it with zlib when it is gzip data. Inflating
// by hand (rather than gzread) lets a stream that stops early be reported as truncated
// instead of silently yielding fewer tests.
#include <zlib.h>

#include <fstream>
#include <iterator>
#include <utility>

#include "tests/singlestep/moo_reader.h"

namespace trapeze {

namespace {

// No real test file comes near this; the cap keeps a corrupt length or a "zip bomb" from
// exhausting memory.
constexpr size_t kMaxInflatedBytes = size_t{1} << 30;

std::vector<uint8_t> gunzip(const std::vector<uint8_t>& in) {
  z_stream zs{};
  // 15 window bits + 16: expect a gzip header and trailer (whose CRC zlib checks).
  if (inflateInit2(&zs, 15 + 16) != Z_OK) throw MooError("zlib initialisation failed");
  zs.next_in = const_cast<Bytef*>(in.data());  // zlib's API is not const-correct
  zs.avail_in = static_cast<uInt>(in.size());
  std::vector<uint8_t> out;
  std::vector<uint8_t> chunk(256 * 1024);
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = chunk.data();
    zs.avail_out = static_cast<uInt>(chunk.size());
    rc = inflate(&zs, Z_NO_FLUSH);
    out.insert(out.end(), chunk.begin(), chunk.end() - zs.avail_out);
    if (out.size() > kMaxInflatedBytes) {
      inflateEnd(&zs);
      throw MooError("inflates to more than 1 GiB; not a test file");
    }
    // Z_BUF_ERROR here means no progress was possible although output space was given:
    // the input ran out before the end of the stream, so the file is truncated.
  }
  std::string msg = zs.msg ? zs.msg : "";
  inflateEnd(&zs);
  if (rc == Z_BUF_ERROR) throw MooError("truncated gzip stream");
  if (rc != Z_STREAM_END) throw MooError("corrupt gzip data" + (msg.empty() ? "" : ": " + msg));
  return out;
}

}  // namespace

std::vector<uint8_t> maybe_gunzip(std::vector<uint8_t> raw) {
  const bool gzipped = raw.size() >= 2 && raw[0] == 0x1F && raw[1] == 0x8B;
  return gzipped ? gunzip(raw) : raw;
}

std::vector<uint8_t> read_maybe_gzipped(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw MooError("cannot open file");
  std::vector<uint8_t> raw((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (f.bad()) throw MooError("read error");
  if (raw.size() > 0xFFFFFFFFu) throw MooError("file too large");
  return maybe_gunzip(std::move(raw));
}

}  // namespace trapeze
