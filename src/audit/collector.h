// Listing and describing what runs in SageMaker: every List* page, one
// Describe* and one ListTags per resource, many calls in flight on a pool of
// worker threads. Every listed resource ends up exactly once in the
// Inventory: described, vanished (deleted between list and describe) or
// unreadable (still failing after the client's retries and our extra
// rounds, or not read because its region's endpoint stopped answering).
// Listings are bounded and stop at a repeated NextToken (a list failure).
// Targets may be regions of several accounts (each with its own client and
// rate limit); a resource is one per account, region, kind and name (and
// domain: a user profile or space is named within its domain).
// collect_inventory is thread-safe; the clients must be too.
// Private to the library (not installed; its interface uses nlohmann::json).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/json_client.h"
#include "sageguard/resource.h"

namespace sageguard::audit {

struct RegionTarget {
  std::string region;
  aws::JsonClient* client = nullptr;  // not owned; must outlive the call
  // The 12-digit account the client's credentials reach; empty when the
  // audit covers one account it does not name (its output then names none).
  std::string account;
};

struct ListFilter {
  std::optional<double> creation_time_after;  // CreationTimeAfter, epoch seconds
  std::optional<std::string> status;          // StatusEquals (kinds without it are skipped)
  std::optional<std::string> name_glob;       // client-side glob on the name
};

struct CollectProgress {
  uint64_t listed = 0;
  uint64_t done = 0;       // described + vanished + unreadable
  uint64_t calls = 0;      // API calls made (each may have several attempts)
  bool listing = true;     // some List* pages are still outstanding
  double elapsed_seconds = 0;
};

struct CollectOptions {
  std::vector<ResourceKind> kinds;  // empty = every auditable kind (audit_kinds())
  // Worker threads. With several targets, none has more than twice its
  // share (2 x concurrency / targets, at least 2) of calls in flight, so
  // one target's rate limit cannot hold every worker.
  int concurrency = 16;
  ListFilter filter;
  // A read still failing with a retryable error after the client's own
  // attempts is put back in the queue this many times, after
  // round_backoff x round (the rate limiter meanwhile slows down).
  int extra_rounds = 4;
  std::chrono::milliseconds round_backoff{1000};
  // A region is given up when this many calls in a row got no HTTP answer
  // (connection refused or broken, timeouts), each after the attempts its
  // client's retry quota allowed: what it had not read yet is reported
  // unreadable at once. An endpoint that answers now and then is kept.
  int dead_after = 16;
  // Called from worker threads (serialised), at most every progress_interval.
  std::function<void(const CollectProgress&)> progress;
  std::chrono::milliseconds progress_interval{200};
};

struct ResourceId {
  ResourceKind kind = ResourceKind::training_job;
  std::string name;
  std::string arn;
  std::string region;
  std::string account;  // RegionTarget::account
};

struct DescribedResource {
  ResourceId id;
  nlohmann::json described;  // the Describe* response
  nlohmann::json tags;       // the ListTags Tags array (all pages)
};

struct UnreadableResource {
  ResourceId id;
  std::string error;  // "DescribeTrainingJob: AccessDeniedException: ..."
};

// A List* that failed: its resources are unknown, so the audit is incomplete.
struct ListFailure {
  std::string region;
  ResourceKind kind = ResourceKind::training_job;
  std::string error;
  std::string account;
};

// An account that could not be audited at all (its role could not be
// assumed, its regions not listed): nothing of it was read.
struct AccountFailure {
  std::string account;
  std::string name;  // the accounts file's or Organizations' name; may be empty
  std::string error;
};

struct CollectStats {
  uint64_t listed = 0;
  uint64_t calls = 0;
  uint64_t requeued = 0;  // reads put back for another round
  std::vector<std::string> skipped_kinds;  // kinds --status does not apply to
  double seconds = 0;
};

struct Inventory {
  std::vector<std::string> regions;  // every region asked, found something or not
  std::vector<std::string> accounts;  // every non-empty RegionTarget::account, sorted, unique
  // Sorted by account, region, kind (audit order), name: output is stable.
  std::vector<DescribedResource> described;
  std::vector<UnreadableResource> unreadable;
  std::vector<ResourceId> vanished;
  std::vector<ListFailure> list_failures;
  // Filled by the caller, not the collector: accounts not audited at all,
  // and the names of accounts (id -> name) for the reports.
  std::vector<AccountFailure> account_failures;
  std::map<std::string, std::string> account_names;
  CollectStats stats;
};

// True for the answers that say the resource no longer exists:
// ResourceNotFound, or a ValidationException saying it cannot be found.
bool is_not_found(const aws::AwsError& e);

// The longest run of [A-Za-z0-9-] in a glob's literal text: usable as
// NameContains (a pre-filter; the glob itself decides). Empty if none.
std::string name_contains_hint(std::string_view glob);

Inventory collect_inventory(const std::vector<RegionTarget>& targets, const CollectOptions& opts);

}  // namespace sageguard::audit
