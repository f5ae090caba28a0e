#include "options.hpp"

#include "glob.hpp"

#include <CLI/CLI.hpp>

#include <map>

namespace strata_cts {

bool Options::selected(const std::string& name) const {
  if (filters.empty()) return true;
  for (const std::string& f : filters)
    if (glob_match(f, name)) return true;
  return false;
}

std::variant<Options, int> parse_options(int argc, char** argv) {
  Options o;
  CLI::App app{
      "strata-cts: the Strata backend conformance suite. Checks every op of backend.h on a device against a "
      "reference, plus memory, copies, queues, events, threads and error handling.\n"
      "Exit code: 0 pass, 1 fail, 2 usage error, 3 no device of the backend under test here."};
  auto* target = app.add_option_group("device under test", "choose one");
  target->add_option("--backend", o.backend, "test every device of this backend (\"opencl\", \"vulkan\", ...)");
  target->add_option("--device", o.device, "test one device (\"opencl:0\")");
  target->add_option("--plugin", o.plugin, "load this backend plugin file and test its devices")
      ->check(CLI::ExistingFile);
  target->require_option(0, 1);
  app.add_flag("--isolated", o.isolated,
               "with --plugin: load no other plugin (no installed ones, no STRATA_PLUGIN_PATH); implies "
               "--reference host");
  const std::map<std::string, ReferenceChoice> references{
      {"auto", ReferenceChoice::automatic}, {"cpu", ReferenceChoice::cpu}, {"host", ReferenceChoice::host}};
  app.add_option("--reference", o.reference,
                 "what results are compared with: the cpu device, the suite's own host code, or auto (cpu, "
                 "unless cpu is under test or absent)")
      ->transform(CLI::CheckedTransformer(references, CLI::ignore_case));
  bool full = false, quick = false;
  auto* quick_flag = app.add_flag("--quick", quick, "the small shape set, for CI (default)");
  app.add_flag("--full", full, "every shape: large matrices, long contexts (slow on software devices)")
      ->excludes(quick_flag);
  app.add_option("--filter", o.filters, "run only tests whose name matches this glob (repeatable)");
  app.add_flag("--list", o.list, "list the tests that would run, and exit");
  app.add_option("--json", o.json, "also write the results to this JSON file");
  app.add_option("--seed", o.seed, "seed of the generated test data");
  app.add_flag("--require-support", o.require_support,
               "an op the device refuses on a dtype it claims is a failure (for reference backends)");
  app.add_option("--threads", o.threads, "threads in the concurrency check")->check(CLI::Range(1, 64));
  app.add_flag("-v,--verbose", o.verbose, "print every test as it runs");
  app.add_flag("--child-process", o.child_process,
               "load and test the backend in a child process: one that crashes or hangs fails the run with the "
               "reason instead of taking strata-cts down");
  app.add_option("--time-limit", o.time_limit_seconds,
                 "with --child-process: seconds the whole run may take before the child is killed (default 1800)")
      ->check(CLI::PositiveNumber);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : exit_usage;
  }
  if (full) o.set = CaseSet::full;
  // The runtime takes plugin files by absolute path only (it never searches the current
  // directory); a path typed on the command line means the one the user sees, so resolve it.
  if (!o.plugin.empty()) o.plugin = std::filesystem::absolute(o.plugin);
  if (o.isolated) {
    if (o.plugin.empty()) {
      std::fprintf(stderr, "strata-cts: --isolated needs --plugin\n");
      return exit_usage;
    }
    o.reference = ReferenceChoice::host;
  }
  if (!o.list && o.backend.empty() && o.device.empty() && o.plugin.empty()) {
    std::fprintf(stderr, "strata-cts: say what to test: --backend NAME, --device NAME or --plugin FILE (--help)\n");
    return exit_usage;
  }
  return o;
}

}  // namespace strata_cts
