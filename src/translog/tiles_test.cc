#include "translog/tiles.h"

#include <gtest/gtest.h>

#include "base/hex.h"
#include "testing/naive_merkle.h"

namespace vigil::translog {
namespace {

using vigil::testing::NaiveRoot;

Bytes EntryBytes(std::size_t i) { return ToBytes("entry " + std::to_string(i)); }

TEST(TilePaths, EncodeAsTheSpecSays) {
  // Examples from c2sp.org/tlog-tiles.
  EXPECT_EQ(EncodeTileIndex(1234067), "x001/x234/067");
  EXPECT_EQ(EncodeTileIndex(0), "000");
  EXPECT_EQ(EncodeTileIndex(999), "999");
  EXPECT_EQ(EncodeTileIndex(1000), "x001/000");
  EXPECT_EQ(TilePath(0, 1234067, 256), "tile/0/x001/x234/067");
  EXPECT_EQ(TilePath(2, 5, 17), "tile/2/005.p/17");
  EXPECT_EQ(EntryBundlePath(1234067, 112), "tile/entries/x001/x234/067.p/112");
}

TEST(TilePaths, ParseOnlyCanonicalPaths) {
  auto c = ParseTilePath("tile/entries/x001/x234/067.p/112");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->entries);
  EXPECT_EQ(c->index, 1234067u);
  EXPECT_EQ(c->width, 112u);
  c = ParseTilePath("tile/3/x001/000");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->level, 3u);
  EXPECT_EQ(c->index, 1000u);
  EXPECT_EQ(c->width, 256u);
  const char* bad[] = {
      "tile/0/1",        "tile/0/0001",         "tile/00/000",    "tile/64/000",
      "tile/0/x000/001", "tile/0/001/002",      "tile/0/000.p/0", "tile/0/000.p/256",
      "tile/0/000.p/07", "tile/entries/000.p/", "tiles/0/000",    "tile/0/x01/000",
      "tile/0/",         "tile/-1/000"};
  for (const char* p : bad) EXPECT_FALSE(ParseTilePath(p)) << p;
}

TEST(TileBuilder, RootMatchesRfc6962AtEverySizeAcrossTileBoundaries) {
  std::vector<Hash> leaves;
  TileBuilder builder;
  EXPECT_EQ(builder.Root(), EmptyRoot());
  std::size_t full_tiles = 0;
  for (std::size_t i = 0; i < 1100; ++i) {
    leaves.push_back(HashLeaf(EntryBytes(i)));
    builder.Add(leaves.back(), [&](TileBuilder::Tile t) {
      ++full_tiles;
      EXPECT_EQ(t.hashes.size(), 256u);
      if (t.level == 0) {
        EXPECT_EQ(t.hashes.front(), leaves[t.index * 256]);
      }
    });
    ASSERT_EQ(builder.Root(), NaiveRoot(leaves, 0, leaves.size())) << leaves.size();
  }
  EXPECT_EQ(full_tiles, 4u);
}

TEST(TileBuilder, SpecExampleOf70000Entries) {
  // "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level 0
  // tile of width 112, one full level 1 tile, one partial level 1 tile of width 17, and one
  // partial level 2 tile of width 1."
  TileBuilder builder;
  std::size_t full0 = 0, full1 = 0;
  for (std::size_t i = 0; i < 70000; ++i) {
    builder.Add(HashLeaf(EntryBytes(i)),
                [&](TileBuilder::Tile t) { (t.level == 0 ? full0 : full1)++; });
  }
  EXPECT_EQ(full0, 273u);
  EXPECT_EQ(full1, 1u);
  auto partial = builder.PartialTiles();
  ASSERT_EQ(partial.size(), 3u);
  EXPECT_EQ(TilePath(partial[0].level, partial[0].index, partial[0].hashes.size()),
            "tile/0/273.p/112");
  EXPECT_EQ(TilePath(partial[1].level, partial[1].index, partial[1].hashes.size()),
            "tile/1/001.p/17");
  EXPECT_EQ(TilePath(partial[2].level, partial[2].index, partial[2].hashes.size()),
            "tile/2/000.p/1");
  // Rebuilding from the partial tiles alone gives the same root (what recovery relies on).
  std::vector<std::vector<Hash>> edge;
  for (const auto& t : partial) edge.push_back(t.hashes);
  EXPECT_EQ(RootFromPartialTiles(edge), builder.Root());
  TileBuilder restored(70000, edge);
  EXPECT_EQ(restored.Root(), builder.Root());
}

TEST(EntryBundles, RoundTripAndRejectWrongCounts) {
  Bytes bundle;
  AppendToBundle(bundle, AsBytes("a"));
  AppendToBundle(bundle, AsBytes(""));
  AppendToBundle(bundle, Bytes(300, 7));
  EXPECT_EQ(HexEncode(ByteSpan(bundle).first(5)), "0001610000");
  auto entries = ParseBundle(bundle, 3);
  ASSERT_TRUE(entries);
  EXPECT_EQ((*entries)[2].size(), 300u);
  EXPECT_FALSE(ParseBundle(bundle, 2));
  EXPECT_FALSE(ParseBundle(bundle, 4));
  bundle.pop_back();
  EXPECT_FALSE(ParseBundle(bundle, 3));
}

}  // namespace
}  // namespace vigil::translog
