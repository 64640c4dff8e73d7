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
 * <p>Layout: an open-addressing table (linear probing, load ≤ 1/2) of {@link EncodedSeries} with their
 * hashes in a parallel int array, each entry holding its source bytes next to its Avro labels, so a hit
 * touches a tag, the table slot, the entry and one array. A
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
  private volatile Table table = new Table(INITIAL_SLOTS);
  private int count; // guarded by this
  private long bytes; // guarded by this

  /**
   * Slots: {@code tags[i]} is the entry's hash with the lowest bit set (0 = empty slot), {@code entries[i]}
   * the entry. Probing reads the int array (16 slots per cache line) and dereferences only an entry whose tag
   * matches. Writers fill {@code entries[i]} before {@code tags[i]}; a reader that sees a tag before its
   * entry takes it for a miss (the insert, under the lock, then finds the entry).
   */
  private static final class Table {
    final int[] tags;
    final EncodedSeries[] entries;
    final int mask;

    Table(int slots) {
      tags = new int[slots];
      entries = new EncodedSeries[slots];
      mask = slots - 1;
    }
  }

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
    Table t = table;
    int tag = hash | 1;
    for (int i = hash & t.mask; ; i = (i + 1) & t.mask) {
      int found = t.tags[i];
      if (found == 0) {
        return null;
      }
      if (found == tag) {
        EncodedSeries e = t.entries[i];
        if (e != null && e.sameSource(tenant, buf, off, len)) {
          return e;
        }
      }
    }
  }

  /**
   * {@link #get} for {@code n} keys at once ({@code buf[offs[i], offs[i]+lens[i])} with {@code hashes[i]}),
   * into {@code out[i]}. Done in passes over all keys (tags and candidate entries, then the entries' bytes)
   * rather than key by key: the loads of one pass do not depend on each other, so the CPU overlaps their
   * cache misses, where a key-by-key lookup waits for three dependent misses per series (slot, entry,
   * bytes) once the known series outgrow the CPU caches.
   */
  void getAll(String tenant, byte[] buf, int[] offs, int[] lens, int[] hashes, int n, EncodedSeries[] out) {
    candidates(hashes, lens, n, out);
    for (int k = 0; k < n; k++) {
      out[k] = verify(out[k], tenant, buf, offs[k], lens[k], hashes[k]);
    }
  }

  /**
   * The first pass of {@link #getAll}: {@code out[k]} = the first entry along the probe sequence of
   * {@code hashes[k]} whose tag and source length match {@code lens[k]} (bytes not yet compared), or null
   * (not known). Reading the length loads the entry and the head of its bytes here, where the loads of
   * different keys overlap, instead of in the comparing pass. {@link #verify} finishes each lookup.
   */
  private void candidates(int[] hashes, int[] lens, int n, EncodedSeries[] out) {
    Table t = table;
    int[] tags = t.tags;
    EncodedSeries[] entries = t.entries;
    int mask = t.mask;
    for (int k = 0; k < n; k++) {
      int tag = hashes[k] | 1;
      EncodedSeries candidate = null;
      for (int i = hashes[k] & mask; ; i = (i + 1) & mask) {
        int found = tags[i];
        if (found == 0) {
          break;
        }
        if (found == tag) {
          EncodedSeries e = entries[i];
          if (e == null) {
            break; // an insert in progress: a miss
          }
          if (e.sourceLength() == lens[k]) {
            candidate = e;
            break;
          }
        }
      }
      out[k] = candidate;
    }
  }

  /** The entry for {@code buf[off, off+len)} given its {@link #candidates candidate}, or null. */
  private EncodedSeries verify(EncodedSeries candidate, String tenant, byte[] buf, int off, int len, int hash) {
    if (candidate == null || candidate.sameSource(tenant, buf, off, len)) {
      return candidate;
    }
    return get(tenant, buf, off, len, hash); // two series with one tag: probe on
  }

  /** Remembers validated labels for those bytes (copied); clears the cache first when it is full. */
  synchronized EncodedSeries put(String tenant, byte[] buf, int off, int len, int hash, Labels labels) {
    EncodedSeries present = get(tenant, buf, off, len, hash);
    if (present != null) {
      return present; // another request inserted it meanwhile
    }
    long size = estimate(len, labels.size());
    if (bytes + size > maxBytes) {
      table = new Table(INITIAL_SLOTS);
      count = 0;
      bytes = 0;
    }
    Table t = table;
    if ((count + 1) * 2 > t.tags.length) {
      Table bigger = new Table(t.tags.length * 2);
      for (EncodedSeries e : t.entries) {
        if (e != null) {
          insert(bigger, e);
        }
      }
      table = bigger; // volatile write: readers see the filled arrays
      t = bigger;
    }
    EncodedSeries e = EncodedSeries.decodedFrom(tenant, labels, buf, off, len, hash);
    insert(t, e);
    count++;
    bytes += size;
    return e;
  }

  private static void insert(Table t, EncodedSeries e) {
    int i = e.sourceHash() & t.mask;
    while (t.tags[i] != 0) {
      i = (i + 1) & t.mask;
    }
    t.entries[i] = e;
    t.tags[i] = e.sourceHash() | 1;
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
