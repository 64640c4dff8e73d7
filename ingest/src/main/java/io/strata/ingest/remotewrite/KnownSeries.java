package io.strata.ingest.remotewrite;

import io.strata.ingest.kafka.EncodedSeries;
import io.strata.schemas.model.Labels;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Series already received, keyed by tenant plus the raw protobuf bytes of their labels (the repeated
 * {@code Label} fields of a {@code TimeSeries}, as sent). Prometheus resends every active series each
 * scrape interval with the same bytes, so a known series costs one hash of its label bytes and one byte
 * comparison instead of ~12 Strings, their UTF-8 checks, a {@link Labels} build and the series key
 * encoding. Only label bytes that decoded and validated are inserted: equal bytes would validate the
 * same way again (validation depends on nothing else), and invalid bytes are never found here.
 *
 * <p>Layout: an open-addressing table (linear probing, load ≤ 1/2) of {@link EncodedSeries}, each holding
 * its source bytes next to its Avro labels, so a hit touches the table slot, the entry and one array. A
 * {@code ConcurrentHashMap} of key objects cost about three more cache misses per series (node, key, key
 * bytes, value), which on the shared machine made a hit nearly as slow as decoding.
 *
 * <p>Concurrency: lookups take no lock. Entries are immutable (final fields), so a lookup that races with
 * an insert sees either null (a miss: the series is decoded and offered again) or a complete entry.
 * Inserts are synchronized; growing or clearing publishes a new array through the volatile field.
 *
 * <p>Bound: an estimate of the retained heap ({@link #estimate}) is summed; when an insert would pass
 * {@code maxBytes}, the whole cache is cleared and refills from the following requests. Clearing (rather
 * than LRU) keeps the hit path free of bookkeeping; a sender whose active series need more than the
 * budget pays the miss cost (what every series cost before the cache) plus one copy of its label bytes.
 */
final class KnownSeries {
  /**
   * 64 MiB: at the ~1 KiB a node_exporter-like series of 6-8 labels is estimated to retain, about 60,000
   * series, the active series of a typical Prometheus sending to one ingest replica of several; small next
   * to the 256 MiB of in-flight bodies ({@code ingest.max_inflight_bytes}) the same heap must hold.
   */
  static final long DEFAULT_MAX_BYTES = 64L << 20;
  private static final int INITIAL_SLOTS = 1024;
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long MIX = 0x9E3779B97F4A7C15L; // 2^64 / golden ratio, odd

  private final long maxBytes;
  private volatile EncodedSeries[] table = new EncodedSeries[INITIAL_SLOTS];
  private int count; // guarded by this
  private long bytes; // guarded by this

  KnownSeries(long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("BUG: series cache budget must be > 0, got " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  /**
   * Hash of tenant and label bytes, 8 bytes per multiply (a byte-wise {@code 31*h+b} loop was ~10% of
   * ingest CPU); the multiplies and xor-shifts mix every input bit into the low bits the table index uses.
   */
  static int hash(String tenant, byte[] buf, int off, int len) {
    long h = (tenant.hashCode() ^ (long) len << 32) * MIX;
    int i = off;
    int end = off + len;
    for (; i + 8 <= end; i += 8) {
      h = (h ^ (long) LONGS.get(buf, i)) * MIX;
      h ^= h >>> 29;
    }
    for (; i < end; i++) {
      h = (h ^ buf[i]) * MIX;
    }
    h ^= h >>> 32;
    return (int) h;
  }

  /** The entry decoded from {@code buf[off, off+len)} for the tenant ({@code hash} from {@link #hash}), or null. */
  EncodedSeries get(String tenant, byte[] buf, int off, int len, int hash) {
    EncodedSeries[] t = table;
    int mask = t.length - 1;
    for (int i = hash & mask; ; i = (i + 1) & mask) {
      EncodedSeries e = t[i];
      if (e == null) {
        return null;
      }
      if (e.sourceHash() == hash && e.sameSource(tenant, buf, off, len)) {
        return e;
      }
    }
  }

  /** Remembers validated labels for those bytes (copied); clears the cache first when it is full. */
  synchronized EncodedSeries put(String tenant, byte[] buf, int off, int len, int hash, Labels labels) {
    EncodedSeries present = get(tenant, buf, off, len, hash);
    if (present != null) {
      return present; // another request inserted it meanwhile
    }
    long size = estimate(len, labels.size());
    if (bytes + size > maxBytes) {
      table = new EncodedSeries[INITIAL_SLOTS];
      count = 0;
      bytes = 0;
    }
    EncodedSeries[] t = table;
    if ((count + 1) * 2 > t.length) {
      EncodedSeries[] bigger = new EncodedSeries[t.length * 2];
      for (EncodedSeries e : t) {
        if (e != null) {
          insert(bigger, e);
        }
      }
      table = bigger; // volatile write: readers see the filled array
      t = bigger;
    }
    EncodedSeries e = EncodedSeries.decodedFrom(tenant, labels, buf, off, len, hash);
    insert(t, e);
    count++;
    bytes += size;
    return e;
  }

  private static void insert(EncodedSeries[] t, EncodedSeries e) {
    int mask = t.length - 1;
    int i = e.sourceHash() & mask;
    while (t[i] != null) {
      i = (i + 1) & mask;
    }
    t[i] = e;
  }

  synchronized int size() {
    return count;
  }

  /**
   * Heap an entry retains, roughly: the label bytes twice (source copy, Avro labels), the Labels' Strings
   * (object + byte array ≈ 56 B each, plus their characters ≈ the label bytes again), and ~160 B of fixed
   * objects (entry, Labels and its array, table slots at load 1/2).
   */
  static long estimate(int labelBytes, int labelCount) {
    return 160L + 3L * labelBytes + 2L * 56 * labelCount;
  }
}
