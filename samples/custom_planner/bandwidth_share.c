/* A third-party placement planner: "bandwidth_share".
 *
 * It gives each accelerator a share of the model in proportion to its memory bandwidth (decode
 * at batch 1 is memory-bound, so a device twice as fast should hold twice the layers), in
 * execution order, then puts what is left wherever it fits: accelerators first, then the
 * offload tiers. The SDK checks its answer against the budgets and keeps the offload rule.
 *
 * Written in C against <strata/planner.h> alone, to show that a planner needs nothing else. */
#include <strata/planner.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const strata_host_api* host;

typedef struct load {
  uint64_t weights;
  uint64_t kv;
  uint64_t workspace;
} load;

static uint64_t used(const load* l) { return l->weights + l->kv + l->workspace; }

static int fits(const strata_plan_request* request, load* loads, uint32_t unit, uint32_t device) {
  const strata_plan_unit* u = strata_plan_unit_at(request, unit);
  const strata_plan_device* d = strata_plan_device_at(request, device);
  const uint32_t holder_index = d->memory_device < request->device_count ? d->memory_device : device;
  const strata_plan_device* holder = strata_plan_device_at(request, holder_index);
  /* Shared (tied) weights are counted in full: a little pessimistic, never over budget. */
  if (holder_index == device) {
    load next = loads[device];
    next.weights += u->weight_bytes;
    next.kv += u->kv_bytes;
    if (u->workspace_bytes > next.workspace) next.workspace = u->workspace_bytes;
    return used(&next) <= d->budget_bytes;
  }
  {
    load host_next = loads[holder_index];
    host_next.kv += u->kv_bytes;
    if (u->workspace_bytes > host_next.workspace) host_next.workspace = u->workspace_bytes;
    return loads[device].weights + u->weight_bytes <= d->budget_bytes && used(&host_next) <= holder->budget_bytes;
  }
}

static void add(const strata_plan_request* request, load* loads, uint32_t unit, uint32_t device) {
  const strata_plan_unit* u = strata_plan_unit_at(request, unit);
  const strata_plan_device* d = strata_plan_device_at(request, device);
  const uint32_t holder = d->memory_device < request->device_count ? d->memory_device : device;
  loads[device].weights += u->weight_bytes;
  loads[holder].kv += u->kv_bytes;
  if (u->workspace_bytes > loads[holder].workspace) loads[holder].workspace = u->workspace_bytes;
}

static strata_status* plan(const strata_plan_request* request, uint32_t* out_assignment) {
  const uint32_t units = request->unit_count;
  const uint32_t devices = request->device_count;
  uint32_t* assignment = calloc(units, sizeof(uint32_t));
  load* loads = calloc(devices, sizeof(load));
  double total_bytes = 0;
  double total_bandwidth = 0;
  uint32_t unit = 0;
  uint32_t device = 0;
  double share = 0;
  strata_status* status = NULL;
  if (!assignment || !loads) {
    free(assignment);
    free(loads);
    return host->status_create(STRATA_STATUS_OUT_OF_MEMORY, "bandwidth_share: out of host memory");
  }
  for (unit = 0; unit < units; ++unit) {
    const strata_plan_unit* u = strata_plan_unit_at(request, unit);
    total_bytes += (double)(u->weight_bytes + u->kv_bytes);
    assignment[unit] = STRATA_PLAN_NONE;
  }
  for (device = 0; device < devices; ++device) {
    const strata_plan_device* d = strata_plan_device_at(request, device);
    if (!(d->flags & STRATA_PLAN_DEVICE_OFFLOAD)) total_bandwidth += d->memory_bandwidth;
  }

  /* Shares in proportion to bandwidth, accelerators in the order given. */
  device = 0;
  for (unit = 0; unit < units && total_bandwidth > 0; ++unit) {
    const strata_plan_unit* u = strata_plan_unit_at(request, unit);
    const double bytes = (double)(u->weight_bytes + u->kv_bytes);
    while (device < devices) {
      const strata_plan_device* d = strata_plan_device_at(request, device);
      const double target = total_bytes * d->memory_bandwidth / total_bandwidth;
      if (!(d->flags & STRATA_PLAN_DEVICE_OFFLOAD) && (share == 0 || share + bytes / 2 <= target) &&
          fits(request, loads, unit, device)) {
        assignment[unit] = device;
        add(request, loads, unit, device);
        share += bytes;
        break;
      }
      ++device;
      share = 0;
    }
  }
  /* The rest: first device with room, accelerators before offload tiers (the SDK lists them so). */
  for (unit = 0; unit < units && !status; ++unit) {
    if (assignment[unit] != STRATA_PLAN_NONE) continue;
    for (device = 0; device < devices; ++device) {
      if (fits(request, loads, unit, device)) {
        assignment[unit] = device;
        add(request, loads, unit, device);
        break;
      }
    }
    if (assignment[unit] == STRATA_PLAN_NONE) {
      char message[256];
      snprintf(message, sizeof message, "bandwidth_share: no room for %s", strata_plan_unit_at(request, unit)->name);
      status = host->status_create(STRATA_STATUS_OUT_OF_MEMORY, message);
    }
  }
  if (!status) memcpy(out_assignment, assignment, units * sizeof(uint32_t));
  free(assignment);
  free(loads);
  return status;
}

static const strata_planner_api table = {
    sizeof(strata_planner_api),
    STRATA_PLANNER_ABI_VERSION,
    "bandwidth_share",
    "1.0.0",
    "shares of the model in proportion to each accelerator's memory bandwidth (sample plugin)",
    plan,
    0, /* flags: the host applies the offload rule and gives it one device of the host's cores */
    0,
};

STRATA_PLUGIN_EXPORT strata_status* strata_planner_entry(const strata_host_api* host_api,
                                                         uint32_t host_planner_abi_version,
                                                         const strata_planner_api** out_api) {
  host = host_api;
  if (STRATA_VERSION_MAJOR(host_planner_abi_version) != STRATA_PLANNER_ABI_MAJOR)
    return host->status_create(STRATA_STATUS_INCOMPATIBLE_VERSION, "bandwidth_share speaks planner ABI 1");
  *out_api = &table;
  return NULL;
}
