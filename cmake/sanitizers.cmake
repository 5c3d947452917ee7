# ASan + UBSan as an INTERFACE target; on in the dev preset.
add_library(coldsort_sanitizers INTERFACE)
if(COLDSORT_SANITIZE)
  target_compile_options(coldsort_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(coldsort_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
add_library(coldsort::sanitizers ALIAS coldsort_sanitizers)

# Helper: declare a module library with the house defaults.
function(coldsort_module name)
  add_library(coldsort_${name} STATIC ${ARGN})
  add_library(coldsort::${name} ALIAS coldsort_${name})
  target_include_directories(coldsort_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(coldsort_${name} PRIVATE coldsort::warnings PUBLIC coldsort::sanitizers)
endfunction()
