// The audit's work queue: List* pages, Describe* calls and ListTags calls are
// independent tasks run by a pool of workers, so describes start while later
// pages are still being listed. The next page of a list goes to the front of
// the queue: pages can only be read one after another, so that chain is the
// critical path, and waiting behind a page's worth of describes would leave
// workers idle later. A task that fails with a retryable error (after the
// client's own attempts) goes back in the queue with a delay; the rate
// limiter in the transport meanwhile slows everyone down.
//
// A region whose endpoint stops answering ends early: once `dead_after`
// calls in a row got no HTTP answer at all (each after the attempts the
// client's retry quota allowed; a spent quota allows one), no further call
// is made there, and every resource not yet read is reported unreadable
// (every list not finished, failed). A dead endpoint then costs a few
// connect or stall timeouts, not several per resource.
//
// Pagination is bounded (kMaxPages) and a NextToken seen before in the same
// listing stops it with an error naming the operation: a service cycling
// A, B, A, B would otherwise be listed for ever.
//
// Waking: a new task wakes one idle worker; only the end of the work wakes
// them all. (Waking every worker after every task made a 64-worker audit
// spend most of its CPU time in the scheduler.)
#include "audit/collector.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "sageguard/audit/audit_kinds.h"
#include "util/glob.h"

namespace sageguard::audit {

bool is_not_found(const aws::AwsError& e) {
  if (e.kind != aws::AwsErrorKind::service) return false;
  if (e.code == "ResourceNotFound" || e.code == "ResourceNotFoundException") return true;
  if (e.code != "ValidationException") return false;
  // SageMaker answers a missing resource with a ValidationException whose
  // text varies by operation: "Could not find model ...", "Requested
  // resource not found.", "... does not exist".
  for (const char* phrase : {"not find", "not found", "does not exist"}) {
    if (e.message.find(phrase) != std::string::npos) return true;
  }
  return false;
}

namespace {
constexpr size_t kMaxNameContains = 63;
}  // namespace

std::string name_contains_hint(std::string_view glob) {
  std::string best, run;
  auto flush = [&] {
    if (run.size() > best.size()) best = run;
    run.clear();
  };
  for (char c : glob) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-';
    if (ok) {
      run.push_back(c);
    } else {
      flush();
    }
  }
  flush();
  // NameContains and its kin take at most 63 characters; any part of the
  // literal text is as good a pre-filter.
  if (best.size() > kMaxNameContains) best.resize(kMaxNameContains);
  return best;
}

namespace {

using Clock = std::chrono::steady_clock;

// As many pages as JsonClient::paginate (and so `cost --jobs`) reads.
constexpr int kMaxPages = 10000;

enum class TaskType { list_page, describe, tags };

struct Task {
  TaskType type = TaskType::list_page;
  size_t target = 0;
  const AuditKindInfo* kind = nullptr;
  std::string token;  // list_page: NextToken of this page ("" = first)
  size_t chain = 0;   // list_page: which listing (index into chains_)
  size_t item = 0;    // describe / tags
  int round = 0;
  Clock::time_point not_before{};
};

struct Item {
  ResourceId id;
  std::string describe_value;  // what Describe* takes when not the name (AuditKindInfo::describe_from)
  std::string parent;          // the domain of a user profile or space (AuditKindInfo::parent_key)
  nlohmann::json described;
  nlohmann::json tags = nlohmann::json::array();
  std::string tags_token;  // where ListTags resumes after a failed page
  bool vanished = false;
  std::string error;
  int pending = 2;  // describe + tags
};

enum class Verdict { ok, retry, vanished, failed };

bool retryable(const aws::AwsError& e) {
  return e.retryable || e.kind == aws::AwsErrorKind::connection ||
         e.kind == aws::AwsErrorKind::timeout;
}

// No HTTP answer came back at all.
bool no_answer(const aws::AwsError& e) {
  return e.kind == aws::AwsErrorKind::connection || e.kind == aws::AwsErrorKind::timeout;
}

// One List* of one kind in one region: the tokens its pages returned.
struct Chain {
  std::set<std::string> tokens;
  int pages = 0;
};

// What the collector knows about one region's endpoint.
struct TargetHealth {
  int silent_calls = 0;  // calls in a row that got no HTTP answer
  std::string dead;      // why the region was given up; empty while alive
};

class Collector {
 public:
  Collector(const std::vector<RegionTarget>& targets, const CollectOptions& opts)
      : targets_(targets),
        opts_(opts),
        start_(Clock::now()),
        health_(targets.size()),
        target_in_flight_(targets.size(), 0) {
    const int workers = std::max(1, opts_.concurrency);
    const int n = static_cast<int>(std::max<size_t>(1, targets.size()));
    // Twice a fair share, so a target whose calls are quick can use what a
    // slow one leaves; one target is never capped.
    target_cap_ = n == 1 ? workers : std::max(2, 2 * ((workers + n - 1) / n));
    capped_ = target_cap_ < workers;
  }

  Inventory run() {
    std::vector<ResourceKind> kinds = opts_.kinds;
    if (kinds.empty()) {
      std::vector<std::string> none;
      kinds = parse_kinds("", none);  // the default set, as --kinds without a value
    }
    for (ResourceKind k : kinds) {
      const AuditKindInfo* info = audit_kind(k);
      if (!info) continue;
      if (opts_.filter.status) {
        const auto& st = info->statuses;
        if (std::find(st.begin(), st.end(), *opts_.filter.status) == st.end()) {
          stats_.skipped_kinds.emplace_back(info->flag);
          continue;
        }
      }
      for (size_t t = 0; t < targets_.size(); ++t) {
        Task task;
        task.type = TaskType::list_page;
        task.target = t;
        task.kind = info;
        task.chain = chains_.size();
        chains_.emplace_back();
        ready_.push_back(std::move(task));
        ++lists_outstanding_;
      }
    }
    const int n = std::max(1, opts_.concurrency);
    std::vector<std::thread> pool;
    for (int i = 1; i < n; ++i) pool.emplace_back([this] { work(); });
    work();
    for (auto& t : pool) t.join();
    return finish();
  }

 private:
  void work() {
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
      promote_due(Clock::now());
      if (auto next = pick(); next != ready_.end()) {
        Task t = std::move(*next);
        ready_.erase(next);
        ++in_flight_;
        ++target_in_flight_[t.target];
        lk.unlock();
        run_task(t);
        lk.lock();
        --in_flight_;
        --target_in_flight_[t.target];
        if (all_done()) {
          cv_.notify_all();
        } else if (capped_ && !ready_.empty()) {
          cv_.notify_one();  // a task its target's cap held back may go now
        }
        report_progress(false);
        continue;
      }
      if (all_done()) {
        cv_.notify_all();
        return;
      }
      if (!delayed_.empty()) {
        auto earliest = std::min_element(delayed_.begin(), delayed_.end(),
                                         [](const Task& a, const Task& b) {
                                           return a.not_before < b.not_before;
                                         })->not_before;
        cv_.wait_until(lk, earliest);
      } else {
        cv_.wait(lk);
      }
    }
  }

  // Caller holds mu_. The first ready task whose target has fewer than
  // target_cap_ calls in flight. With many targets the queue holds one
  // target's describes after another: taken in order, every worker would
  // wait in the same few targets' rate limiters while the others idle.
  std::deque<Task>::iterator pick() {
    for (auto it = ready_.begin(); it != ready_.end(); ++it) {
      if (target_in_flight_[it->target] < target_cap_) return it;
    }
    return ready_.end();
  }

  // Caller holds mu_.
  bool all_done() const { return ready_.empty() && delayed_.empty() && in_flight_ == 0; }

  // Caller holds mu_.
  void push_ready(Task t, bool front = false) {
    if (front) {
      ready_.push_front(std::move(t));
    } else {
      ready_.push_back(std::move(t));
    }
    cv_.notify_one();
  }

  // Caller holds mu_.
  void promote_due(Clock::time_point now) {
    if (delayed_.empty()) return;
    for (auto it = delayed_.begin(); it != delayed_.end();) {
      if (it->not_before <= now) {
        const bool page = it->type == TaskType::list_page;
        push_ready(std::move(*it), page);
        it = delayed_.erase(it);
      } else {
        ++it;
      }
    }
  }

  // Caller holds mu_. One idle worker is woken so that it waits for the new
  // deadline (an idle worker may be waiting without one).
  void requeue(Task t) {
    ++t.round;
    ++requeued_;
    t.not_before = Clock::now() + opts_.round_backoff * t.round;
    delayed_.push_back(std::move(t));
    cv_.notify_one();
  }

  // Caller holds mu_.
  void report_progress(bool force) {
    if (!opts_.progress) return;
    const auto now = Clock::now();
    if (!force && now - last_progress_ < opts_.progress_interval) return;
    last_progress_ = now;
    CollectProgress p;
    p.listed = items_.size();
    p.done = done_;
    p.calls = calls_.load();
    p.listing = lists_outstanding_ > 0;
    p.elapsed_seconds = std::chrono::duration<double>(now - start_).count();
    opts_.progress(p);
  }

  aws::CallOutcome call(const Task& t, const std::string& op, const nlohmann::json& body) {
    ++calls_;
    aws::CallOutcome out = targets_[t.target].client->call_detailed(op, body);
    std::lock_guard<std::mutex> lock(mu_);
    TargetHealth& h = health_[t.target];
    if (out.ok() || !no_answer(out.error)) {
      h.silent_calls = 0;
    } else if (++h.silent_calls >= std::max(1, opts_.dead_after) && h.dead.empty()) {
      give_up_target(t.target, op + ": " + out.error.describe());
    }
    return out;
  }

  // Caller holds mu_. From now on the region's tasks fail without a call;
  // those waiting for another round fail at once.
  void give_up_target(size_t target, const std::string& last_error) {
    health_[target].dead = "not read: the endpoint of " + targets_[target].region +
                           " stopped answering (" + last_error +
                           "), so the audit of that region was ended";
    for (Task& d : delayed_) {
      if (d.target == target) d.not_before = Clock::time_point{};
    }
    cv_.notify_all();
  }

  // Caller holds mu_.
  const std::string& dead_reason(const Task& t) const { return health_[t.target].dead; }

  // Caller holds mu_.
  Verdict classify(const Task& t, const aws::AwsError& e) const {
    if (t.type != TaskType::list_page && is_not_found(e)) return Verdict::vanished;
    if (retryable(e) && t.round < opts_.extra_rounds && dead_reason(t).empty()) return Verdict::retry;
    return Verdict::failed;
  }

  void run_task(Task& t) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (const std::string& why = dead_reason(t); !why.empty()) return fail_unread(t, why);
    }
    switch (t.type) {
      case TaskType::list_page: return list_page(t);
      case TaskType::describe: return describe(t);
      case TaskType::tags: return list_tags(t);
    }
  }

  void list_page(Task& t) {
    const AuditKindInfo& k = *t.kind;
    nlohmann::json body = {{"MaxResults", 100}};
    if (!t.token.empty()) body["NextToken"] = t.token;
    const ListFilter& f = opts_.filter;
    // A List* without filters (ListDomains) gets none; add_item applies
    // them to what comes back either way.
    if (f.creation_time_after && k.list_filters) body["CreationTimeAfter"] = *f.creation_time_after;
    if (f.status) body["StatusEquals"] = *f.status;
    if (!k.list_extra_key.empty()) body[std::string(k.list_extra_key)] = k.list_extra_value;
    if (f.name_glob && (k.list_filters || !k.name_contains_key.empty())) {
      std::string hint = name_contains_hint(*f.name_glob);
      if (!k.list_filters) {
        // UserProfileNameContains and SpaceNameContains begin and end with a
        // letter or digit.
        while (!hint.empty() && hint.front() == '-') hint.erase(hint.begin());
        while (!hint.empty() && hint.back() == '-') hint.pop_back();
      }
      if (!hint.empty()) {
        body[k.list_filters ? std::string("NameContains") : std::string(k.name_contains_key)] = hint;
      }
    }
    const std::string op(k.list_operation);
    aws::CallOutcome out = call(t, op, body);
    std::lock_guard<std::mutex> lock(mu_);
    if (!out.ok()) {
      if (classify(t, out.error) == Verdict::retry) return requeue(std::move(t));
      list_failures_.push_back(
          {targets_[t.target].region, k.kind, out.error.to_error(op).message, targets_[t.target].account});
      --lists_outstanding_;
      return;
    }
    const nlohmann::json& page = *out.value;
    auto list = page.find(std::string(k.list_key));
    if (list != page.end() && list->is_array()) {
      for (const auto& s : *list) add_item(t, s);
    }
    Chain& chain = chains_[t.chain];
    ++chain.pages;
    auto next = page.find("NextToken");
    if (next == page.end() || !next->is_string() || next->get<std::string>().empty()) {
      --lists_outstanding_;
      return;
    }
    const std::string token = next->get<std::string>();
    if (!chain.tokens.insert(token).second) {
      list_failures_.push_back({targets_[t.target].region, k.kind,
                                aws::repeated_token_error(op, static_cast<size_t>(chain.pages)).message,
                                targets_[t.target].account});
      --lists_outstanding_;
      return;
    }
    if (chain.pages >= kMaxPages) {
      list_failures_.push_back({targets_[t.target].region, k.kind,
                                op + ": more than " + std::to_string(kMaxPages) + " pages",
                                targets_[t.target].account});
      --lists_outstanding_;
      return;
    }
    Task more;
    more.type = TaskType::list_page;
    more.target = t.target;
    more.kind = t.kind;
    more.chain = t.chain;
    more.token = token;
    push_ready(std::move(more), /*front=*/true);
  }

  // Caller holds mu_. A task of a region given up: a list fails, a
  // resource is unreadable.
  void fail_unread(const Task& t, const std::string& why) {
    if (t.type == TaskType::list_page) {
      list_failures_.push_back({targets_[t.target].region, t.kind->kind,
                                std::string(t.kind->list_operation) + ": " + why, targets_[t.target].account});
      --lists_outstanding_;
      return;
    }
    Item& item = items_[t.item];
    if (item.error.empty() && !item.vanished) {
      item.error = item.parent.empty() ? why : "in domain " + item.parent + ": " + why;
    }
    settle(item);
    // A kind whose ListTags waits for Describe* will not make that call.
    if (t.type == TaskType::describe && !t.kind->parent_key.empty()) settle(item);
  }

  // Caller holds mu_.
  void add_item(const Task& t, const nlohmann::json& summary) {
    const AuditKindInfo& k = *t.kind;
    auto name_it =
        summary.find(std::string(k.summary_name_key.empty() ? k.name_key : k.summary_name_key));
    auto arn_it = summary.find(std::string(k.arn_key));
    if (name_it == summary.end() || !name_it->is_string()) return;
    std::string describe_value;
    if (!k.describe_from.empty()) {
      auto from = summary.find(std::string(k.describe_from));
      if (from == summary.end() || !from->is_string()) return;
      describe_value = from->get<std::string>();
    }
    std::string parent;
    if (!k.parent_key.empty()) {
      auto p = summary.find(std::string(k.parent_key));
      if (p == summary.end() || !p->is_string() || p->get<std::string>().empty()) return;
      parent = p->get<std::string>();
    }
    ResourceId id;
    id.kind = k.kind;
    id.name = name_it->get<std::string>();
    id.arn = arn_it != summary.end() && arn_it->is_string() ? arn_it->get<std::string>() : "";
    id.region = targets_[t.target].region;
    id.account = targets_[t.target].account;
    // The filters are sent to the service and applied again here: a service
    // (or emulator) that ignores one must not widen the audit.
    if (opts_.filter.name_glob && !glob_match(*opts_.filter.name_glob, id.name)) return;
    if (opts_.filter.creation_time_after) {
      auto created = summary.find("CreationTime");
      if (created != summary.end() && created->is_number() &&
          created->get<double>() <= *opts_.filter.creation_time_after) {
        return;
      }
    }
    // A resource created while we page can shift later pages: never take
    // one twice. Two domains may each have a user profile "alice".
    const std::string key = parent.empty() ? id.name : parent + "/" + id.name;
    if (!seen_.insert({id.account, id.region, static_cast<int>(id.kind), key}).second) return;
    const size_t index = items_.size();
    Item item;
    item.id = std::move(id);
    item.describe_value = std::move(describe_value);
    item.parent = std::move(parent);
    items_.push_back(std::move(item));
    // Without an ARN in the summary, ListTags waits for Describe*.
    const bool arn_known = k.parent_key.empty();
    for (TaskType type : {TaskType::describe, TaskType::tags}) {
      if (type == TaskType::tags && !arn_known) break;
      Task d;
      d.type = type;
      d.target = t.target;
      d.kind = t.kind;
      d.item = index;
      push_ready(std::move(d));
    }
  }

  void describe(Task& t) {
    const AuditKindInfo& k = *t.kind;
    nlohmann::json body;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const Item& item = items_[t.item];
      body[std::string(k.name_key)] = item.describe_value.empty() ? item.id.name : item.describe_value;
      if (!k.parent_key.empty()) body[std::string(k.parent_key)] = item.parent;
    }
    const std::string op(k.describe_operation);
    aws::CallOutcome out = call(t, op, body);
    std::lock_guard<std::mutex> lock(mu_);
    Item& item = items_[t.item];
    if (out.ok()) {
      item.described = std::move(*out.value);
    } else {
      switch (classify(t, out.error)) {
        case Verdict::retry: return requeue(std::move(t));
        case Verdict::vanished: item.vanished = true; break;
        default: item.error = out.error.to_error(op).message; break;
      }
    }
    if (!k.parent_key.empty()) return tags_after_describe(t, item);
    settle(item);
  }

  // Caller holds mu_. A kind whose summary has no ARN: ListTags takes the
  // one the Describe* answer gave, or is not made at all.
  void tags_after_describe(const Task& t, Item& item) {
    const AuditKindInfo& k = *t.kind;
    if (item.error.empty() && !item.vanished) {
      auto arn = item.described.find(std::string(k.arn_key));
      if (arn != item.described.end() && arn->is_string() && !arn->get<std::string>().empty()) {
        item.id.arn = arn->get<std::string>();
        settle(item);
        Task tags;
        tags.type = TaskType::tags;
        tags.target = t.target;
        tags.kind = t.kind;
        tags.item = t.item;
        return push_ready(std::move(tags));
      }
      item.error = std::string(k.describe_operation) + ": the answer has no " + std::string(k.arn_key);
    }
    // Name the domain: the same name may be in use in another one.
    if (!item.error.empty()) item.error = "in domain " + item.parent + ": " + item.error;
    settle(item);
    settle(item);
  }

  // Pages already read are kept in the item, so a retry resumes at the page
  // that failed instead of starting over.
  void list_tags(Task& t) {
    std::string arn, token;
    nlohmann::json tags;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const Item& item = items_[t.item];
      arn = item.id.arn;
      token = item.tags_token;
      tags = item.tags.is_array() ? item.tags : nlohmann::json::array();
    }
    std::optional<aws::AwsError> failed;
    std::string broken;  // a pagination that cycles or does not end
    std::set<std::string> seen;
    if (!token.empty()) seen.insert(token);
    for (int page = 1;; ++page) {
      nlohmann::json body = {{"ResourceArn", arn}, {"MaxResults", 100}};
      if (!token.empty()) body["NextToken"] = token;
      aws::CallOutcome out = call(t, "ListTags", body);
      if (!out.ok()) {
        failed = out.error;
        break;
      }
      if (auto it = out.value->find("Tags"); it != out.value->end() && it->is_array()) {
        for (auto& tag : *it) tags.push_back(std::move(tag));
      }
      auto next = out.value->find("NextToken");
      if (next == out.value->end() || !next->is_string() || next->get<std::string>().empty()) {
        token.clear();
        break;
      }
      token = next->get<std::string>();
      if (!seen.insert(token).second) {
        broken = aws::repeated_token_error("ListTags", static_cast<size_t>(page)).message;
        break;
      }
      if (page >= kMaxPages) {
        broken = "ListTags: more than " + std::to_string(kMaxPages) + " pages";
        break;
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    Item& item = items_[t.item];
    item.tags = std::move(tags);
    item.tags_token = token;
    if (!broken.empty()) {
      item.error = broken;
    } else if (failed) {
      switch (classify(t, *failed)) {
        case Verdict::retry: return requeue(std::move(t));
        case Verdict::vanished: item.vanished = true; break;
        default: item.error = failed->to_error("ListTags").message; break;
      }
    }
    settle(item);
  }

  // Caller holds mu_.
  void settle(Item& item) {
    if (--item.pending == 0) ++done_;
  }

  Inventory finish() {
    Inventory inv;
    for (auto& item : items_) {
      if (item.vanished) {
        inv.vanished.push_back(std::move(item.id));
      } else if (!item.error.empty()) {
        inv.unreadable.push_back({std::move(item.id), std::move(item.error)});
      } else {
        inv.described.push_back(
            {std::move(item.id), std::move(item.described), std::move(item.tags)});
      }
    }
    // The ARN orders namesakes of two domains.
    auto key = [](const ResourceId& id) {
      return std::tie(id.account, id.region, id.kind, id.name, id.arn);
    };
    // Stable: namesakes not yet given an ARN keep their listing's order.
    std::stable_sort(inv.described.begin(), inv.described.end(),
                     [&](const auto& a, const auto& b) { return key(a.id) < key(b.id); });
    std::stable_sort(inv.unreadable.begin(), inv.unreadable.end(),
                     [&](const auto& a, const auto& b) { return key(a.id) < key(b.id); });
    std::stable_sort(inv.vanished.begin(), inv.vanished.end(),
                     [&](const auto& a, const auto& b) { return key(a) < key(b); });
    inv.list_failures = std::move(list_failures_);
    // Failures come in the order calls ended; report them in audit order.
    std::stable_sort(inv.list_failures.begin(), inv.list_failures.end(), [](const auto& a, const auto& b) {
      return std::tie(a.account, a.region, a.kind) < std::tie(b.account, b.region, b.kind);
    });
    for (const auto& t : targets_) {
      inv.regions.push_back(t.region);
      if (!t.account.empty()) inv.accounts.push_back(t.account);
    }
    std::sort(inv.accounts.begin(), inv.accounts.end());
    inv.accounts.erase(std::unique(inv.accounts.begin(), inv.accounts.end()), inv.accounts.end());
    stats_.listed = items_.size();
    stats_.calls = calls_.load();
    stats_.requeued = requeued_;
    stats_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    inv.stats = std::move(stats_);
    {
      std::lock_guard<std::mutex> lock(mu_);
      report_progress(true);
    }
    return inv;
  }

  const std::vector<RegionTarget>& targets_;
  const CollectOptions& opts_;
  const Clock::time_point start_;

  std::mutex mu_;
  std::vector<TargetHealth> health_;  // per target
  std::vector<int> target_in_flight_;  // per target
  int target_cap_ = 1;
  bool capped_ = false;
  std::deque<Chain> chains_;          // per listing
  std::condition_variable cv_;
  std::deque<Task> ready_;
  std::vector<Task> delayed_;
  int in_flight_ = 0;
  int lists_outstanding_ = 0;
  std::deque<Item> items_;  // a deque: references stay valid as it grows
  std::set<std::tuple<std::string, std::string, int, std::string>> seen_;
  std::vector<ListFailure> list_failures_;
  std::atomic<uint64_t> calls_{0};
  uint64_t requeued_ = 0;
  uint64_t done_ = 0;
  CollectStats stats_;
  Clock::time_point last_progress_{};
};

}  // namespace

Inventory collect_inventory(const std::vector<RegionTarget>& targets, const CollectOptions& opts) {
  Collector c(targets, opts);
  return c.run();
}

}  // namespace sageguard::audit
