#pragma once
// Runs a real binary the way a user would, through the shell, and captures what it says.
#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace coldsort::test {

struct CommandRun {
  int exit_code = -1;  // -1 when the command could not run or did not exit normally
  std::string output;  // stdout and stderr together
};

inline CommandRun run_command(const std::string& command_line) {
  CommandRun r;
  FILE* pipe = ::popen((command_line + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) r.output.append(buffer, n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace coldsort::test
