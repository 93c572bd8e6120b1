// What the AWS callers do when SigV4 cannot sign because libcrypto cannot be
// loaded: JsonClient answers SigningUnavailable and DescribeRegions returns
// the same error, both without sending anything and without retrying.
//
// Neither caller takes a signer or a crypto source, and crypto_api() loads
// once per process and caches the outcome, so libcrypto cannot be made
// unavailable in this process after another test has loaded it. Each test
// therefore runs its own body again in a child process (this executable,
// filtered to the one test) whose LD_LIBRARY_PATH starts with a directory
// holding empty files named libcrypto.so.3 and libcrypto.so: the dynamic
// loader finds those first and refuses them ("file too short"), which is what
// a machine without libcrypto looks like to crypto_api(). The parent passes
// when the child ran that one test and it passed.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "aws/crypto_loader.h"
#include "sageguard/aws/ec2_regions.h"
#include "aws/json_client.h"
#include "test_support.h"

extern char** environ;

namespace {

namespace aws = sageguard::aws;
using nlohmann::json;

// Set in the child's environment; its presence is what makes a test run its
// real body instead of spawning.
const char kChildVar[] = "SG_TEST_SIGNING_WITHOUT_LIBCRYPTO";

bool in_child() { return std::getenv(kChildVar) != nullptr; }

// The child's environment: ours without GTEST_* (a sharded or XML-writing
// parent must not make the child skip its test or overwrite the report),
// with the fake-library directory in front of LD_LIBRARY_PATH.
std::vector<std::string> child_environment(const std::string& fake_lib_dir) {
  std::vector<std::string> env;
  std::string library_path = fake_lib_dir;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string var = *e;
    if (var.starts_with("GTEST_") || var.starts_with(std::string(kChildVar) + "=")) continue;
    if (var.starts_with("LD_LIBRARY_PATH=")) {
      const std::string old = var.substr(std::strlen("LD_LIBRARY_PATH="));
      if (!old.empty()) library_path += ":" + old;
      continue;
    }
    env.push_back(var);
  }
  env.push_back("LD_LIBRARY_PATH=" + library_path);
  env.push_back(std::string(kChildVar) + "=1");
  return env;
}

struct ChildRun {
  bool finished = false;  // exited on its own before the watchdog
  int status = 0;         // waitpid status
  std::string output;     // stdout and stderr, interleaved
};

// Runs this executable on `test_name` alone in the environment above. The
// watchdog is not a timing assertion: it turns a child that never returns
// (a retry loop that does not end) into a failure instead of a hung run.
ChildRun run_self_without_libcrypto(const std::string& test_name) {
  ChildRun run;
  sgtest::TempDir fake;
  sgtest::write_file(fake / "libcrypto.so.3", "");
  sgtest::write_file(fake / "libcrypto.so", "");

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    run.output = "pipe2 failed";
    return run;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);

  std::vector<std::string> args = {"aws_tests", "--gtest_filter=" + test_name, "--gtest_color=no"};
  std::vector<std::string> env = child_environment(fake.path().string());
  auto pointers = [](std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
  };
  std::vector<char*> argv = pointers(args);
  std::vector<char*> envp = pointers(env);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (spawned != 0) {
    close(pipe_fds[0]);
    run.output = std::string("posix_spawn failed: ") + std::strerror(spawned);
    return run;
  }

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  bool eof = false;
  while (!eof) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{pipe_fds[0], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    const ssize_t n = read(pipe_fds[0], buf, sizeof buf);
    if (n > 0) {
      run.output.append(buf, static_cast<size_t>(n));
    } else {
      eof = true;
    }
  }
  close(pipe_fds[0]);
  if (!eof) kill(pid, SIGKILL);  // only the child started above
  waitpid(pid, &run.status, 0);
  run.finished = eof;
  return run;
}

// In the parent: runs the current test in a child without libcrypto and
// fails unless that child ran exactly this test and it passed.
void expect_passes_without_libcrypto() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string name = std::string(info->test_suite_name()) + "." + info->name();
  const ChildRun run = run_self_without_libcrypto(name);
  ASSERT_TRUE(run.finished) << "the child did not finish within the watchdog; output:\n"
                            << run.output;
  const bool exited_0 = WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0;
  // Exit 0 alone would also be a filter that matched nothing.
  const bool ran_and_passed = run.output.find("[  PASSED  ] 1 test.") != std::string::npos;
  EXPECT_TRUE(exited_0 && ran_and_passed) << "the child (" << name << " without libcrypto) "
                                          << (exited_0 ? "did not run the test" : "failed")
                                          << "; its output:\n" << run.output;
}

// The error crypto_api() gives in this process. Asserted by each child first:
// without it the fake directory did not take effect and the test would prove
// nothing.
std::string loader_error() {
  auto api = aws::crypto_api();
  if (api.ok()) {
    ADD_FAILURE() << "libcrypto loaded although LD_LIBRARY_PATH puts empty files first";
    return "";
  }
  return api.error().message;
}

class CountingCredentials : public aws::CredentialsProvider {
 public:
  sageguard::Result<aws::Credentials> credentials() override {
    ++calls;
    return aws::Credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                            "FwoGZXIvYXdzEXAMPLESESSIONTOKEN", std::nullopt, "test"};
  }
  std::atomic<int> calls{0};
};

// Answers 200 "{}" to everything, so a request that did get through would
// succeed and be visible; counts what it is sent.
class CountingTransport : public aws::HttpTransport {
 public:
  aws::HttpOutcome send(const aws::HttpRequest&) override {
    ++sent;
    aws::HttpResponse r;
    r.status = 200;
    r.body = "{}";
    return r;
  }
  std::atomic<int> sent{0};
};

TEST(SigningWithoutLibcrypto, JsonClientAnswersSigningUnavailableWithoutSendingOrRetrying) {
  if (!in_child()) return expect_passes_without_libcrypto();
  const std::string why = loader_error();
  ASSERT_FALSE(why.empty());
  ASSERT_NE(why.find("libcrypto"), std::string::npos) << why;

  auto transport = std::make_shared<CountingTransport>();
  auto creds = std::make_shared<CountingCredentials>();
  int sleeps = 0, draws = 0;
  std::vector<std::string> traces;
  aws::JsonClientConfig cfg;
  cfg.region = "us-east-1";
  cfg.endpoint = "https://api.sagemaker.us-east-1.amazonaws.com";
  cfg.retry.max_attempts = 5;  // room to retry, so a retry would show
  cfg.sleeper = [&](std::chrono::milliseconds) { ++sleeps; };
  cfg.random = [&] { ++draws; return 0.5; };
  cfg.trace = [&](const std::string& t) { traces.push_back(t); };
  aws::JsonClient client(cfg, creds, transport);
  const int quota = client.retry_quota_available();

  const aws::CallOutcome o = client.call_detailed("ListTrainingJobs", json::object());
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error.code, "SigningUnavailable");
  EXPECT_EQ(o.error.kind, aws::AwsErrorKind::config);
  EXPECT_FALSE(o.error.retryable);
  EXPECT_EQ(o.error.message, why);  // the loader's message, unchanged
  EXPECT_EQ(o.error.http_status, 0);
  EXPECT_FALSE(o.earlier_attempt_ambiguous);
  // One pass through the loop, nothing sent, and the retry machinery
  // (backoff draw, sleep, quota) never reached.
  EXPECT_EQ(o.attempts, 1);
  EXPECT_EQ(creds->calls, 1);
  EXPECT_EQ(transport->sent, 0);
  EXPECT_EQ(sleeps, 0);
  EXPECT_EQ(draws, 0);
  EXPECT_EQ(client.retry_quota_available(), quota);
  EXPECT_TRUE(traces.empty()) << traces.front();  // no request trace: none was sent

  // Through call(): the CLI's error, naming the operation and the code.
  auto r = client.call("DescribeTrainingJob", json{{"TrainingJobName", "j"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, sageguard::ErrorCode::aws);
  EXPECT_EQ(r.error().message, "DescribeTrainingJob: SigningUnavailable: " + why);
  EXPECT_EQ(creds->calls, 2);
  EXPECT_EQ(transport->sent, 0);
  EXPECT_EQ(sleeps, 0);
}

TEST(SigningWithoutLibcrypto, DescribeRegionsGivesTheSameErrorWithoutSendingOrRetrying) {
  if (!in_child()) return expect_passes_without_libcrypto();
  const std::string why = loader_error();
  ASSERT_FALSE(why.empty());

  aws::MapEnv env({{"AWS_MAX_ATTEMPTS", "5"}});  // room to retry, so a retry would show
  auto transport = std::make_shared<CountingTransport>();
  auto creds = std::make_shared<CountingCredentials>();
  int sleeps = 0;
  std::vector<std::string> traces;
  auto options = [&] {
    aws::Ec2RegionsOptions o;
    o.region = "eu-west-1";
    o.env = &env;
    o.transport = transport;
    o.credentials = creds;
    o.sleeper = [&](std::chrono::milliseconds) { ++sleeps; };
    o.trace = [&](const std::string& t) { traces.push_back(t); };
    return o;
  };

  auto r = aws::describe_regions(options());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, sageguard::ErrorCode::aws);
  // What JsonClient::call says for the same failure, with this operation.
  aws::AwsError expected;
  expected.kind = aws::AwsErrorKind::config;
  expected.code = "SigningUnavailable";
  expected.message = why;
  EXPECT_EQ(r.error().message, expected.to_error("DescribeRegions").message);
  EXPECT_EQ(creds->calls, 1);
  EXPECT_EQ(transport->sent, 0);
  EXPECT_EQ(sleeps, 0);
  EXPECT_TRUE(traces.empty()) << traces.front();

  // `audit --region all` goes through enabled_regions: the same error.
  auto enabled = aws::enabled_regions(options());
  ASSERT_FALSE(enabled.ok());
  EXPECT_EQ(enabled.error().message, r.error().message);
  EXPECT_EQ(creds->calls, 2);
  EXPECT_EQ(transport->sent, 0);
  EXPECT_EQ(sleeps, 0);
}

}  // namespace
