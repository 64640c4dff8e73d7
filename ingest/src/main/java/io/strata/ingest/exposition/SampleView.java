package io.strata.ingest.exposition;

import io.strata.schemas.model.Labels;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One sample line as the parser sees it, reused for every line: positions into the input buffer (and
 * into a scratch buffer for label values that had escapes), the value and the optional timestamp. Nothing
 * here allocates unless a method says it returns a new String or Labels.
 */
public final class SampleView {
  byte[] buf;
  int seriesStart;
  int seriesEnd;
  int nameEnd;
  int labelCount;
  // Label name i is buf[nameStart[i], nameEnd[i]); its value is valueBuf[i][valueStart[i], valueEnd[i]).
  int[] nameStarts = new int[16];
  int[] nameEnds = new int[16];
  byte[][] valueBufs = new byte[16][];
  int[] valueStarts = new int[16];
  int[] valueEnds = new int[16];
  double value;
  long timestampMs;
  MetricType familyType = MetricType.UNKNOWN;

  SampleView() {}

  void ensureLabelCapacity(int n) {
    if (n > nameStarts.length) {
      int cap = Math.max(n, nameStarts.length * 2);
      nameStarts = Arrays.copyOf(nameStarts, cap);
      nameEnds = Arrays.copyOf(nameEnds, cap);
      valueBufs = Arrays.copyOf(valueBufs, cap);
      valueStarts = Arrays.copyOf(valueStarts, cap);
      valueEnds = Arrays.copyOf(valueEnds, cap);
    }
  }

  /** The input buffer that {@link #seriesStart()} and {@link #seriesEnd()} index. */
  public byte[] buffer() {
    return buf;
  }

  /**
   * Start of the series text as written (metric name through the closing brace): a cache key that needs no
   * decoding. The same series spelled differently (label order, spaces) gives different bytes.
   */
  public int seriesStart() {
    return seriesStart;
  }

  /** End (exclusive) of the series text. */
  public int seriesEnd() {
    return seriesEnd;
  }

  /**
   * A 32-bit hash of the series text (equal texts, equal hashes), mixing 8 bytes per step; for hash tables
   * keyed by {@link #seriesStart()}..{@link #seriesEnd()}. Computed on each call (not stored).
   */
  public int seriesHash() {
    return ByteScan.hash(buf, seriesStart, seriesEnd);
  }

  /** True when the metric name equals {@code name} (ASCII compare, no allocation). */
  public boolean metricNameEquals(String name) {
    int len = nameEnd - seriesStart;
    if (len != name.length()) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (buf[seriesStart + i] != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The metric name (new String). */
  public String metricName() {
    return new String(buf, seriesStart, nameEnd - seriesStart, StandardCharsets.ISO_8859_1);
  }

  /** Number of labels in braces ({@code __name__} not counted). */
  public int labelCount() {
    return labelCount;
  }

  /** Name of label {@code i} in input order (new String). */
  public String labelName(int i) {
    return new String(buf, nameStarts[i], nameEnds[i] - nameStarts[i], StandardCharsets.ISO_8859_1);
  }

  /** Unescaped value of label {@code i} (new String, UTF-8 decoded). */
  public String labelValue(int i) {
    return new String(valueBufs[i], valueStarts[i], valueEnds[i] - valueStarts[i], StandardCharsets.UTF_8);
  }

  /** Length in bytes of the unescaped value of label {@code i}. */
  public int labelValueLength(int i) {
    return valueEnds[i] - valueStarts[i];
  }

  public double value() {
    return value;
  }

  public boolean hasTimestamp() {
    return timestampMs != ParsedSample.NO_TIMESTAMP;
  }

  /** Timestamp in milliseconds, or {@link ParsedSample#NO_TIMESTAMP}. */
  public long timestampMs() {
    return timestampMs;
  }

  /** Type of the family declared by the last TYPE line when this sample belongs to it, else UNKNOWN. */
  public MetricType familyType() {
    return familyType;
  }

  /** The labels of this sample, {@code __name__} included (new object). */
  public Labels toLabels() {
    String[] nv = new String[2 + 2 * labelCount];
    nv[0] = Labels.METRIC_NAME;
    nv[1] = metricName();
    for (int i = 0; i < labelCount; i++) {
      nv[2 + 2 * i] = labelName(i);
      nv[3 + 2 * i] = labelValue(i);
    }
    return Labels.of(nv);
  }

  /** Copies this sample out (allocates). */
  public ParsedSample toParsedSample() {
    return new ParsedSample(toLabels(), value, timestampMs);
  }
}
