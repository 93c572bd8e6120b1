// EC2 DescribeRegions for `audit --region all`: the XML answer (entities,
// CDATA, comments, namespaces), the opt-in filter, hostile documents, and
// the signed query-protocol request with its retries, behind a fake
// transport. (Against moto: tests/integration/test_audit_regions.py.)
#include "sageguard/aws/ec2_regions.h"

#include <gtest/gtest.h>

#include <mutex>

#include "aws/xml_lite.h"

namespace sageguard::aws {
namespace {

const char* kAnswer = R"(<?xml version="1.0" encoding="UTF-8"?>
<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
    <!-- a comment with <regionName>nope</regionName> inside -->
    <regionInfo>
        <item>
            <regionName>us-east-1</regionName>
            <regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint>
            <optInStatus>opt-in-not-required</optInStatus>
        </item>
        <item>
            <regionName>af-south-1</regionName>
            <regionEndpoint>ec2.af-south-1.amazonaws.com</regionEndpoint>
            <optInStatus>not-opted-in</optInStatus>
        </item>
        <item>
            <regionName><![CDATA[ap-east-1]]></regionName>
            <regionEndpoint>ec2.ap-east-1.amazonaws.com</regionEndpoint>
            <optInStatus>opted-in</optInStatus>
        </item>
        <item>
            <regionName>eu-west-1</regionName>
            <regionEndpoint>ec2.eu-west-1.amazonaws.com?a=1&amp;b=&#50;</regionEndpoint>
        </item>
        <item/>
    </regionInfo>
</DescribeRegionsResponse>)";

TEST(Ec2Regions, ParsesTheAnswer) {
  // The empty <item/> has no name: the answer is refused as a whole.
  EXPECT_FALSE(parse_describe_regions(kAnswer).ok());
  std::string answer = kAnswer;
  answer.erase(answer.find("<item/>"), 7);
  auto r = parse_describe_regions(answer);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].name, "us-east-1");
  EXPECT_EQ((*r)[0].opt_in_status, "opt-in-not-required");
  EXPECT_EQ((*r)[2].name, "ap-east-1");
  EXPECT_EQ((*r)[3].endpoint, "ec2.eu-west-1.amazonaws.com?a=1&b=2");
  EXPECT_EQ((*r)[3].opt_in_status, "");
  // not-opted-in is skipped; opted-in and "no status" are kept; sorted.
  EXPECT_EQ(enabled_region_names(*r, "eu-central-1"),
            (std::vector<std::string>{"ap-east-1", "eu-west-1", "us-east-1"}));
}

TEST(Ec2Regions, OnlyTheAskingRegionsPartition) {
  std::vector<Ec2Region> all = {{"us-east-1", "", "opt-in-not-required"},
                                {"cn-north-1", "", "opt-in-not-required"},
                                {"cn-northwest-1", "", ""},
                                {"us-gov-west-1", "", "opt-in-not-required"},
                                {"us-isob-east-1", "", ""},
                                {"eu-west-1", "", "opted-in"},
                                {"eu-west-1", "", "opted-in"}};
  EXPECT_EQ(enabled_region_names(all, "us-west-2"),
            (std::vector<std::string>{"eu-west-1", "us-east-1"}));
  EXPECT_EQ(enabled_region_names(all, "cn-north-1"),
            (std::vector<std::string>{"cn-north-1", "cn-northwest-1"}));
  EXPECT_EQ(enabled_region_names(all, "us-gov-east-1"), (std::vector<std::string>{"us-gov-west-1"}));
  EXPECT_EQ(region_partition("us-isob-east-1"), "aws-iso-b");
  EXPECT_EQ(region_partition("us-iso-east-1"), "aws-iso");
  EXPECT_EQ(region_partition("eu-isoe-west-1"), "aws-iso-e");
  EXPECT_EQ(region_partition("af-south-1"), "aws");
}

TEST(Ec2Regions, ErrorDocumentsAndOtherAnswersAreErrors) {
  auto e = parse_describe_regions(
      "<Response><Errors><Error><Code>AuthFailure</Code><Message>no &lt;access&gt;</Message>"
      "</Error></Errors><RequestID>r-1</RequestID></Response>");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ErrorCode::aws);
  EXPECT_NE(e.error().message.find("AuthFailure: no <access>"), std::string::npos)
      << e.error().message;
  EXPECT_FALSE(parse_describe_regions("<DescribeRegionsResponse/>").ok());
  EXPECT_FALSE(parse_describe_regions("{\"Regions\": []}").ok());
  EXPECT_FALSE(parse_describe_regions("").ok());
}

TEST(XmlLite, RefusesBrokenAndHostileDocuments) {
  EXPECT_FALSE(xml::parse("<a><b></a></b>").ok());
  EXPECT_FALSE(xml::parse("<a>").ok());
  EXPECT_FALSE(xml::parse("<a></a><b></b>").ok());
  EXPECT_FALSE(xml::parse("<a>&unknown;</a>").ok());
  EXPECT_FALSE(xml::parse("<a>&#0;</a>").ok());
  EXPECT_FALSE(xml::parse("<a>&#xD800;</a>").ok());
  EXPECT_FALSE(xml::parse("<a>&#99999999999;</a>").ok());
  EXPECT_FALSE(xml::parse("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>").ok());
  EXPECT_FALSE(xml::parse("<a><!-- unterminated </a>").ok());
  EXPECT_FALSE(xml::parse("<a attr=\"unterminated></a>").ok());
  EXPECT_FALSE(xml::parse("text<a/>").ok());
  // Deep nesting is refused, not recursed into.
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  EXPECT_FALSE(xml::parse(deep).ok());
  std::string fine;
  for (int i = 0; i < 10; ++i) fine += "<a>";
  for (int i = 0; i < 10; ++i) fine += "</a>";
  EXPECT_TRUE(xml::parse(fine).ok());
}

TEST(XmlLite, AttributesMayHoldAngleBracketsAndSlashes) {
  auto r = xml::parse("<a x='1>2' y=\"/>\"><b z=\"q\"/>t&#x41;&lt;</a>");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)->text, "tA<");
  ASSERT_NE((*r)->child("b"), nullptr);
  EXPECT_EQ((*r)->child("b")->children.size(), 0u);
}

// Records requests; answers from a script.
class ScriptedTransport : public HttpTransport {
 public:
  std::vector<HttpOutcome> script;
  std::vector<HttpRequest> seen;

  HttpOutcome send(const HttpRequest& req) override {
    std::lock_guard<std::mutex> lock(mu_);
    seen.push_back(req);
    if (script.empty()) return TransportError{TransportErrorKind::connection, "script ended", false};
    HttpOutcome out = script.front();
    script.erase(script.begin());
    return out;
  }

 private:
  std::mutex mu_;
};

HttpResponse answer(long status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Ec2RegionsOptions options(std::shared_ptr<ScriptedTransport> t, const Env& env) {
  Ec2RegionsOptions o;
  o.region = "eu-west-1";
  o.env = &env;
  o.transport = t;
  o.credentials = std::make_shared<StaticCredentialsProvider>(
      Credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", {}, "test"});
  o.sleeper = [](std::chrono::milliseconds) {};
  return o;
}

TEST(Ec2Regions, SignedQueryRequestRetriedOnServerErrors) {
  MapEnv env;
  std::string ok = kAnswer;
  ok.erase(ok.find("<item/>"), 7);
  auto t = std::make_shared<ScriptedTransport>();
  t->script = {answer(503, "<Response><Errors><Error><Code>Unavailable</Code><Message>busy"
                           "</Message></Error></Errors></Response>"),
               TransportError{TransportErrorKind::connection, "reset", true}, answer(200, ok)};
  auto r = describe_regions(options(t, env));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->size(), 4u);
  ASSERT_EQ(t->seen.size(), 3u);
  const HttpRequest& req = t->seen.back();
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://ec2.eu-west-1.amazonaws.com/");
  EXPECT_EQ(req.body, "Action=DescribeRegions&Version=2016-11-15");
  EXPECT_EQ(req.header("Content-Type").value_or(""),
            "application/x-www-form-urlencoded; charset=utf-8");
  const std::string auth = req.header("Authorization").value_or("");
  EXPECT_NE(auth.find("Credential=AKIDEXAMPLE/"), std::string::npos) << auth;
  EXPECT_NE(auth.find("/eu-west-1/ec2/aws4_request"), std::string::npos) << auth;
  EXPECT_EQ(auth.find("wJalr"), std::string::npos);
}

TEST(Ec2Regions, AuthFailureIsNotRetriedAndNamesTheCode) {
  MapEnv env({{"AWS_ENDPOINT_URL", "http://127.0.0.1:9/"}});
  auto t = std::make_shared<ScriptedTransport>();
  t->script = {answer(401, "<Response><Errors><Error><Code>AuthFailure</Code><Message>AWS was "
                           "not able to validate the provided access credentials</Message>"
                           "</Error></Errors><RequestID>x</RequestID></Response>")};
  auto r = describe_regions(options(t, env));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::aws);
  EXPECT_NE(r.error().message.find("DescribeRegions: AuthFailure"), std::string::npos)
      << r.error().message;
  ASSERT_EQ(t->seen.size(), 1u);
  EXPECT_EQ(t->seen[0].url, "http://127.0.0.1:9/");
}

TEST(Ec2Regions, EndpointResolution) {
  MapEnv env({{"AWS_ENDPOINT_URL", "https://all.example"}});
  EXPECT_EQ(*resolve_ec2_endpoint(env, "", "us-west-2"), "https://all.example");
  env.set("AWS_ENDPOINT_URL_EC2", "https://ec2.example/");
  EXPECT_EQ(*resolve_ec2_endpoint(env, "", "us-west-2"), "https://ec2.example");
  EXPECT_EQ(*resolve_ec2_endpoint(MapEnv{}, "", "us-west-2"), "https://ec2.us-west-2.amazonaws.com");
  EXPECT_FALSE(resolve_ec2_endpoint(MapEnv{}, "http://ec2.example", "us-west-2").ok());
  EXPECT_TRUE(resolve_ec2_endpoint(MapEnv{}, "http://localhost:5000", "us-west-2").ok());
  // The explicit URL wins over both variables; an error names where the URL came from.
  EXPECT_EQ(*resolve_ec2_endpoint(env, "https://flag.example", "us-west-2"), "https://flag.example");
  auto bad = resolve_ec2_endpoint(MapEnv({{"AWS_ENDPOINT_URL_EC2", "ftp://ec2.example"}}), "", "us-west-2");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("AWS_ENDPOINT_URL_EC2 is not an http(s) URL"), std::string::npos)
      << bad.error().message;
  // The regional host needs a region.
  EXPECT_FALSE(resolve_ec2_endpoint(MapEnv{}, "", "").ok());
}

}  // namespace
}  // namespace sageguard::aws
