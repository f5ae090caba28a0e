/* Planner plugins for the loader tests, one per VARIANT: well-behaved ones that break the rules
 * the host must enforce, and broken ones the host must refuse with a clear reason. */
#include <strata/planner.h>

#include <stddef.h>

#define OVER_BUDGET 1 /* everything on device 0, whatever its budget */
#define FAILING 2     /* returns OUT_OF_MEMORY with its own message */
#define OFFLOADER 3   /* everything on the last device ("disk") */
#define WRONG_MAJOR 4
#define BAD_NAME 5
#define NO_ENTRY 6
#define ABI_1_0 7 /* built for planner ABI 1.0: a table that ends before `flags`; offloads like OFFLOADER */

static const strata_host_api* host;

static strata_status* plan(const strata_plan_request* request, uint32_t* out) {
  uint32_t unit;
  if (VARIANT == FAILING) return host->status_create(STRATA_STATUS_OUT_OF_MEMORY, "test planner: no room anywhere");
  for (unit = 0; unit < request->unit_count; ++unit)
    out[unit] = VARIANT == OFFLOADER || VARIANT == ABI_1_0 ? request->device_count - 1 : 0;
  return NULL;
}

static const strata_planner_api table = {
    sizeof(strata_planner_api),
    VARIANT == WRONG_MAJOR ? STRATA_MAKE_VERSION(2, 0) : STRATA_PLANNER_ABI_VERSION,
    VARIANT == OVER_BUDGET ? "test_over_budget"
    : VARIANT == FAILING   ? "test_failing"
    : VARIANT == OFFLOADER ? "test_offloader"
    : VARIANT == BAD_NAME  ? "Bad Name"
                           : "test_other",
    "0.1",
    "a planner for the loader tests",
    plan,
    0,
    0,
};

#if VARIANT == ABI_1_0
/* The table as planner ABI 1.0 laid it out: everything before `flags`. */
typedef struct planner_api_1_0 {
  uint32_t struct_size;
  uint32_t abi_version;
  const char* name;
  const char* version;
  const char* description;
  strata_status* (*plan)(const strata_plan_request* request, uint32_t* out_assignment);
} planner_api_1_0;
static const planner_api_1_0 table_1_0 = {sizeof(planner_api_1_0),
                                          STRATA_MAKE_VERSION(1, 0),
                                          "test_abi_1_0",
                                          "0.1",
                                          "a planner built for planner ABI 1.0",
                                          plan};

STRATA_PLUGIN_EXPORT strata_status* strata_planner_entry(const strata_host_api* host_api, uint32_t version,
                                                         const strata_planner_api** out_api) {
  (void)version;
  (void)table;
  host = host_api;
  *out_api = (const strata_planner_api*)&table_1_0;
  return NULL;
}
#elif VARIANT != NO_ENTRY
STRATA_PLUGIN_EXPORT strata_status* strata_planner_entry(const strata_host_api* host_api, uint32_t version,
                                                         const strata_planner_api** out_api) {
  (void)version;
  host = host_api;
  *out_api = &table;
  return NULL;
}
#else
STRATA_PLUGIN_EXPORT int not_a_planner(void) { return (int)table.struct_size; }
#endif
