package io.strata.tsdb.simple;

import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.AppendResult;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.RollupCursor;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.SampleCursor;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.Store;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * The minimal store of the foundation: every series in memory, every append also written to one log
 * file ({@code samples.log}: records of [int length][int CRC32C][payload]), fsynced on {@link #commit}
 * before the offsets file is replaced atomically. A torn tail after a crash is cut at the first record
 * whose checksum fails. Not compact and not indexed: the real engine replaces it behind {@link Store}.
 */
public final class SimpleStore implements Store {
  private static final byte RAW = 0;
  /** A rollup window of the seven legacy fields (logs written before exact windows). */
  private static final byte ROLLUP = 1;
  /** A rollup window with every field of {@link RollupPoint}. */
  private static final byte ROLLUP_V2 = 2;

  private record SeriesId(String tenant, Labels labels) {}

  private static final class SeriesData {
    final TreeMap<Long, Double> raw = new TreeMap<>();
    final Map<String, TreeMap<Long, RollupPoint>> rollups = new HashMap<>();
  }

  private final Path dir;
  private final Path logFile;
  private final Path offsetsFile;
  private final FileChannel log;
  private final Map<SeriesId, SeriesData> series = new HashMap<>();
  private Map<String, Long> offsets = new TreeMap<>();

  public SimpleStore(Path dir) {
    this.dir = dir;
    this.logFile = dir.resolve("samples.log");
    this.offsetsFile = dir.resolve("offsets.properties");
    try {
      Files.createDirectories(dir);
      long validLength = replay();
      this.log = FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      log.truncate(validLength);
      log.position(validLength);
      if (Files.exists(offsetsFile)) {
        Properties p = new Properties();
        try (var in = Files.newInputStream(offsetsFile)) {
          p.load(in);
        }
        for (String k : p.stringPropertyNames()) {
          offsets.put(k, Long.parseLong(p.getProperty(k)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open store at " + dir, e);
    }
  }

  public Path directory() {
    return dir;
  }

  private long replay() throws IOException {
    if (!Files.exists(logFile)) {
      return 0;
    }
    long valid = 0;
    try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(logFile), 1 << 16))) {
      while (true) {
        int len;
        int crc;
        byte[] payload;
        try {
          len = in.readInt();
          crc = in.readInt();
          if (len <= 0 || len > (1 << 20)) {
            break;
          }
          payload = new byte[len];
          in.readFully(payload);
        } catch (EOFException e) {
          break;
        }
        CRC32C c = new CRC32C();
        c.update(payload);
        if ((int) c.getValue() != crc) {
          break;
        }
        apply(new DataInputStream(new java.io.ByteArrayInputStream(payload)));
        valid += 8 + len;
      }
    }
    return valid;
  }

  private void apply(DataInputStream in) throws IOException {
    byte kind = in.readByte();
    String tenant = in.readUTF();
    String res = in.readUTF();
    int n = in.readInt();
    String[] pairs = new String[n * 2];
    for (int i = 0; i < pairs.length; i++) {
      pairs[i] = in.readUTF();
    }
    SeriesData s = series.computeIfAbsent(new SeriesId(tenant, Labels.of(pairs)), k -> new SeriesData());
    if (kind == RAW) {
      s.raw.put(in.readLong(), Double.longBitsToDouble(in.readLong()));
    } else {
      RollupPoint p = new RollupPoint(in.readLong(), in.readLong(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble());
      if (kind == ROLLUP_V2) {
        p = new RollupPoint(p.windowStartMs(), p.count(), p.sum(), p.min(), p.max(), p.last(), p.counter(), in.readLong(), in.readDouble(), in.readLong(),
            in.readDouble(), in.readLong(), in.readLong(), in.readBoolean());
      }
      s.rollups.computeIfAbsent(res, r -> new TreeMap<>()).put(p.windowStartMs(), p);
    }
  }

  private void write(byte kind, String tenant, Labels labels, String res, long a, long b, RollupPoint p) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(kind);
      out.writeUTF(tenant);
      out.writeUTF(res);
      out.writeInt(labels.size());
      for (int i = 0; i < labels.size(); i++) {
        out.writeUTF(labels.name(i));
        out.writeUTF(labels.value(i));
      }
      if (kind == RAW) {
        out.writeLong(a);
        out.writeLong(b);
      } else {
        out.writeLong(p.windowStartMs());
        out.writeLong(p.count());
        out.writeDouble(p.sum());
        out.writeDouble(p.min());
        out.writeDouble(p.max());
        out.writeDouble(p.last());
        out.writeDouble(p.counter());
        out.writeLong(p.firstMs());
        out.writeDouble(p.first());
        out.writeLong(p.lastMs());
        out.writeDouble(p.correction());
        out.writeLong(p.resets());
        out.writeLong(p.changes());
        out.writeBoolean(p.exact());
      }
      byte[] payload = bytes.toByteArray();
      CRC32C c = new CRC32C();
      c.update(payload);
      ByteBuffer buf = ByteBuffer.allocate(8 + payload.length);
      buf.putInt(payload.length).putInt((int) c.getValue()).put(payload).flip();
      while (buf.hasRemaining()) {
        log.write(buf);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + logFile, e);
    }
  }

  @Override
  public synchronized AppendResult append(String tenant, Labels labels, long timestampMs, double value) {
    SeriesData s = series.computeIfAbsent(new SeriesId(tenant, labels), k -> new SeriesData());
    Double old = s.raw.get(timestampMs);
    if (old != null) {
      return Double.doubleToRawLongBits(old) == Double.doubleToRawLongBits(value) ? AppendResult.DUPLICATE : AppendResult.CONFLICTING_VALUE;
    }
    s.raw.put(timestampMs, value);
    write(RAW, tenant, labels, "raw", timestampMs, Double.doubleToRawLongBits(value), null);
    return AppendResult.APPENDED;
  }

  @Override
  public synchronized AppendResult appendRollup(String tenant, Labels labels, Resolution resolution, RollupPoint point) {
    SeriesData s = series.computeIfAbsent(new SeriesId(tenant, labels), k -> new SeriesData());
    TreeMap<Long, RollupPoint> windows = s.rollups.computeIfAbsent(resolution.name(), r -> new TreeMap<>());
    RollupPoint old = windows.get(point.windowStartMs());
    if (old != null) {
      return old.sameBits(point) ? AppendResult.DUPLICATE : AppendResult.CONFLICTING_VALUE;
    }
    windows.put(point.windowStartMs(), point);
    write(ROLLUP_V2, tenant, labels, resolution.name(), 0, 0, point);
    return AppendResult.APPENDED;
  }

  @Override
  public synchronized void commit(Map<String, Long> sourceOffsets) {
    try {
      log.force(false);
      Map<String, Long> merged = new TreeMap<>(offsets);
      merged.putAll(sourceOffsets);
      Properties p = new Properties();
      merged.forEach((k, v) -> p.setProperty(k, Long.toString(v)));
      Path tmp = dir.resolve("offsets.properties.tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        p.store(bytes, null);
        ch.write(ByteBuffer.wrap(bytes.toByteArray()));
        ch.force(true);
      }
      Files.move(tmp, offsetsFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      offsets = merged;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot commit store at " + dir, e);
    }
  }

  @Override
  public synchronized Map<String, Long> committedOffsets() {
    return Map.copyOf(offsets);
  }

  private List<Map.Entry<SeriesId, SeriesData>> matching(String tenant, List<LabelMatcher> matchers) {
    List<Map.Entry<SeriesId, SeriesData>> out = new ArrayList<>();
    for (var e : series.entrySet()) {
      if (!e.getKey().tenant().equals(tenant)) {
        continue;
      }
      boolean ok = true;
      for (LabelMatcher m : matchers) {
        if (!m.matches(e.getKey().labels())) {
          ok = false;
          break;
        }
      }
      if (ok) {
        out.add(e);
      }
    }
    out.sort((a, b) -> a.getKey().labels().compareTo(b.getKey().labels()));
    return out;
  }

  @Override
  public synchronized List<StoredSeries> select(String tenant, Resolution resolution, long minT, long maxT, List<LabelMatcher> matchers) {
    List<StoredSeries> out = new ArrayList<>();
    for (var e : matching(tenant, matchers)) {
      Labels labels = e.getKey().labels();
      if (resolution.isRaw()) {
        TreeMap<Long, Double> all = e.getValue().raw;
        var window = new TreeMap<>(all.subMap(minT, true, maxT, true));
        if (!window.isEmpty()) {
          out.add(series(labels, window, new TreeMap<>(), all.firstKey(), all.lastKey()));
        }
      } else {
        var all = e.getValue().rollups.get(resolution.name());
        if (all != null) {
          var window = new TreeMap<>(all.subMap(minT, true, maxT, true));
          if (!window.isEmpty()) {
            out.add(series(labels, new TreeMap<>(), window, all.firstKey(), all.lastKey()));
          }
        }
      }
    }
    return out;
  }

  private static StoredSeries series(Labels labels, TreeMap<Long, Double> raw, TreeMap<Long, RollupPoint> rollups, long minTime, long maxTime) {
    return new StoredSeries() {
      @Override
      public Labels labels() {
        return labels;
      }

      @Override
      public long minTime() {
        return minTime;
      }

      @Override
      public long maxTime() {
        return maxTime;
      }

      @Override
      public SampleCursor samples() {
        Iterator<Map.Entry<Long, Double>> it = raw.entrySet().iterator();
        return new SampleCursor() {
          Map.Entry<Long, Double> cur;

          @Override
          public boolean next() {
            cur = it.hasNext() ? it.next() : null;
            return cur != null;
          }

          @Override
          public long timestamp() {
            return cur.getKey();
          }

          @Override
          public double value() {
            return cur.getValue();
          }
        };
      }

      @Override
      public RollupCursor rollups() {
        Iterator<RollupPoint> it = rollups.values().iterator();
        return new RollupCursor() {
          RollupPoint cur;

          @Override
          public boolean next() {
            cur = it.hasNext() ? it.next() : null;
            return cur != null;
          }

          @Override
          public RollupPoint point() {
            return cur;
          }
        };
      }
    };
  }

  @Override
  public synchronized List<String> labelNames(String tenant, long minT, long maxT, List<LabelMatcher> matchers) {
    TreeSet<String> names = new TreeSet<>();
    for (var e : matching(tenant, matchers)) {
      Labels l = e.getKey().labels();
      for (int i = 0; i < l.size(); i++) {
        names.add(l.name(i));
      }
    }
    return new ArrayList<>(names);
  }

  @Override
  public synchronized List<String> labelValues(String tenant, String name, long minT, long maxT, List<LabelMatcher> matchers) {
    TreeSet<String> values = new TreeSet<>();
    for (var e : matching(tenant, matchers)) {
      String v = e.getKey().labels().get(name);
      if (v != null) {
        values.add(v);
      }
    }
    return new ArrayList<>(values);
  }

  @Override
  public synchronized void close() throws IOException {
    log.force(false);
    log.close();
  }
}
