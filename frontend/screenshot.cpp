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
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png != nullptr ? png_create_info_struct(png) : nullptr;
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    return "cannot write screenshot: libpng failed to start";
  }
  const uint32_t width = frame.width ? frame.width : 1, height = frame.height ? frame.height : 1;
  std::vector<uint8_t> row(size_t{width} * 3);
  // libpng reports errors by longjmp; nothing with a destructor lives in this frame
  // between here and the end of the writes except `row` and `file`, which outlive it.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return fmt::format("cannot write screenshot '{}': PNG encoding failed", path);
  }
  png_init_io(png, file.get());
  png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (uint32_t y = 0; y < height; ++y) {
    for (uint32_t x = 0; x < width; ++x) {
      const uint32_t p = frame.width ? frame.pixels[size_t{y} * frame.width + x] : 0;
      row[3 * x] = static_cast<uint8_t>(p >> 16);
      row[3 * x + 1] = static_cast<uint8_t>(p >> 8);
      row[3 * x + 2] = static_cast<uint8_t>(p);
    }
    png_write_row(png, row.data());
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
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
