# Warnings as an INTERFACE target that every module links.
add_library(coldsort_warnings INTERFACE)
target_compile_options(coldsort_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough
  $<$<BOOL:${COLDSORT_WERROR}>:-Werror>)
add_library(coldsort::warnings ALIAS coldsort_warnings)
