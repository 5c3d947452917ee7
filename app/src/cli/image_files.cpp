#include "image_files.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>

namespace coldsort::cli {
namespace fs = std::filesystem;
namespace {

// "_v12" at the end of a stem: the view index 12; nullopt when the stem has no view suffix.
std::optional<int> view_suffix(const std::string& stem, std::size_t& cut) {
  std::size_t v = stem.rfind("_v");
  if (v == std::string::npos || v + 2 >= stem.size() || stem.size() - v > 6) return std::nullopt;
  int index = 0;
  for (std::size_t i = v + 2; i < stem.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(stem[i]))) return std::nullopt;
    index = index * 10 + (stem[i] - '0');
  }
  cut = v;
  return index;
}

void add_folder(const fs::path& folder, std::vector<std::string>& out) {
  std::vector<std::string> found;
  std::error_code ec;
  auto options = fs::directory_options::skip_permission_denied;
  for (fs::recursive_directory_iterator it(folder, options, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file(ec) && is_image_file(it->path().string()))
      found.push_back(it->path().string());
  }
  std::sort(found.begin(), found.end());
  out.insert(out.end(), found.begin(), found.end());
}

}  // namespace

bool is_image_file(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
}

ImageList expand_image_paths(const std::vector<std::string>& paths) {
  ImageList list;
  for (const std::string& path : paths) {
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      list.missing.push_back(path);
    } else if (fs::is_directory(status)) {
      add_folder(path, list.files);
    } else if (is_image_file(path)) {
      list.files.push_back(path);
    } else {
      list.skipped.push_back(path);
    }
  }
  return list;
}

std::string base_name(const std::string& path) { return fs::path(path).filename().string(); }

std::string stem_of(const std::string& path, bool strip_view) {
  std::string stem = fs::path(path).stem().string();
  std::size_t cut = 0;
  if (strip_view && view_suffix(stem, cut)) stem.resize(cut);
  return stem;
}

std::vector<ImageGroup> group_views(const std::vector<std::string>& files, int views) {
  std::vector<ImageGroup> groups;
  if (views <= 1) {
    for (const std::string& f : files) groups.push_back({stem_of(f), {f}});
    return groups;
  }
  bool all_named = std::all_of(files.begin(), files.end(), [](const std::string& f) {
    std::size_t cut = 0;
    return view_suffix(fs::path(f).stem().string(), cut).has_value();
  });
  if (all_named) {
    // Key by folder + stem so that equal stems in different folders stay apart; keep the
    // order in which each fruit first appears.
    std::map<std::string, std::size_t> index_of;
    std::vector<std::vector<std::pair<int, std::string>>> members;
    for (const std::string& f : files) {
      std::string stem = fs::path(f).stem().string();
      std::size_t cut = 0;
      int view = *view_suffix(stem, cut);
      std::string key = (fs::path(f).parent_path() / stem.substr(0, cut)).string();
      auto [it, added] = index_of.emplace(key, groups.size());
      if (added) {
        groups.push_back({stem.substr(0, cut), {}});
        members.emplace_back();
      }
      members[it->second].emplace_back(view, f);
    }
    for (std::size_t g = 0; g < groups.size(); ++g) {
      std::stable_sort(members[g].begin(), members[g].end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      for (auto& [view, f] : members[g]) groups[g].files.push_back(std::move(f));
    }
    return groups;
  }
  for (std::size_t i = 0; i < files.size(); i += static_cast<std::size_t>(views)) {
    ImageGroup group{stem_of(files[i]), {}};
    for (std::size_t j = i; j < std::min(files.size(), i + static_cast<std::size_t>(views)); ++j)
      group.files.push_back(files[j]);
    groups.push_back(std::move(group));
  }
  return groups;
}

}  // namespace coldsort::cli
