#pragma once
// Turns the PATH... of a command line into the image files to grade: files as given, folders
// searched recursively, in name order; .png .jpg .jpeg .bmp in any letter case. Then, for
// several views per fruit, groups them into one group per fruit.
// Thread safety: free functions.
#include <string>
#include <vector>

namespace coldsort::cli {

bool is_image_file(const std::string& path);

struct ImageList {
  std::vector<std::string> files;    // in order: each PATH in turn, a folder's files by name
  std::vector<std::string> missing;  // PATHs that do not exist (bad usage)
  std::vector<std::string> skipped;  // files given by name that are not images
};

ImageList expand_image_paths(const std::vector<std::string>& paths);

// The views of one fruit.
struct ImageGroup {
  std::string key;                 // the fruit's name: "a/cup12" for a/cup12_v0.png
  std::vector<std::string> files;  // its views, in view order
};

// One group per file when `views` <= 1. Otherwise files named STEM_vN.ext are grouped by
// STEM (views ordered by N) when every file is named so; else consecutive files are taken
// `views` at a time (the last group may be short).
std::vector<ImageGroup> group_views(const std::vector<std::string>& files, int views);

// "cup12" for "a/b/cup12.png"; "cup12" for "cup12_v3.png" when `strip_view` is set.
std::string stem_of(const std::string& path, bool strip_view = false);
// "cup12.png" for "a/b/cup12.png".
std::string base_name(const std::string& path);

}  // namespace coldsort::cli
