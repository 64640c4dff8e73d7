package io.strata.bench.rules;

import io.strata.flink.job.SeriesStateSerializers;
import io.strata.flink.model.SeriesSamples;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.MapSerializer;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;

/**
 * CPU of checkpointing one rule group's series state, the part of the rule job's checkpoint cost that does
 * not depend on the wall clock: a group's map of {@code SERIES} node_exporter-like series with
 * {@code SAMPLES} samples each, serialized as the heap backend's snapshot writes it (a
 * {@link DataOutputViewStreamWrapper}, i.e. a {@code DataOutputStream}, over a buffered checkpoint stream,
 * here one that discards) and copied as its copy-on-write copies it on the first write after a snapshot
 * started ({@link MapSerializer#copy}). Before: Flink's String key and POJO {@code SeriesSamples} serializers
 * (the state {@code series} up to e7e2c6e); after: {@link SeriesStateSerializers} ({@code series-v2}). Thread
 * CPU time, so the load of a shared machine changes it little. Arguments {@code [SERIES SAMPLES ROUNDS]},
 * default {@code 10000 24 20}.
 */
public final class SeriesStateSnapshotHarness {
  public static void main(String[] args) throws Exception {
    int seriesCount = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int samples = args.length > 1 ? Integer.parseInt(args[1]) : 24;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    Map<String, SeriesSamples> group = new HashMap<>();
    for (int i = 0; i < seriesCount; i++) {
      String[] labels = {"__name__", "node_cpu_seconds_total", "cpu", Integer.toString(i % 8), "instance",
          "host-" + (i / 80) + ".example.org:9100", "job", "node", "mode", new String[] {"idle", "user", "system", "iowait",
          "irq", "softirq", "steal", "nice", "guest", "guest_nice"}[(i / 8) % 10]};
      long[] ts = new long[samples];
      double[] vs = new double[samples];
      for (int k = 0; k < samples; k++) {
        ts[k] = 1_767_225_600_000L + k * 15_000L + (i % 7);
        vs[k] = 1000.0 * i + k * 1.25;
      }
      group.put(String.join("\u0000", labels), new SeriesSamples(labels, ts, vs)); // EvaluateGroups.seriesKey
    }
    TypeSerializer<SeriesSamples> pojo = TypeInformation.of(SeriesSamples.class).createSerializer(new SerializerConfigImpl());
    MapSerializer<String, SeriesSamples> before = new MapSerializer<>(Types.STRING.createSerializer(new SerializerConfigImpl()), pojo);
    MapSerializer<String, SeriesSamples> after = new MapSerializer<>(SeriesStateSerializers.Key.INSTANCE, SeriesStateSerializers.Series.INSTANCE);
    System.out.printf("one group: %d series x %d samples; %d rounds each (the first 5 are warm-up)%n", seriesCount, samples, rounds);
    for (int pass = 0; pass < 2; pass++) {
      for (var e : Map.of("before (String + POJO serializers)", before, "after (SeriesStateSerializers)", after).entrySet()) {
        measure(e.getKey(), e.getValue(), group, rounds, pass == 1);
      }
    }
  }

  private static void measure(String name, MapSerializer<String, SeriesSamples> s, Map<String, SeriesSamples> group, int rounds,
      boolean print) throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long serializeNs = 0;
    long copyNs = 0;
    long bytes = 0;
    int measured = 0;
    for (int r = 0; r < rounds; r++) {
      CountingBufferedSink sink = new CountingBufferedSink();
      long t0 = mx.getCurrentThreadCpuTime();
      DataOutputViewStreamWrapper out = new DataOutputViewStreamWrapper(sink);
      s.serialize(group, out);
      out.flush();
      long t1 = mx.getCurrentThreadCpuTime();
      Map<String, SeriesSamples> copy = s.copy(group);
      long t2 = mx.getCurrentThreadCpuTime();
      if (copy.size() != group.size()) {
        throw new IllegalStateException("copy lost series");
      }
      if (r >= 5) {
        serializeNs += t1 - t0;
        copyNs += t2 - t1;
        bytes += sink.count;
        measured++;
      }
    }
    if (print) {
      System.out.printf("%-40s snapshot %7.1f ms CPU, %6.1f MB; copy-on-write %6.1f ms CPU (per group, mean of %d)%n", name,
          serializeNs / 1e6 / measured, bytes / 1e6 / measured, copyNs / 1e6 / measured, measured);
    }
  }

  /** A checkpoint stream's shape: a 4 KB buffer behind {@code write(int)} and {@code write(byte[])}, flushed to nowhere. */
  static final class CountingBufferedSink extends OutputStream {
    final byte[] buf = new byte[4096];
    int pos;
    long count;

    @Override
    public void write(int b) {
      if (pos == buf.length) {
        pos = 0;
      }
      buf[pos++] = (byte) b;
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
      while (len > 0) {
        if (pos == buf.length) {
          pos = 0;
        }
        int n = Math.min(len, buf.length - pos);
        System.arraycopy(b, off, buf, pos, n);
        pos += n;
        off += n;
        len -= n;
      }
    }
  }
}
