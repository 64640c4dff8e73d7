package io.strata.tsdb.engine;

import static io.strata.tsdb.engine.StoreFixtures.MAX;
import static io.strata.tsdb.engine.StoreFixtures.MIN;
import static io.strata.tsdb.engine.StoreFixtures.T0;
import static io.strata.tsdb.engine.StoreFixtures.config;
import static io.strata.tsdb.engine.StoreFixtures.counter;
import static io.strata.tsdb.engine.StoreFixtures.readRaw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.format.Box;
import io.strata.tsdb.format.ChunkRecord;
import io.strata.tsdb.format.Keys;
import io.strata.tsdb.tools.Inspector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/** One damaged byte is found, named (key or file, offset, expected, actual) and costs only what it damaged. */
class CorruptionTest {
  @TempDir Path dir;

  private final Labels a = counter("a");
  private final Labels b = counter("b");
  private final TreeMap<Long, Long> expectA = new TreeMap<>();
  private final TreeMap<Long, Long> expectB = new TreeMap<>();

  /** 3 h at 15 s for series a, b and {@code more} others: three 1 h blocks, compacted into one 4 h group. */
  private void write(int more) throws Exception {
    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      java.util.Random r = new java.util.Random(5);
      for (int i = 0; i < 720; i++) {
        long t = T0 + i * 15_000L;
        s.append("t", a, t, i);
        s.append("t", b, t, -i);
        expectA.put(t, Double.doubleToRawLongBits(i));
        expectB.put(t, Double.doubleToRawLongBits(-i));
        for (int k = 0; k < more; k++) {
          s.append("t", counter("noise", "k", Integer.toString(k)), t, r.nextGaussian());
        }
      }
      s.commit(Map.of("p/0", 720L));
      s.flush(); // every chunk persisted; a compacted 4 h group
    }
  }

  @Test
  void flippedByteInOneChunkValueIsNamedAndOnlyThatChunkIsLost() throws Exception {
    write(0);
    byte[] damagedKey;
    ChunkRecord damaged;
    int flipAt;
    try (Options o = new Options(); RocksDB db = RocksDB.open(o, dir.toString()); RocksIterator it = db.newIterator()) {
      // the chunk of series a that starts at T0 + 1 h
      it.seek(Keys.chunkPrefix(0, T0, 1));
      while (Keys.chunkMinT(it.key()) < T0 + 3600_000L) {
        it.next();
      }
      damagedKey = it.key();
      byte[] v = it.value();
      damaged = ChunkRecord.decode(v, "test");
      flipAt = v.length / 2;
      v[flipAt] ^= 0x10;
      db.put(damagedKey, v);
    }
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    Inspector.Report report = Inspector.inspect(dir, new PrintStream(text, true));
    assertFalse(report.ok());
    String err = report.errors().get(0);
    assertTrue(err.contains(Keys.describe(damagedKey)), err);
    assertTrue(err.matches(".*offset \\d+: expected CRC32C 0x[0-9a-f]{8}, actual CRC32C 0x[0-9a-f]{8}"), err);
    assertTrue(text.toString().contains("1 error(s)"), text.toString());

    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      var got = readRaw(s, "t", MIN, MAX);
      assertEquals(expectB, got.get(b), "the other series is whole");
      TreeMap<Long, Long> wantA = new TreeMap<>(expectA);
      wantA.subMap(damaged.minT(), true, damaged.maxT(), true).clear();
      assertEquals(wantA, got.get(a), "series a lost exactly the damaged chunk");
      assertTrue(s.metrics().corruptions.sum() > 0);
    }
  }

  @Test
  void flippedByteInAnSstFileIsNamedWithFileAndOffsetAndTheRestIsServed() throws Exception {
    write(150); // ~ 700 KB of chunks: many 16 KB RocksDB data blocks
    Path sst;
    try (var files = Files.list(dir)) {
      sst = files.filter(p -> p.toString().endsWith(".sst")).max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(sst.toFile(), "rw")) {
      long at = f.length() / 3; // keys sort B, C, H, M, O, S: a third in is chunk data
      f.seek(at);
      int x = f.read();
      f.seek(at);
      f.write(x ^ 0x01);
    }
    Inspector.Report report = Inspector.inspect(dir, new PrintStream(new ByteArrayOutputStream(), true));
    assertFalse(report.ok());
    String all = String.join("\n", report.errors());
    assertTrue(all.contains(sst.getFileName().toString()), all);
    assertTrue(all.toLowerCase().contains("checksum mismatch") || all.toLowerCase().contains("corrupt"), all);

    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      var got = readRaw(s, "t", MIN, MAX);
      long served = 0;
      for (var e : got.values()) {
        served += e.size();
      }
      long total = 152 * 720L;
      assertEquals(expectA, got.get(a), "series a sorts first, far from the damage");
      assertTrue(served > total / 2, "undamaged RocksDB blocks are still served: " + served + " of " + total);
      assertTrue(served < total, "the damaged RocksDB block is not served");
      assertTrue(s.metrics().corruptions.sum() > 0);
      assertNotNull(Box.class);
    }
  }
}
