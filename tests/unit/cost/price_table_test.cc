#include "sageguard/cost/price_table.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace sageguard::cost {
namespace {

using nlohmann::json;

// A miniature offer file in the AWS Price List format (docs/aws-notes.md).
json offer_file() {
  auto product = [](const std::string& sku, const std::string& family, const std::string& inst,
                    const std::string& region, const std::string& plato) {
    return json{{"sku", sku},
                {"productFamily", family},
                {"attributes",
                 {{"instanceName", inst}, {"regionCode", region}, {"location", "somewhere"},
                  {"usagetype", "USE1-x:" + inst}, {"platoinstancetype", plato}}}};
  };
  auto term = [](const std::string& sku, const std::string& usd, const std::string& unit = "Hrs") {
    return json{{sku + ".JRTCKXETXF",
                 {{"offerTermCode", "JRTCKXETXF"},
                  {"sku", sku},
                  {"priceDimensions",
                   {{sku + ".JRTCKXETXF.6YS6EN2CT7", {{"unit", unit}, {"pricePerUnit", {{"USD", usd}}}}}}}}}};
  };
  json f = {{"formatVersion", "v1.0"}, {"offerCode", "AmazonSageMaker"}, {"version", "20240601"},
            {"publicationDate", "2024-06-01T00:00:00Z"}};
  f["products"]["SKU1"] = product("SKU1", "ML Instance", "ml.p3.2xlarge", "us-east-1", "Training");
  f["products"]["SKU2"] = product("SKU2", "ML Instance", "ml.m5.large", "us-east-1", "Hosting");
  f["products"]["SKU3"] = product("SKU3", "ML Instance", "ml.m5.large", "eu-west-1", "Training");
  f["products"]["SKU4"] = product("SKU4", "ML Instance", "ml.m5.xlarge", "us-east-1", "Processing");
  f["products"]["SKU5"] = product("SKU5", "ML Instance", "ml.c5.xlarge", "us-east-1", "BatchTransform");
  f["products"]["SKU6"] = product("SKU6", "ML Instance", "ml.p3.2xlarge", "us-east-1", "SpotTraining");
  f["products"]["SKU7"] = product("SKU7", "ML Storage", "ml.m5.large", "us-east-1", "Training");
  f["products"]["SKU8"] = product("SKU8", "ML Instance", "ml.t2.medium", "us-east-1", "Hosting");  // free tier
  f["products"]["SKU9"] = product("SKU9", "ML Instance", "ml.m5.large", "us-east-1", "Training");
  f["products"]["SKU10"] = product("SKU10", "ML Instance", "ml.m5.large", "us-east-1", "Training");
  f["terms"]["OnDemand"]["SKU1"] = term("SKU1", "3.8250000000");
  f["terms"]["OnDemand"]["SKU2"] = term("SKU2", "0.1150000000");
  f["terms"]["OnDemand"]["SKU3"] = term("SKU3", "0.1280000000");
  f["terms"]["OnDemand"]["SKU4"] = term("SKU4", "0.2300000000");
  f["terms"]["OnDemand"]["SKU5"] = term("SKU5", "0.2040000000");
  f["terms"]["OnDemand"]["SKU6"] = term("SKU6", "1.1475000000");
  f["terms"]["OnDemand"]["SKU7"] = term("SKU7", "0.1400000000", "GB-Mo");
  f["terms"]["OnDemand"]["SKU8"] = term("SKU8", "0.0000000000");
  // Two SKUs for one key (e.g. two usage types): the higher price is kept.
  f["terms"]["OnDemand"]["SKU9"] = term("SKU9", "0.1150000000");
  f["terms"]["OnDemand"]["SKU10"] = term("SKU10", "0.1200000000");
  f["terms"]["Reserved"] = json::object();
  return f;
}

TEST(PriceTable, ReadsOfferFile) {
  auto t = PriceTable::from_offer_json(offer_file().dump(), "offer.json");
  ASSERT_TRUE(t.ok()) << t.error().describe();
  EXPECT_EQ(t->date(), "2024-06-01T00:00:00Z");
  EXPECT_DOUBLE_EQ(t->hourly("us-east-1", Component::training, "ml.p3.2xlarge").value(), 3.825);
  EXPECT_DOUBLE_EQ(t->hourly("us-east-1", Component::hosting, "ml.m5.large").value(), 0.115);
  EXPECT_DOUBLE_EQ(t->hourly("eu-west-1", Component::training, "ml.m5.large").value(), 0.128);
  EXPECT_DOUBLE_EQ(t->hourly("us-east-1", Component::processing, "ml.m5.xlarge").value(), 0.23);
  EXPECT_DOUBLE_EQ(t->hourly("us-east-1", Component::batch_transform, "ml.c5.xlarge").value(), 0.204);
  EXPECT_DOUBLE_EQ(t->hourly("us-east-1", Component::training, "ml.m5.large").value(), 0.12);
  // Spot SKUs and storage are not on-demand instance prices; zero is never a price.
  EXPECT_FALSE(t->hourly("us-east-1", Component::hosting, "ml.t2.medium").has_value());
  EXPECT_FALSE(t->hourly("us-east-1", Component::training, "ml.p3.8xlarge").has_value());
  EXPECT_FALSE(t->hourly("eu-west-1", Component::training, "ml.p3.2xlarge").has_value());
  EXPECT_EQ(t->size(), 6u);
}

TEST(PriceTable, OfferFileFromDiskAndLoadFileDetectsFormat) {
  sgtest::TempDir dir;
  sgtest::write_file(dir / "offer.json", offer_file().dump(1));
  auto t = PriceTable::load_file((dir / "offer.json").string());
  ASSERT_TRUE(t.ok()) << t.error().describe();
  EXPECT_TRUE(t->hourly("us-east-1", Component::training, "ml.p3.2xlarge").has_value());
  auto missing = PriceTable::from_offer_file((dir / "nope.json").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::io);
}

TEST(PriceTable, InvalidOfferFilesAreErrors) {
  EXPECT_FALSE(PriceTable::from_offer_json("{\"products\": {", "x.json").ok());
  auto no_products = PriceTable::from_offer_json("{\"offerCode\": \"AmazonSageMaker\"}", "x.json");
  ASSERT_FALSE(no_products.ok());
  EXPECT_EQ(no_products.error().file, "x.json");
  EXPECT_FALSE(PriceTable::from_offer_json("{\"products\": {}}", "x.json").ok());  // no terms
}

TEST(PriceTable, BuiltinTableStatesDateAndSourceAndHasCommonTypes) {
  auto t = PriceTable::builtin();
  ASSERT_TRUE(t.ok()) << t.error().describe();
  EXPECT_FALSE(t->date().empty());
  // It says where its rates came from: by hand, not an offer file.
  EXPECT_NE(t->source().find("by hand"), std::string::npos);
  EXPECT_DOUBLE_EQ(t->hourly("us-east-1", Component::training, "ml.p3.2xlarge").value(), 3.825);
  EXPECT_DOUBLE_EQ(t->hourly("us-east-1", Component::training, "ml.m5.large").value(), 0.115);
  // The older families too: real jobs on them were refused as "not priced".
  for (const char* type : {"ml.m5.xlarge", "ml.c5.xlarge", "ml.g5.xlarge", "ml.p3.2xlarge", "ml.g4dn.xlarge",
                           "ml.p4d.24xlarge", "ml.r5.large", "ml.m4.xlarge", "ml.c4.xlarge", "ml.p2.xlarge",
                           "ml.m4.16xlarge", "ml.p2.16xlarge"}) {
    EXPECT_TRUE(t->hourly("us-east-1", Component::training, type).has_value()) << type;
    EXPECT_TRUE(t->hourly("us-east-1", Component::hosting, type).has_value()) << type;
  }
  EXPECT_TRUE(t->hourly("us-east-1", Component::hosting, "ml.t3.medium").has_value());
  EXPECT_FALSE(t->hourly("us-east-1", Component::training, "ml.nonexistent.large").has_value());
  EXPECT_FALSE(t->hourly("ap-south-1", Component::training, "ml.m5.large").has_value());
}

TEST(PriceTable, CompactTableRejectsNonPositivePrices) {
  auto bad = PriceTable::from_compact_json(
      R"({"date":"d","source":"s","regions":{"us-east-1":{"training":{"ml.m5.large":0}}}})", "p.json");
  EXPECT_FALSE(bad.ok());
  auto comp = PriceTable::from_compact_json(
      R"({"date":"d","source":"s","regions":{"us-east-1":{"gpu":{"ml.m5.large":1}}}})", "p.json");
  EXPECT_FALSE(comp.ok());
}

}  // namespace
}  // namespace sageguard::cost
