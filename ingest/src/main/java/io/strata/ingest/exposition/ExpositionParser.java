package io.strata.ingest.exposition;

import static io.strata.ingest.exposition.ByteScan.ascii;
import static io.strata.ingest.exposition.ByteScan.isWord;
import static io.strata.ingest.exposition.ByteScan.quote;
import static io.strata.ingest.exposition.ByteScan.skipBlank;
import static io.strata.ingest.exposition.ByteScan.tokenEnd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streaming parser for the Prometheus text format 0.0.4 and OpenMetrics 1.0 text. It walks a byte array
 * line by line and calls a {@link SampleVisitor}; the per-sample path works on offsets into the input and
 * reused arrays, so it allocates nothing unless a label value has escapes (then it copies into a reused
 * scratch buffer). An instance is not thread-safe; reuse one per thread.
 *
 * <p>0.0.4 sample lines in their plain form (single spaces, no escapes) are read in one pass without first
 * searching the line end ({@code plainTextSample}); every other line, and every error, takes the general
 * per-line path. Comment lines are {@link MetadataLine}'s, byte scans {@link ByteScan}'s.
 *
 * <p>Prometheus behaviour kept: label values unescape {@code \\}, {@code \"} and {@code \n} (other
 * escapes stay as written); HELP unescapes {@code \\} and {@code \n} (and {@code \"} in OpenMetrics);
 * 0.0.4 timestamps are integer milliseconds, OpenMetrics timestamps are float seconds converted as
 * {@code (long) (seconds * 1000)}; OpenMetrics exemplars are skipped; OpenMetrics {@code _created} series
 * of counters, histograms and summaries are skipped unless {@link #keepCreatedSeries(boolean)}.
 */
public final class ExpositionParser {
  private final SampleView view = new SampleView();
  private final MetadataLine meta = new MetadataLine();
  private final long[] longOut = new long[1];
  private byte[] scratch = new byte[256];
  private int scratchLen;
  private boolean keepCreated;
  private boolean plainLines = true;

  // Family of the last TYPE line: name bytes are kept as a String, compared without allocating.
  private String familyName = "";
  private byte[] familyBytes = new byte[0];
  private MetricType familyType = MetricType.UNKNOWN;

  private int line;
  private boolean sawEof;
  // The metric name of the previous sample line (validated), in the buffer being parsed.
  private int previousNameStart;
  private int previousNameLength;
  private MetricType previousFamilyType = MetricType.UNKNOWN;
  private int previousLabelCount; // its label names, validated, are still in the view's name arrays

  /** When true, OpenMetrics {@code _created} lines are reported as samples (Prometheus skips them). */
  public ExpositionParser keepCreatedSeries(boolean keep) {
    this.keepCreated = keep;
    return this;
  }

  /** Tests only: false parses every 0.0.4 line the general way (the plain-line path must give the same results). */
  ExpositionParser plainLinePath(boolean on) {
    this.plainLines = on;
    return this;
  }

  /** Parses {@code buf[off, off+len)} and calls the visitor; stops at the first error. */
  public void parse(byte[] buf, int off, int len, Format format, SampleVisitor visitor) throws ExpositionParseException {
    if (off < 0 || len < 0 || off + len > buf.length) {
      throw new IllegalArgumentException("range [" + off + ", " + (off + len) + ") outside a buffer of " + buf.length);
    }
    boolean om = format == Format.OPENMETRICS_1_0;
    view.buf = buf;
    familyName = "";
    familyBytes = new byte[0];
    familyType = MetricType.UNKNOWN;
    sawEof = false;
    line = 0;
    previousNameLength = 0;
    previousLabelCount = 0;
    int end = off + len;
    int pos = off;
    while (pos < end) {
      line++;
      if (!om && plainLines) {
        byte c = buf[pos];
        if (c != '#' && c != ' ' && c != '\t' && c != '\n') {
          int eol = plainTextSample(buf, pos, end, visitor);
          if (eol >= 0) {
            pos = eol + 1;
            continue;
          }
        }
      }
      int eol = ByteScan.newline(buf, pos, end);
      if (sawEof) {
        throw error("unexpected data after # EOF");
      }
      int lineEnd = eol;
      if (!om && lineEnd > pos && buf[lineEnd - 1] == '\r') {
        lineEnd--;
      }
      parseLine(buf, pos, lineEnd, om, visitor);
      pos = eol + 1;
    }
    if (om && !sawEof) {
      throw new ExpositionParseException(Math.max(line, 1), "data does not end with # EOF");
    }
  }

  /** Parses a whole array. */
  public void parse(byte[] buf, Format format, SampleVisitor visitor) throws ExpositionParseException {
    parse(buf, 0, buf.length, format, visitor);
  }

  /** Convenience: parses everything into samples with {@link io.strata.schemas.model.Labels} and metadata. */
  public static ParsedExposition collect(byte[] buf, Format format) throws ExpositionParseException {
    List<ParsedSample> samples = new ArrayList<>();
    Map<String, String[]> meta = new LinkedHashMap<>(); // name -> {type, help, unit}
    Map<String, MetricType> types = new LinkedHashMap<>();
    new ExpositionParser().parse(buf, format, new SampleVisitor() {
      @Override
      public void help(String family, String help) {
        meta.computeIfAbsent(family, k -> new String[3])[1] = help;
      }

      @Override
      public void type(String family, MetricType type) {
        meta.computeIfAbsent(family, k -> new String[3]);
        types.put(family, type);
      }

      @Override
      public void unit(String family, String unit) {
        meta.computeIfAbsent(family, k -> new String[3])[2] = unit;
      }

      @Override
      public void sample(SampleView s) {
        samples.add(s.toParsedSample());
      }
    });
    List<FamilyMetadata> families = new ArrayList<>(meta.size());
    for (var e : meta.entrySet()) {
      families.add(new FamilyMetadata(e.getKey(), types.get(e.getKey()), e.getValue()[1], e.getValue()[2]));
    }
    return new ParsedExposition(samples, families);
  }

  private void parseLine(byte[] b, int s, int e, boolean om, SampleVisitor v) throws ExpositionParseException {
    if (om) {
      if (s == e) {
        throw error("unexpected empty line");
      }
      if (b[s] == '#') {
        meta.parseOpenMetrics(b, s, e, line);
        metadata(b, v);
        return;
      }
      parseSample(b, s, e, true, v);
      return;
    }
    int i = skipBlank(b, s, e);
    if (i == e) {
      return; // empty lines are ignored in 0.0.4
    }
    if (b[i] == '#') {
      meta.parseText(b, i + 1, e, line);
      metadata(b, v);
      return;
    }
    parseSample(b, i, e, false, v);
  }

  // ---- comments and metadata ----

  /** Hands what {@link #meta} just parsed to the visitor (a TYPE line also sets the current family). */
  private void metadata(byte[] b, SampleVisitor v) {
    MetadataLine m = meta;
    switch (m.kind) {
      case MetadataLine.HELP -> v.help(m.name, m.text);
      case MetadataLine.TYPE -> {
        setFamily(b, m.nameStart, m.nameEnd, m.name, m.type);
        v.type(m.name, m.type);
      }
      case MetadataLine.UNIT -> v.unit(m.name, m.text);
      case MetadataLine.EOF -> sawEof = true;
      default -> { } // an ordinary 0.0.4 comment
    }
  }

  private void setFamily(byte[] b, int s, int e, String name, MetricType type) {
    familyName = name;
    familyBytes = Arrays.copyOfRange(b, s, e);
    familyType = type;
    previousNameLength = 0; // the previous sample's family type no longer carries over
  }

  // ---- samples ----

  private void parseSample(byte[] b, int s, int e, boolean om, SampleVisitor v) throws ExpositionParseException {
    SampleView sv = view;
    int nameEnd;
    int pl = previousNameLength; // series of one family follow each other: most names equal the previous one
    if (pl > 0 && s + pl <= e && (s + pl == e || !ByteScan.isMetricNameByte(b[s + pl]))
        && Arrays.equals(b, s, s + pl, b, previousNameStart, previousNameStart + pl)) {
      nameEnd = s + pl;
    } else {
      nameEnd = metricNameEnd(b, s, e);
      if (nameEnd == s) {
        throw error("invalid metric name, got " + quote(b, s, tokenEnd(b, s, e)));
      }
    }
    sv.seriesStart = s;
    sv.nameEnd = nameEnd;
    sv.labelCount = 0;
    scratchLen = 0;
    int i = nameEnd;
    int brace = om ? i : skipBlank(b, i, e);
    if (brace < e && b[brace] == '{') {
      i = parseLabels(b, brace + 1, e, om);
      sv.seriesEnd = i;
    } else {
      sv.seriesEnd = nameEnd;
      if (i < e && b[i] != ' ' && b[i] != '\t') {
        throw error("invalid metric name, got " + quote(b, s, tokenEnd(b, s, e)));
      }
    }
    // value
    if (i >= e || (b[i] != ' ' && !(b[i] == '\t' && !om))) {
      throw error("expected value after metric, got " + (i >= e ? "end of line" : quote(b, i, tokenEnd(b, i, e))));
    }
    i = om ? i + 1 : skipBlank(b, i, e);
    int ve = tokenEnd(b, i, e);
    double value = NumberParser.parseDouble(b, i, ve);
    if (NumberParser.isInvalid(value)) {
      throw error("invalid value " + quote(b, i, ve) + " for metric " + quote(b, s, nameEnd));
    }
    sv.value = value;
    sv.timestampMs = ParsedSample.NO_TIMESTAMP;
    i = om ? ve : skipBlank(b, ve, e);
    if (om && i < e) {
      i++; // the single space after the value
    }
    if (i < e && b[i] != '#') {
      int te = tokenEnd(b, i, e);
      if (om) {
        double ts = NumberParser.parseDouble(b, i, te);
        if (NumberParser.isInvalid(ts) || Double.isNaN(ts) || Double.isInfinite(ts)) {
          throw error("invalid timestamp " + quote(b, i, te));
        }
        sv.timestampMs = (long) (ts * 1000);
      } else {
        if (!NumberParser.parseLong(b, i, te, longOut)) {
          throw error("invalid timestamp " + quote(b, i, te));
        }
        sv.timestampMs = longOut[0];
      }
      i = om ? te : skipBlank(b, te, e);
      if (om && i < e) {
        i++;
      }
    }
    if (i < e) {
      if (om && b[i] == '#') {
        checkExemplar(b, i, e);
      } else {
        throw error("expected end of line after sample, got " + quote(b, i, e));
      }
    }
    sv.familyType = sampleBelongsToFamily(b, s, nameEnd) ? familyType : MetricType.UNKNOWN;
    previousNameStart = s;
    previousNameLength = nameEnd - s;
    previousFamilyType = sv.familyType;
    previousLabelCount = sv.labelCount;
    if (om && !keepCreated && isCreatedSeries(b, s, nameEnd)) {
      return;
    }
    v.sample(sv);
  }

  /**
   * A 0.0.4 sample line in its plain form, parsed without first finding where the line ends: the name,
   * optionally {@code {name="value",...}} with no blanks and no escapes, one space, the value, optionally one
   * space and an integer timestamp, then {@code '\n'} or the end of the input. Returns the index of that
   * {@code '\n'} (or the end) after calling the visitor; returns -1 without calling it when the line is in
   * any other form (or invalid): the caller then parses the line the general way, which also reports errors.
   */
  private int plainTextSample(byte[] b, int s, int end, SampleVisitor v) {
    SampleView sv = view;
    int nameEnd;
    boolean sameName;
    int pl = previousNameLength; // series of one family follow each other: most names equal the previous one
    if (pl > 0 && s + pl < end && !ByteScan.isMetricNameByte(b[s + pl]) && ByteScan.rangeEquals(b, s, previousNameStart, pl)) {
      nameEnd = s + pl;
      sameName = true;
    } else {
      nameEnd = ByteScan.metricNameEnd(b, s, end);
      if (nameEnd == s || nameEnd >= end) {
        return -1;
      }
      sameName = false;
    }
    int i = nameEnd;
    int n = 0;
    if (b[i] == '{') {
      i++;
      while (true) {
        if (i >= end) {
          return -1;
        }
        if (b[i] == '}') {
          break; // empty set, or a trailing comma
        }
        int ns = i;
        int ne;
        // label n of the previous sample (still in the view, in this buffer): most lines repeat its names
        int pn = n < previousLabelCount ? sv.nameEnds[n] - sv.nameStarts[n] : 0;
        if (pn > 0 && ns + pn < end && b[ns + pn] == '=' && ByteScan.rangeEquals(b, ns, sv.nameStarts[n], pn)) {
          ne = ns + pn;
        } else {
          ne = ByteScan.labelNameEnd(b, i, end);
        }
        if (ne == ns || ne + 1 >= end || b[ne] != '=' || b[ne + 1] != '"' || isDuplicate(b, ns, ne, n)) {
          return -1;
        }
        int vs = ne + 2;
        int ve = ByteScan.labelValueEnd(b, vs, end);
        if (ve >= end - 1 || b[ve] != '"') {
          return -1; // an escape, a line end inside the value, or no closing quote
        }
        sv.ensureLabelCapacity(n + 1);
        sv.nameStarts[n] = ns;
        sv.nameEnds[n] = ne;
        sv.valueBufs[n] = b;
        sv.valueStarts[n] = vs;
        sv.valueEnds[n] = ve;
        n++;
        i = ve + 1;
        if (b[i] == ',') {
          i++;
        } else if (b[i] != '}') {
          return -1;
        }
      }
      i++;
    }
    int seriesEnd = i;
    if (i >= end || b[i] != ' ') {
      return -1;
    }
    int vs = i + 1;
    int ve = ByteScan.fieldEnd(b, vs, end);
    double value = NumberParser.parseDouble(b, vs, ve);
    if (NumberParser.isInvalid(value)) {
      return -1;
    }
    long ts = ParsedSample.NO_TIMESTAMP;
    if (ve < end && b[ve] == ' ') {
      int te = ByteScan.fieldEnd(b, ve + 1, end);
      if (!NumberParser.parseLong(b, ve + 1, te, longOut)) {
        return -1;
      }
      ts = longOut[0];
      ve = te;
    }
    if (ve < end && b[ve] != '\n') {
      return -1;
    }
    sv.seriesStart = s;
    sv.nameEnd = nameEnd;
    sv.seriesEnd = seriesEnd;
    sv.labelCount = n;
    sv.value = value;
    sv.timestampMs = ts;
    // the same name as the previous sample, no TYPE line since (it resets previousNameLength): the same family type
    sv.familyType = sameName ? previousFamilyType : sampleBelongsToFamily(b, s, nameEnd) ? familyType : MetricType.UNKNOWN;
    previousNameStart = s;
    previousNameLength = nameEnd - s;
    previousFamilyType = sv.familyType;
    previousLabelCount = n;
    v.sample(sv);
    return ve;
  }

  /** True when label name {@code b[ns, ne)} is {@code __name__} or equals one of the first {@code n} names of the view. */
  private boolean isDuplicate(byte[] b, int ns, int ne, int n) {
    int len = ne - ns;
    if (len == 8 && isWord(b, ns, ne, "__name__")) {
      return true;
    }
    SampleView sv = view;
    for (int k = 0; k < n; k++) {
      int o = sv.nameStarts[k];
      if (sv.nameEnds[k] - o == len && ByteScan.rangeEquals(b, o, ns, len)) {
        return true;
      }
    }
    return false;
  }

  /** Parses {@code name="value",...}} starting after the brace; returns the index after the closing brace. */
  private int parseLabels(byte[] b, int i, int e, boolean om) throws ExpositionParseException {
    SampleView sv = view;
    int n = 0;
    while (true) {
      if (!om) {
        i = skipBlank(b, i, e);
      }
      if (i >= e) {
        throw error("unexpected end of line in label set");
      }
      if (b[i] == '}') {
        finishLabels(n); // after a trailing comma
        return i + 1;
      }
      int ns = i;
      int ne = labelNameEnd(b, i, e);
      if (ne == ns) {
        throw error("invalid label name, got " + quote(b, ns, tokenEnd(b, ns, e)));
      }
      checkDuplicate(b, ns, ne, n);
      i = om ? ne : skipBlank(b, ne, e);
      if (i >= e || b[i] != '=') {
        throw error("expected equal sign after label name " + quote(b, ns, ne) + ", got "
            + (i >= e ? "end of line" : quote(b, i, i + 1)));
      }
      i++;
      if (!om) {
        i = skipBlank(b, i, e);
      }
      if (i >= e || b[i] != '"') {
        throw error("expected quoted label value for label " + quote(b, ns, ne));
      }
      i++;
      sv.ensureLabelCapacity(n + 1);
      sv.nameStarts[n] = ns;
      sv.nameEnds[n] = ne;
      int vs = i;
      boolean escaped = false;
      while (true) {
        i = ByteScan.quoteOrBackslash(b, i, e);
        if (i >= e || b[i] == '"') {
          break;
        }
        escaped = true;
        i += 2; // the backslash and the byte it escapes (past e when the line ends there: unterminated)
      }
      if (i >= e) {
        throw error("unterminated label value for label " + quote(b, ns, ne));
      }
      if (escaped) {
        int start = scratchLen;
        unescapeLabelValue(b, vs, i);
        sv.valueBufs[n] = null; // set after the loop: scratch may still grow
        sv.valueStarts[n] = start;
        sv.valueEnds[n] = scratchLen;
      } else {
        sv.valueBufs[n] = b;
        sv.valueStarts[n] = vs;
        sv.valueEnds[n] = i;
      }
      n++;
      i++; // closing quote
      if (!om) {
        i = skipBlank(b, i, e);
      }
      if (i < e && b[i] == ',') {
        i++;
        continue;
      }
      if (i < e && b[i] == '}') {
        finishLabels(n);
        return i + 1;
      }
      throw error("expected comma or closing brace after label value, got " + (i >= e ? "end of line" : quote(b, i, i + 1)));
    }
  }

  /** Sets the label count and points unescaped values (null so far: scratch may have grown) at the scratch buffer. */
  private void finishLabels(int n) {
    SampleView sv = view;
    sv.labelCount = n;
    for (int k = 0; k < n; k++) {
      if (sv.valueBufs[k] == null) {
        sv.valueBufs[k] = scratch;
      }
    }
  }

  private void unescapeLabelValue(byte[] b, int s, int e) {
    for (int i = s; i < e; i++) {
      byte c = b[i];
      if (c == '\\' && i + 1 < e) {
        byte n = b[i + 1];
        if (n == '\\' || n == '"' || n == 'n') {
          putScratch(n == 'n' ? (byte) '\n' : n);
          i++;
          continue;
        }
      }
      putScratch(c);
    }
  }

  private void checkDuplicate(byte[] b, int ns, int ne, int n) throws ExpositionParseException {
    int len = ne - ns;
    if (len == 8 && isWord(b, ns, ne, "__name__")) {
      throw error("label name \"__name__\" is not unique");
    }
    SampleView sv = view;
    outer:
    for (int k = 0; k < n; k++) {
      if (sv.nameEnds[k] - sv.nameStarts[k] != len) {
        continue;
      }
      int o = sv.nameStarts[k];
      for (int j = 0; j < len; j++) {
        if (b[o + j] != b[ns + j]) {
          continue outer;
        }
      }
      throw error("label name " + quote(b, ns, ne) + " is not unique");
    }
  }

  /** Checks the shape {@code # {labels} value [timestamp]} of an exemplar; its content is dropped. */
  private void checkExemplar(byte[] b, int i, int e) throws ExpositionParseException {
    if (i + 2 >= e || b[i + 1] != ' ' || b[i + 2] != '{') {
      throw error("invalid exemplar, expected \"# {\", got " + quote(b, i, e));
    }
    int close = i + 3;
    boolean inQuote = false;
    for (; close < e; close++) {
      byte c = b[close];
      if (inQuote && c == '\\') {
        close++;
      } else if (c == '"') {
        inQuote = !inQuote;
      } else if (!inQuote && c == '}') {
        break;
      }
    }
    if (close >= e || close + 1 >= e || b[close + 1] != ' ') {
      throw error("invalid exemplar, expected a value after the label set, got " + quote(b, i, e));
    }
    int vs = close + 2;
    int ve = tokenEnd(b, vs, e);
    if (NumberParser.isInvalid(NumberParser.parseDouble(b, vs, ve))) {
      throw error("invalid exemplar value " + quote(b, vs, ve));
    }
    if (ve < e) {
      int ts = ve + 1;
      int te = tokenEnd(b, ts, e);
      if (te != e || NumberParser.isInvalid(NumberParser.parseDouble(b, ts, te))) {
        throw error("invalid exemplar timestamp " + quote(b, ts, e));
      }
    }
  }

  private boolean sampleBelongsToFamily(byte[] b, int s, int nameEnd) {
    byte[] f = familyBytes;
    int fl = f.length;
    if (fl == 0 || nameEnd - s < fl || !Arrays.equals(b, s, s + fl, f, 0, fl)) {
      return false;
    }
    return nameEnd - s == fl || b[s + fl] == '_'; // the family itself or a suffixed sample (_total, _bucket, ...)
  }

  private boolean isCreatedSeries(byte[] b, int s, int nameEnd) {
    MetricType t = familyType;
    if (t != MetricType.COUNTER && t != MetricType.HISTOGRAM && t != MetricType.SUMMARY) {
      return false;
    }
    int fl = familyName.length();
    return nameEnd - s == fl + 8 && sampleBelongsToFamily(b, s, nameEnd) && isWord(b, s + fl, nameEnd, "_created");
  }

  // ---- lexical helpers ----

  private void putScratch(byte c) {
    if (scratchLen == scratch.length) {
      byte[] bigger = new byte[scratch.length * 2];
      System.arraycopy(scratch, 0, bigger, 0, scratchLen);
      // Values already written point at the old array; repoint them.
      for (int k = 0; k < view.valueBufs.length; k++) {
        if (view.valueBufs[k] == scratch) {
          view.valueBufs[k] = bigger;
        }
      }
      scratch = bigger;
    }
    scratch[scratchLen++] = c;
  }

  private static int metricNameEnd(byte[] b, int i, int e) {
    return ByteScan.metricNameEnd(b, i, e);
  }

  private static int labelNameEnd(byte[] b, int i, int e) {
    return ByteScan.labelNameEnd(b, i, e);
  }

  private ExpositionParseException error(String detail) {
    return new ExpositionParseException(line, detail);
  }
}
