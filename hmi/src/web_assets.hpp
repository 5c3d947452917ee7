#pragma once
// The files of hmi/web/, compiled into the library (embed_web_assets.cmake generates the
// definition at build time) so that the daemon serves its page from any working directory.
// Thread safety: immutable data; safe from any thread.
#include <span>
#include <string_view>

namespace coldsort::hmi {

struct WebAsset {
  std::string_view path;  // URL path, e.g. "/app.js"
  std::string_view body;
};

std::span<const WebAsset> web_assets();

// nullptr when no asset has this path.
const WebAsset* find_web_asset(std::string_view path);

}  // namespace coldsort::hmi
