#pragma once
// The `coldsort` command-line tool: one function per command, each in its own file, taking
// the arguments after the command name and returning the process exit code
// (0 done, 1 failed at run time, 2 bad usage or bad input).
#include <string>
#include <vector>

namespace coldsort::cli {

using Args = std::vector<std::string>;

int run_check_config(const Args& args);
int run_db(const Args& args);
int run_grade(const Args& args);       // grade image files or folders to CSV
int run_grade_eval(const Args& args);  // score grading against a truth CSV
int run_regrade(const Args& args);     // re-grade archived images under a draft standard
int run_calibrate(const Args& args);   // calibrate camera | weight
int run_synth(const Args& args);       // render synthetic fruit images with their truth
int run_plan(const Args& args);          // plan a pack day and compare with the bound
int run_simulate_day(const Args& args);  // simulate a pack day with a method re-planning live
int run_instance(const Args& args);    // generate | check a pack-day planning instance
int run_report(const Args& args);      // a manager report over the throughput log
int run_export(const Args& args);      // raw rows of one table to CSV

// `coldsort db SUB ...`: run_db dispatches on SUB (args without SUB).
int run_db_seed(const Args& args);    // fill a database with a season or a day
int run_db_backup(const Args& args);  // online backup while the line writes
int run_db_check(const Args& args);   // full integrity check

}  // namespace coldsort::cli
