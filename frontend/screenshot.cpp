#include "frontend/screenshot.h"

#include <fmt/format.h>
#include <png.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace trapeze {

namespace {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

}  // namespace

std::optional<std::string> write_png(const std::string& path, const FrameView& frame) {
  File file(std::fopen(path.c_str(), "wb"));
  if (!file) return fmt::format("cannot write screenshot '{}': {}", path, std::strerror(errno));
  // libpng's simplified API: no setjmp/longjmp across C++ frames. A display with no
  // picture yet is saved as one black pixel.
  const uint32_t width = frame.width ? frame.width : 1, height = frame.height ? frame.height : 1;
  std::vector<uint8_t> rgb(size_t{width} * height * 3);
  if (frame.width != 0) {
    for (size_t i = 0; i < size_t{width} * height; ++i) {
      const uint32_t p = frame.pixels[i];
      rgb[3 * i] = static_cast<uint8_t>(p >> 16);
      rgb[3 * i + 1] = static_cast<uint8_t>(p >> 8);
      rgb[3 * i + 2] = static_cast<uint8_t>(p);
    }
  }
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = width;
  image.height = height;
  image.format = PNG_FORMAT_RGB;
  const bool written = png_image_write_to_stdio(&image, file.get(), 0, rgb.data(), 0, nullptr) != 0;
  png_image_free(&image);
  if (!written || std::fflush(file.get()) != 0)
    return fmt::format("cannot write screenshot '{}': {}", path,
                       image.message[0] ? image.message : std::strerror(errno));
  return std::nullopt;
}

std::optional<DecodedImage> read_png(const std::string& path) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, path.c_str())) return std::nullopt;
  image.format = PNG_FORMAT_BGRA;  // little-endian 32-bit 0xAARRGGBB
  DecodedImage out;
  out.width = image.width;
  out.height = image.height;
  out.pixels.resize(size_t{image.width} * image.height);
  if (!png_image_finish_read(&image, nullptr, out.pixels.data(), 0, nullptr)) {
    png_image_free(&image);
    return std::nullopt;
  }
  for (uint32_t& p : out.pixels) p &= 0x00FFFFFF;
  return out;
}

std::optional<std::string> write_screen_text(const std::string& path, DisplaySource& display) {
  File file(std::fopen(path.c_str(), "wb"));
  if (!file) return fmt::format("cannot write screen text '{}': {}", path, std::strerror(errno));
  const std::optional<std::string> text = display.text_screen();
  if (!text) {
    std::fprintf(stderr, "trapeze: the screen shows graphics; '%s' is left empty\n", path.c_str());
    return std::nullopt;
  }
  if (std::fwrite(text->data(), 1, text->size(), file.get()) != text->size())
    return fmt::format("cannot write screen text '{}'", path);
  return std::nullopt;
}

}  // namespace trapeze
